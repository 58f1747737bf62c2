#ifndef HOPS_CCURL_SHIM_H
#define HOPS_CCURL_SHIM_H
#include <curl/curl.h>
#include <dlfcn.h>
#include <stddef.h>

// libcurl is loaded when the first HTTP request is made, not when hops starts: it brings some
// thirty shared libraries (TLS, Kerberos, LDAP, ...) whose loading would otherwise dominate the
// start-up of every `hops -e`. Swift calls only these wrappers, never libcurl directly.

/// The address of a libcurl function, loading libcurl on first use; NULL when it cannot be loaded.
static inline void *hops_curl_symbol(const char *name) {
    static void *library = NULL;
    if (library == NULL) library = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) library = dlopen("libcurl.so", RTLD_NOW | RTLD_LOCAL);
    return library == NULL ? NULL : dlsym(library, name);
}

/// Whether libcurl could be loaded; the other wrappers fail with CURLE_FAILED_INIT when not.
static inline int hops_curl_available(void) { return hops_curl_symbol("curl_easy_init") != NULL; }

// The function of libcurl named `name`, typed as curl.h declares it (no reference to the symbol).
#define HOPS_CURL_FUNCTION(name) \
    static __typeof__(&name) function = NULL; \
    if (function == NULL) function = (__typeof__(&name))hops_curl_symbol(#name);

static inline CURLcode hops_curl_global_init(long flags) {
    HOPS_CURL_FUNCTION(curl_global_init)
    return function ? function(flags) : CURLE_FAILED_INIT;
}
static inline CURL *hops_curl_easy_init(void) {
    HOPS_CURL_FUNCTION(curl_easy_init)
    return function ? function() : NULL;
}
static inline void hops_curl_easy_cleanup(CURL *handle) {
    HOPS_CURL_FUNCTION(curl_easy_cleanup)
    if (function) function(handle);
}
static inline void hops_curl_easy_reset(CURL *handle) {
    HOPS_CURL_FUNCTION(curl_easy_reset)
    if (function) function(handle);
}
static inline CURLcode hops_curl_easy_perform(CURL *handle) {
    HOPS_CURL_FUNCTION(curl_easy_perform)
    return function ? function(handle) : CURLE_FAILED_INIT;
}
static inline const char *hops_curl_easy_strerror(CURLcode code) {
    HOPS_CURL_FUNCTION(curl_easy_strerror)
    return function ? function(code) : "libcurl could not be loaded";
}
static inline struct curl_slist *hops_curl_slist_append(struct curl_slist *list, const char *text) {
    HOPS_CURL_FUNCTION(curl_slist_append)
    return function ? function(list, text) : NULL;
}
static inline void hops_curl_slist_free_all(struct curl_slist *list) {
    HOPS_CURL_FUNCTION(curl_slist_free_all)
    if (function) function(list);
}

// curl_easy_setopt and curl_easy_getinfo are variadic; Swift calls these typed wrappers instead.
static inline CURLcode hops_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    HOPS_CURL_FUNCTION(curl_easy_setopt)
    return function ? function(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode hops_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    HOPS_CURL_FUNCTION(curl_easy_setopt)
    return function ? function(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode hops_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    HOPS_CURL_FUNCTION(curl_easy_setopt)
    return function ? function(handle, option, value) : CURLE_FAILED_INIT;
}
static inline CURLcode hops_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    HOPS_CURL_FUNCTION(curl_easy_setopt)
    return function ? function(handle, option, value) : CURLE_FAILED_INIT;
}
typedef size_t (*hops_curl_write_callback)(char *data, size_t size, size_t count, void *context);
static inline CURLcode hops_curl_setopt_write_function(CURL *handle, CURLoption option, hops_curl_write_callback callback) {
    HOPS_CURL_FUNCTION(curl_easy_setopt)
    return function ? function(handle, option, callback) : CURLE_FAILED_INIT;
}
static inline CURLcode hops_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    HOPS_CURL_FUNCTION(curl_easy_getinfo)
    return function ? function(handle, info, value) : CURLE_FAILED_INIT;
}
static inline CURLcode hops_curl_getinfo_double(CURL *handle, CURLINFO info, double *value) {
    HOPS_CURL_FUNCTION(curl_easy_getinfo)
    return function ? function(handle, info, value) : CURLE_FAILED_INIT;
}
static inline CURLcode hops_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    HOPS_CURL_FUNCTION(curl_easy_getinfo)
    return function ? function(handle, info, value) : CURLE_FAILED_INIT;
}
#undef HOPS_CURL_FUNCTION
#endif
