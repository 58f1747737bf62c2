#ifndef HOPS_CEDITLINE_SHIM_H
#define HOPS_CEDITLINE_SHIM_H
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <wchar.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <histedit.h>

// libedit (and the terminal libraries it brings) is loaded when the prompt first needs it, not
// when hops starts: `hops -e` and `hops flow run` never edit a line. loader.c defines the plain
// functions Swift calls (el_init, el_gets, ...) as forwarders; the variadic ones are reached
// through these pointers.

/// The address of a libedit function, loading libedit on first use; NULL when it cannot be loaded.
void *hops_edit_symbol(const char *name);

typedef int (*hops_el_variadic)(EditLine *, int, ...);
typedef int (*hops_history_variadic)(History *, HistEvent *, int, ...);
#define HOPS_EL_SET(...) (hops_edit_symbol("el_set") ? ((hops_el_variadic)hops_edit_symbol("el_set"))(__VA_ARGS__) : -1)
#define HOPS_EL_GET(...) (hops_edit_symbol("el_get") ? ((hops_el_variadic)hops_edit_symbol("el_get"))(__VA_ARGS__) : -1)
#define HOPS_HISTORY(...) (hops_edit_symbol("history") ? ((hops_history_variadic)hops_edit_symbol("history"))(__VA_ARGS__) : -1)

/// The C stdio globals, which Swift sees only as mutable globals of unclear concurrency.
static inline FILE *hops_stdin(void) { return stdin; }
static inline FILE *hops_stdout(void) { return stdout; }
static inline FILE *hops_stderr(void) { return stderr; }

// MARK: - Interrupts

/// Set by the SIGINT handler; read by the evaluator's cancellation check and the line editor.
/// Being `static` in a header, each object file that uses these gets its own copy: only one
/// Swift file (HopsShell's Interrupts.swift) may call the interrupt functions below.
static volatile sig_atomic_t hops_interrupt_flag = 0;
/// The process group of a running child, killed on SIGINT; 0 when none runs.
static volatile sig_atomic_t hops_child_process_group = 0;

/// A pipe the handler writes a byte to: whoever waits for Ctrl-C polls its read end, which stays
/// readable until `hops_clear_interrupt` drains it (the self-pipe trick; no waiter polls the flag).
static int hops_interrupt_pipe[2] = { -1, -1 };
/// glibc declares pipe2 only under _GNU_SOURCE, which a module header must not define.
extern int pipe2(int descriptors[2], int flags);

static void hops_sigint_handler(int signal_number) {
    (void)signal_number;
    int saved = errno;
    hops_interrupt_flag = 1;
    if (hops_interrupt_pipe[1] >= 0) {
        char byte = 1;
        ssize_t written = write(hops_interrupt_pipe[1], &byte, 1);
        (void)written;
    }
    pid_t group = (pid_t)hops_child_process_group;
    if (group > 0) kill(-group, SIGINT);
    errno = saved;
}

/// Installs the SIGINT handler. With SA_RESTART: any blocking read in the process (a pipe to git,
/// a child's output) must not fail with EINTR; the waiters below wake on the pipe instead.
static inline int hops_install_sigint_handler(void) {
    if (hops_interrupt_pipe[0] < 0 && pipe2(hops_interrupt_pipe, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = hops_sigint_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(SIGINT, &action, NULL) != 0) return -1;
    // A parent may have started us with SIGINT blocked; Ctrl-C must reach the handler.
    sigset_t interrupt;
    sigemptyset(&interrupt);
    sigaddset(&interrupt, SIGINT);
    return sigprocmask(SIG_UNBLOCK, &interrupt, NULL);
}

static inline int hops_interrupted(void) { return hops_interrupt_flag != 0; }
static inline void hops_clear_interrupt(void) {
    hops_interrupt_flag = 0;
    char drained[64];
    while (hops_interrupt_pipe[0] >= 0 && read(hops_interrupt_pipe[0], drained, sizeof drained) > 0) {}
}

/// Blocks until Ctrl-C or until `fd` is readable or closed at its other end: 1 for Ctrl-C, 0 for `fd`.
static inline int hops_wait_interrupt(int fd) {
    for (;;) {
        if (hops_interrupt_flag) return 1;
        struct pollfd requests[2] = {
            { .fd = fd, .events = POLLIN, .revents = 0 },
            { .fd = hops_interrupt_pipe[0], .events = POLLIN, .revents = 0 },
        };
        int ready = poll(requests, 2, -1);
        if (ready < 0 && errno != EINTR) return 0;
        if (hops_interrupt_flag) return 1;
        if (ready > 0 && requests[0].revents != 0) return 0;
    }
}
static inline void hops_set_child_process_group(pid_t group) { hops_child_process_group = group; }
static inline int hops_errno(void) { return errno; }

/// Reads one byte from `fd`, or fails with EINTR on Ctrl-C: it waits on the interrupt pipe beside
/// `fd`, so a SIGINT that lands between two reads does not leave the editor blocked until the next key.
static int hops_read_byte(int fd, unsigned char *byte) {
    for (;;) {
        if (hops_wait_interrupt(fd)) { errno = EINTR; return -1; }
        ssize_t count = read(fd, byte, 1);
        if (count < 0 && errno == EINTR) continue;
        return (int)count;
    }
}

/// libedit's character reader (EL_GETCFN), decoding UTF-8 from standard input.
static int hops_read_character(EditLine *el, wchar_t *character) {
    (void)el;
    unsigned char first;
    int count = hops_read_byte(STDIN_FILENO, &first);
    if (count <= 0) { *character = L'\0'; return count; }
    int extra = first < 0x80 ? 0 : (first & 0xE0) == 0xC0 ? 1 : (first & 0xF0) == 0xE0 ? 2
        : (first & 0xF8) == 0xF0 ? 3 : -1;
    if (extra < 0) { *character = (wchar_t)0xFFFD; return 1; }
    wchar_t value = extra == 0 ? first : extra == 1 ? (first & 0x1F) : extra == 2 ? (first & 0x0F) : (first & 0x07);
    for (int index = 0; index < extra; index++) {
        unsigned char next;
        count = hops_read_byte(STDIN_FILENO, &next);
        if (count <= 0) { *character = L'\0'; return count; }
        if ((next & 0xC0) != 0x80) { *character = (wchar_t)0xFFFD; return 1; }
        value = (value << 6) | (next & 0x3F);
    }
    *character = value;
    return 1;
}

/// Makes the editor read through `hops_read_character`, so Ctrl-C ends a read promptly.
static inline int hops_el_use_interruptible_reader(EditLine *el) {
    return HOPS_EL_SET(el, EL_GETCFN, hops_read_character);
}

// MARK: - el_set / el_get wrappers for the variadic calls

typedef char *(*hops_prompt_function)(EditLine *);
typedef unsigned char (*hops_editor_function)(EditLine *, int);

static inline int hops_el_set_prompt(EditLine *el, hops_prompt_function prompt) {
    return HOPS_EL_SET(el, EL_PROMPT, prompt);
}
static inline int hops_el_set_editor(EditLine *el, const char *mode) {
    return HOPS_EL_SET(el, EL_EDITOR, mode);
}
static inline int hops_el_set_signal(EditLine *el, int on) {
    return HOPS_EL_SET(el, EL_SIGNAL, on);
}
static inline int hops_el_set_history(EditLine *el, History *list) {
    return HOPS_EL_SET(el, EL_HIST, hops_edit_symbol("history"), list);
}
static inline int hops_el_set_client_data(EditLine *el, void *data) {
    return HOPS_EL_SET(el, EL_CLIENTDATA, data);
}
static inline void *hops_el_get_client_data(EditLine *el) {
    void *data = NULL;
    if (HOPS_EL_GET(el, EL_CLIENTDATA, &data) != 0) return NULL;
    return data;
}
static inline int hops_el_add_function(
    EditLine *el, const char *name, const char *help, hops_editor_function function) {
    return HOPS_EL_SET(el, EL_ADDFN, name, help, function);
}
static inline int hops_el_bind(EditLine *el, const char *key, const char *command) {
    return HOPS_EL_SET(el, EL_BIND, key, command, (const char *)NULL);
}

// MARK: - history wrappers

static inline int hops_history_set_size(History *h, HistEvent *event, int size) {
    return HOPS_HISTORY(h, event, H_SETSIZE, size);
}
static inline int hops_history_set_unique(History *h, HistEvent *event, int unique) {
    return HOPS_HISTORY(h, event, H_SETUNIQUE, unique);
}
static inline int hops_history_enter(History *h, HistEvent *event, const char *line) {
    return HOPS_HISTORY(h, event, H_ENTER, line);
}
static inline int hops_history_load(History *h, HistEvent *event, const char *path) {
    return HOPS_HISTORY(h, event, H_LOAD, path);
}
static inline int hops_history_save(History *h, HistEvent *event, const char *path) {
    return HOPS_HISTORY(h, event, H_SAVE, path);
}
#endif
