#ifndef HOPS_CPROCESS_SHIM_H
#define HOPS_CPROCESS_SHIM_H

// What starting and supervising child processes needs beyond Swift's Glibc module: Linux-only
// calls (prctl, pipe2, the chdir spawn action) and a signal handler that only writes to a pipe.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

// GNU extensions, declared here because the system module may be built without _GNU_SOURCE.
extern int posix_spawn_file_actions_addchdir_np(posix_spawn_file_actions_t *actions, const char *path);
extern int pipe2(int descriptors[2], int flags);

/// Makes this process the reaper of its orphaned descendants (Linux); 0 on success.
static inline int hops_become_child_subreaper(void) {
#ifdef PR_SET_CHILD_SUBREAPER
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
#else
    return -1;
#endif
}

/// A pipe whose ends are close-on-exec from their creation; 0 on success.
static inline int hops_pipe_cloexec(int descriptors[2]) { return pipe2(descriptors, O_CLOEXEC); }

/// Adds "change to `path`" to the spawn's file actions; 0 on success.
static inline int hops_spawn_add_chdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

/// Waits up to `timeout_ms` for process `pid` (any process, not only a child) to end, on a pidfd:
/// 1 when it has ended (or does not exist), 0 when it still runs, -1 on error.
static inline int hops_wait_for_process_end(pid_t pid, int timeout_ms) {
    int fd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (fd < 0) return errno == ESRCH ? 1 : -1;
    struct pollfd request = {.fd = fd, .events = POLLIN, .revents = 0};
    int ready;
    do {
        ready = poll(&request, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    close(fd);
    return ready > 0 ? 1 : ready == 0 ? 0 : -1;
}

/// The write end of the signal pipe: a handled signal writes its number there as one byte.
/// Only ProcessSupervisor.swift calls these functions (the static is per object file).
static volatile sig_atomic_t hops_signal_pipe_fd = -1;

static void hops_signal_to_pipe(int signal_number) {
    int saved = errno;
    unsigned char byte = (unsigned char)signal_number;
    if (hops_signal_pipe_fd >= 0) (void)!write(hops_signal_pipe_fd, &byte, 1);
    errno = saved;
}

/// From now on `signal_number` writes one byte to `fd` instead of its default action; 0 on success.
static inline int hops_forward_signal_to_pipe(int signal_number, int fd) {
    hops_signal_pipe_fd = fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = hops_signal_to_pipe;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    if (sigaction(signal_number, &action, NULL) != 0) return -1;
    sigset_t only;
    sigemptyset(&only);
    sigaddset(&only, signal_number);
    return sigprocmask(SIG_UNBLOCK, &only, NULL);
}

#endif
