// libedit loaded on first use: the functions Swift calls, forwarded to the library.
#include <dlfcn.h>
#include <stdio.h>
#include <histedit.h>

void *hops_edit_symbol(const char *name);

void *hops_edit_symbol(const char *name) {
    static void *library = NULL;
    if (library == NULL) library = dlopen("libedit.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libedit.so", RTLD_NOW | RTLD_LOCAL);
    return library == NULL ? NULL : dlsym(library, name);
}

// The libedit function `name`, typed as histedit.h declares it.
#define HOPS_EDIT_FUNCTION(name) \
    static __typeof__(&name) function = NULL; \
    if (function == NULL) function = (__typeof__(&name))hops_edit_symbol(#name);

EditLine *el_init(const char *program, FILE *input, FILE *output, FILE *errors) {
    HOPS_EDIT_FUNCTION(el_init)
    return function ? function(program, input, output, errors) : NULL;
}
void el_end(EditLine *el) {
    HOPS_EDIT_FUNCTION(el_end)
    if (function) function(el);
}
const char *el_gets(EditLine *el, int *count) {
    HOPS_EDIT_FUNCTION(el_gets)
    if (count) *count = -1;
    return function ? function(el, count) : NULL;
}
const LineInfo *el_line(EditLine *el) {
    HOPS_EDIT_FUNCTION(el_line)
    return function ? function(el) : NULL;
}
int el_insertstr(EditLine *el, const char *text) {
    HOPS_EDIT_FUNCTION(el_insertstr)
    return function ? function(el, text) : -1;
}
void el_deletestr(EditLine *el, int count) {
    HOPS_EDIT_FUNCTION(el_deletestr)
    if (function) function(el, count);
}
History *history_init(void) {
    HOPS_EDIT_FUNCTION(history_init)
    return function ? function() : NULL;
}
void history_end(History *history) {
    HOPS_EDIT_FUNCTION(history_end)
    if (function) function(history);
}
