// hops-step: the leader of one step's processes.
//
// hops starts every step through this program: `hops-step PARENT GRACE_MS FOLDER PROGRAM ARGS...`.
// It runs PROGRAM as its child and stays until every process the step started has ended, so that
// nothing a step starts outlives it, whatever happens to hops:
//
// - It is a child subreaper (PR_SET_CHILD_SUBREAPER): a descendant whose parent exits, even one
//   that called setsid(), is re-parented to it rather than to init, so it stays in view.
// - It gets SIGUSR2 when hops dies (PR_SET_PDEATHSIG), even by SIGKILL.
// - On SIGTERM, SIGINT, SIGHUP, SIGQUIT or SIGUSR2 (from hops, or hops's death) it sends SIGTERM
//   to every descendant, and SIGKILL to those left after GRACE_MS; a second signal, or SIGUSR1
//   (hops's "kill now", which two quick SIGTERMs merged into one could not say), sends SIGKILL at once.
// - When PROGRAM exits, what it left running is ended the same way.
//
// - When hops is gone by then (its death was signalled, or it is no longer the parent), it removes FOLDER (the step's work folder, with its arguments and
//   context), which hops would have removed; "-" for none.
//
// It exits once it has no child left (no descendant, being a subreaper), with PROGRAM's exit
// status, or killed by the signal that killed PROGRAM. Its descriptors 1 and 2 are the step's
// output pipes: hops reads them to their end, which therefore comes when the whole tree is gone.
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct process_list {
    pid_t *pids;
    pid_t *parents;
    size_t count;
    size_t capacity;
};

/// Every process of the system with its parent, from /proc/PID/stat.
static void read_processes(struct process_list *list) {
    list->count = 0;
    DIR *proc = opendir("/proc");
    if (proc == NULL) return;
    struct dirent *entry;
    while ((entry = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *file = fopen(path, "re");
        if (file == NULL) continue;
        char buffer[512];
        size_t length = fread(buffer, 1, sizeof buffer - 1, file);
        fclose(file);
        buffer[length] = '\0';
        // The command name may hold spaces and parentheses: the fields follow its last ')'.
        char *close = strrchr(buffer, ')');
        if (close == NULL) continue;
        char state;
        long parent;
        if (sscanf(close + 1, " %c %ld", &state, &parent) != 2) continue;
        if (list->count == list->capacity) {
            size_t capacity = list->capacity ? list->capacity * 2 : 1024;
            pid_t *pids = realloc(list->pids, capacity * sizeof(pid_t));
            if (pids == NULL) break;
            list->pids = pids;
            pid_t *parents = realloc(list->parents, capacity * sizeof(pid_t));
            if (parents == NULL) break;
            list->parents = parents;
            list->capacity = capacity;
        }
        list->pids[list->count] = (pid_t)pid;
        list->parents[list->count] = (pid_t)parent;
        list->count++;
    }
    closedir(proc);
}

/// Sends `signal_number` to every descendant of this process; returns how many it found.
static size_t signal_descendants(int signal_number) {
    static struct process_list list;
    read_processes(&list);
    pid_t self = getpid();
    // Mark descendants by repeated passes: a process is one when its parent is self or marked.
    char *marked = calloc(list.count ? list.count : 1, 1);
    if (marked == NULL) return 0;
    size_t found = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < list.count; i++) {
            if (marked[i]) continue;
            int descendant = list.parents[i] == self;
            for (size_t j = 0; !descendant && j < list.count; j++) {
                descendant = marked[j] && list.pids[j] == list.parents[i];
            }
            if (descendant) {
                marked[i] = 1;
                changed = 1;
                found++;
                kill(list.pids[i], signal_number);
            }
        }
    }
    free(marked);
    return found;
}

static int remove_entry(const char *path, const struct stat *info, int type, struct FTW *walk) {
    (void)info;
    (void)walk;
    if (type == FTW_DP) {
        rmdir(path);
    } else {
        unlink(path);
    }
    return 0;
}

static long long now_ms(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

#ifdef __linux__
// SwiftPM links this C program the way it links a Swift one, with swiftrt.o, whose constructor
// registers the image's Swift metadata through the first function and which keeps the Swift
// backtracer's second. There is no Swift here: defining both keeps the linker from taking the
// Swift runtime and its backtracer (and the C++ runtime under them) from the standard library's
// archive. hops-step starts for every step; without them it starts in a fraction of the time.
void swift_addNewDSOImage(const void *image) { (void)image; }
int _swift_backtrace_isThunkFunction(const char *name) { (void)name; return 0; }
#endif

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: hops-step PARENT-PID GRACE-MS FOLDER|- PROGRAM [ARGUMENT...]\n");
        return 125;
    }
    pid_t parent = (pid_t)atol(argv[1]);
    long long grace = atoll(argv[2]);
    const char *folder = strcmp(argv[3], "-") == 0 ? NULL : argv[3];

    sigset_t handled, original;
    sigemptyset(&handled);
    int signals[] = {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaddset(&handled, signals[i]);
    sigprocmask(SIG_BLOCK, &handled, &original);

    // Set before looking at the parent: if hops died in between, getppid() shows it.
    // Its own signal: while hops's other threads are still ending, getppid() may still name hops.
    prctl(PR_SET_PDEATHSIG, SIGUSR2);
    if (getppid() != parent) return 125;
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    pid_t child = fork();
    if (child < 0) {
        fprintf(stderr, "hops-step: cannot fork: %s\n", strerror(errno));
        return 126;
    }
    if (child == 0) {
        sigprocmask(SIG_SETMASK, &original, NULL);
        execv(argv[4], argv + 4);
        fprintf(stderr, "hops-step: cannot run %s: %s\n", argv[4], strerror(errno));
        _exit(127);
    }
    // The step reads its input; holding it here would keep its writer from seeing the step stop reading.
    close(0);

    int child_status = 0;
    int child_done = 0;
    int stopping = 0;  // 0 running, 1 terminating (SIGTERM sent), 2 killing
    int orphaned = 0;  // hops died
    long long deadline = 0;
    for (;;) {
        // Reap whatever ended; with no child left, no descendant is left either.
        for (;;) {
            int status;
            pid_t ended = waitpid(-1, &status, WNOHANG);
            if (ended == child) {
                child_status = status;
                child_done = 1;
            }
            if (ended > 0) continue;
            if (ended < 0 && errno == ECHILD) goto finished;
            break;
        }
        if (child_done && stopping == 0) {
            // The step is over: what it left running goes too.
            stopping = 1;
            deadline = now_ms() + grace;
            signal_descendants(SIGTERM);
        }
        if (stopping == 1 && now_ms() >= deadline) stopping = 2;
        if (stopping == 2) signal_descendants(SIGKILL);

        siginfo_t info;
        int received;
        if (stopping == 0) {
            received = sigwaitinfo(&handled, &info);
        } else {
            long long wait = stopping == 1 ? deadline - now_ms() : 50;
            if (wait < 0) wait = 0;
            struct timespec timeout = {.tv_sec = wait / 1000, .tv_nsec = (wait % 1000) * 1000000};
            received = sigtimedwait(&handled, &info, &timeout);
        }
        if (received < 0 || received == SIGCHLD) continue;
        if (received == SIGUSR2) orphaned = 1;
        if (received == SIGUSR1) {
            stopping = 2;
            continue;
        }
        // A stop request: terminate now; a second one kills at once.
        if (stopping == 0) {
            stopping = 1;
            deadline = now_ms() + grace;
            signal_descendants(SIGTERM);
        } else {
            stopping = 2;
        }
    }
finished:
    if (folder != NULL && (orphaned || getppid() != parent)) nftw(folder, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    if (WIFSIGNALED(child_status)) {
        int signal_number = WTERMSIG(child_status);
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(signal_number, SIG_DFL);
        sigset_t only;
        sigemptyset(&only);
        sigaddset(&only, signal_number);
        sigprocmask(SIG_UNBLOCK, &only, NULL);
        raise(signal_number);
        return 128 + signal_number;
    }
    return WEXITSTATUS(child_status);
}
