// The one place where agent processes are created. Everything between clone and exec runs in a
// child that shares the memory of a multi-threaded process, so it may only make system calls: no
// malloc, no stdio, no locks, no errno-dependent library state. The parent resolves PATH and
// builds argv/envp beforehand.
#define _GNU_SOURCE
#include "CSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <pthread.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef CLOSE_RANGE_UNSHARE
#define CLOSE_RANGE_UNSHARE (1U << 1)
#endif
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/// What the child leaves for the parent when it cannot exec. With CLONE_VM the child writes it
/// straight into the parent's memory; the parent reads it once the child has exec'd or exited
/// (CLONE_VFORK suspends the parent until then).
struct child_failure {
    int error;
    int stage;
};

/// struct sigaction as the kernel takes it (all zero: SIG_DFL, no flags, empty mask).
struct kernel_sigaction {
    void *handler;
    unsigned long flags;
    void *restorer;
    unsigned long mask;
};

struct child_context {
    const cspawn_request *request;
    pid_t parent;
    /// With CLONE_FILES: the child's stdin, stdout and stderr wait in these descriptors of the
    /// shared table, all below `slots_end`; 0 without (the child got a copy of the table).
    int slots[3];
    int slots_end;
    sigset_t parent_mask;
    struct child_failure failure;
};

static int fail_child(struct child_context *context, int stage) {
    context->failure.error = errno;
    context->failure.stage = stage;
    _exit(127);
}

static int write_all(int fd, const char *text, size_t length) {
    while (length > 0) {
        ssize_t written = write(fd, text, length);
        if (written < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        text += written;
        length -= (size_t)written;
    }
    return 0;
}

/// Closes every descriptor from `first` on (close_range; one by one on kernels before 5.9).
static void close_from(int first) {
    if (syscall(SYS_close_range, (unsigned)first, ~0U, 0U) == 0) return;
    struct rlimit limit;
    int end = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (int)limit.rlim_cur : 65536;
    for (int fd = first; fd < end; fd++) close(fd);
}

/// The child, sharing the parent's memory until execve: only system calls, nothing that takes
/// a lock or allocates. Every signal is blocked when it begins (see cspawn_spawn).
static int run_child(void *argument) {
    struct child_context *context = argument;
    const cspawn_request *request = context->request;
    // Handlers are reset by exec, but ignored signals are inherited, and a handler of the
    // supervisor must never run in this child (it shares the supervisor's memory): default
    // every disposition while signals are still blocked, then clear the mask.
    // The kernel's own call: glibc's sigaction refuses the two signals it reserves for threads
    // (32 and 33), which a parent may have left ignored.
    struct kernel_sigaction default_action;
    memset(&default_action, 0, sizeof default_action);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        syscall(SYS_rt_sigaction, sig, &default_action, NULL, sizeof default_action.mask);
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);

    if (context->slots_end > 0) {
        // The descriptor table is the supervisor's own (CLONE_FILES): take a private one that
        // holds only the descriptors below the slots' end, instead of a copy of thousands of
        // agents' pipes (which exec would then close one by one). Kernels before 5.9 copy all.
        if (syscall(SYS_close_range, (unsigned)context->slots_end, ~0U, CLOSE_RANGE_UNSHARE) != 0
            && unshare(CLONE_FILES) != 0) {
            return fail_child(context, CSPAWN_STAGE_SETUP);
        }
    }

    // Own process group, so a stop signal reaches the agent's children too.
    if (setpgid(0, 0) != 0) return fail_child(context, CSPAWN_STAGE_SETUP);
    if (request->death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, request->death_signal) != 0) return fail_child(context, CSPAWN_STAGE_SETUP);
        // The parent may have died between clone and prctl: then no signal will ever come.
        if (getppid() != context->parent) {
            errno = ESRCH;
            return fail_child(context, CSPAWN_STAGE_SETUP);
        }
    }
    if (request->nofile_soft >= 0) {
        // The supervisor raised its own descriptor limit; the agent gets the one it started with
        // (programs that use select() break above 1024).
        struct rlimit limit;
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && (rlim_t)request->nofile_soft < limit.rlim_cur) {
            limit.rlim_cur = (rlim_t)request->nofile_soft;
            if (setrlimit(RLIMIT_NOFILE, &limit) != 0) return fail_child(context, CSPAWN_STAGE_SETUP);
        }
    }

    if (request->cgroup_procs != NULL) {
        // Join before exec so that no agent code ever runs outside its limits (cgroup v1 has
        // one file per controller hierarchy, v2 one in all).
        for (char *const *path = request->cgroup_procs; *path != NULL; path++) {
            int fd = open(*path, O_WRONLY | O_CLOEXEC);
            if (fd < 0 || write_all(fd, "0\n", 2) != 0) return fail_child(context, CSPAWN_STAGE_CGROUP);
            close(fd);
        }
    }

    if (context->slots_end > 0) {
        // dup2 clears FD_CLOEXEC on the new descriptor; every other one is closed outright
        // (only the few below the slots' end are left in this table).
        for (int target = 0; target < 3; target++) {
            if (dup2(context->slots[target], target) < 0) return fail_child(context, CSPAWN_STAGE_SETUP);
        }
        close_from(3);
    } else {
        int null_fd = -1;
        if (request->stdin_fd < 0 || request->stdout_fd < 0 || request->stderr_fd < 0) {
            null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
            if (null_fd < 0) return fail_child(context, CSPAWN_STAGE_SETUP);
        }
        int in = request->stdin_fd >= 0 ? request->stdin_fd : null_fd;
        int out = request->stdout_fd >= 0 ? request->stdout_fd : null_fd;
        int err = request->stderr_fd >= 0 ? request->stderr_fd : null_fd;
        // dup2 clears FD_CLOEXEC on the new descriptor; everything else stays close-on-exec.
        if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) return fail_child(context, CSPAWN_STAGE_SETUP);
        // Descriptors opened elsewhere in the supervisor without O_CLOEXEC must not leak to agents
        // (close_range's CLOEXEC flag needs Linux 5.11: mark them one by one before that).
        if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
            struct rlimit limit;
            int end = getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536 ? (int)limit.rlim_cur : 65536;
            for (int fd = 3; fd < end; fd++) fcntl(fd, F_SETFD, FD_CLOEXEC);
        }
    }

    if (request->cwd != NULL && chdir(request->cwd) != 0) return fail_child(context, CSPAWN_STAGE_CWD);
    execve(request->path, request->argv, request->envp);
    return fail_child(context, CSPAWN_STAGE_EXEC);
}

/// The child's stack while it shares the parent's memory (it runs until execve on it). One,
/// reused: spawns take `spawn_slot_lock` around the clone, and CLONE_VFORK returns only once the
/// child has exec'd or exited, so no two children ever run on it. No mmap/munmap per spawn (the
/// munmap flushed the TLB, and each fresh mapping faulted in zeroed pages).
#define CHILD_STACK_SIZE (64 * 1024)
static char child_stack[CHILD_STACK_SIZE] __attribute__((aligned(64)));

/// Three descriptors reserved at low numbers for the whole life of the process, and /dev/null.
/// A spawn points the slots at the child's stdin, stdout and stderr, clones with CLONE_FILES
/// (no copy of the descriptor table: with 10 000 agents it holds 30 000 pipes and pidfds) and
/// points them back at /dev/null; the child keeps only the descriptors below the slots.
static int spawn_slots[3] = {-1, -1, -1};
static int spawn_null = -1;
static pthread_mutex_t spawn_slot_lock = PTHREAD_MUTEX_INITIALIZER;

static void clear_spawn_slots(void);

/// A descriptor of /dev/null numbered 3 or above, close-on-exec; -1 on failure.
static int reserve_low_descriptor(void) {
    int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (fd < 0 || fd >= 3) return fd;
    // 0, 1 or 2 was closed when the process started: leave /dev/null there, reserve another.
    return fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

__attribute__((constructor)) static void reserve_spawn_slots(void) {
    spawn_null = reserve_low_descriptor();
    for (int i = 0; i < 3; i++) spawn_slots[i] = reserve_low_descriptor();
}

/// Points the slots at the request's descriptors (/dev/null where it has none); returns the
/// end of the slots (one above the highest), or 0 when they cannot be used.
static int fill_spawn_slots(const cspawn_request *request, struct child_context *context) {
    if (spawn_null < 0 || spawn_slots[0] < 0 || spawn_slots[1] < 0 || spawn_slots[2] < 0) return 0;
    int sources[3] = {request->stdin_fd, request->stdout_fd, request->stderr_fd};
    int end = 0;
    for (int i = 0; i < 3; i++) {
        int source = sources[i] >= 0 ? sources[i] : spawn_null;
        if (dup3(source, spawn_slots[i], O_CLOEXEC) < 0) {
            // None may keep a descriptor of this request (a pipe's write end would never close).
            clear_spawn_slots();
            return 0;
        }
        context->slots[i] = spawn_slots[i];
        if (spawn_slots[i] + 1 > end) end = spawn_slots[i] + 1;
    }
    return end;
}

/// Back to /dev/null, so that no slot keeps an agent's pipe open in the supervisor.
static void clear_spawn_slots(void) {
    for (int i = 0; i < 3; i++) dup3(spawn_null, spawn_slots[i], O_CLOEXEC);
}

int cspawn_spawn(const cspawn_request *request, cspawn_result *result) {
    result->pid = 0;
    result->pidfd = -1;
    result->error = 0;
    result->stage = CSPAWN_STAGE_NONE;

    // clone(CLONE_VM | CLONE_VFORK) instead of fork: nothing of the supervisor's memory is
    // copied or write-protected per spawn, so a start costs the same with 10 agents or 10 000.
    // The parent thread is suspended until the child execs or exits.
    struct child_context context;
    memset(&context, 0, sizeof context);
    context.request = request;
    context.parent = getpid();
    // No handler of ours may run in the child before it has reset the dispositions.
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &context.parent_mask);
    // One spawn at a time uses the slots (threads of a test process spawn side by side).
    pthread_mutex_lock(&spawn_slot_lock);
    context.slots_end = fill_spawn_slots(request, &context);
    int flags = CLONE_VM | CLONE_VFORK | SIGCHLD | (context.slots_end > 0 ? CLONE_FILES : 0);
    int pidfd = -1;
    char *stack_top = child_stack + CHILD_STACK_SIZE;
    pid_t pid = clone(run_child, stack_top, flags | CLONE_PIDFD, &context, &pidfd);
    if (pid < 0 && errno == EINVAL) {
        // A kernel before 5.2 has no CLONE_PIDFD: open the pidfd afterwards instead.
        pidfd = -1;
        pid = clone(run_child, stack_top, flags, &context);
    }
    int clone_error = errno;
    if (context.slots_end > 0) clear_spawn_slots();
    pthread_mutex_unlock(&spawn_slot_lock);
    pthread_sigmask(SIG_SETMASK, &context.parent_mask, NULL);
    if (pid < 0) {
        result->error = clone_error;
        result->stage = CSPAWN_STAGE_FORK;
        return -1;
    }

    if (context.failure.stage != CSPAWN_STAGE_NONE) {
        if (pidfd >= 0) close(pidfd);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        result->error = context.failure.error;
        result->stage = context.failure.stage;
        return -1;
    }

    if (pidfd < 0) {
        // The child is not reaped yet, so its pid cannot be reused: pidfd_open is race-free here.
        pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    }
    if (pidfd < 0) {
        result->error = errno;
        result->stage = CSPAWN_STAGE_PIDFD;
        kill(-pid, SIGKILL);
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        return -1;
    }
    fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    result->pid = pid;
    result->pidfd = pidfd;
    return 0;
}

int cspawn_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

int cspawn_pidfd_signal(int pidfd, int signal) {
    return (int)syscall(SYS_pidfd_send_signal, pidfd, signal, NULL, 0);
}

int cspawn_pidfd_reap(int pidfd, pid_t group, int *exit_code, int *term_signal, int *core_dumped) {
    siginfo_t info;
    memset(&info, 0, sizeof info);
    int rc;
    do {
        rc = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG | WNOWAIT);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -1;
    if (info.si_pid == 0) return 0;
    if (group > 0) kill(-group, SIGKILL);
    memset(&info, 0, sizeof info);
    do {
        rc = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED | WNOHANG);
    } while (rc < 0 && errno == EINTR);
    if (rc < 0) return -1;
    if (info.si_pid == 0) return 0;
    *exit_code = -1;
    *term_signal = -1;
    *core_dumped = 0;
    if (info.si_code == CLD_EXITED) {
        *exit_code = info.si_status;
    } else {
        *term_signal = info.si_status;
        *core_dumped = info.si_code == CLD_DUMPED;
    }
    return 1;
}

static int signal_pipe_write_fd = -1;

static void on_signal(int sig) {
    int saved = errno;
    unsigned char byte = (unsigned char)sig;
    ssize_t ignored = write(signal_pipe_write_fd, &byte, 1);
    (void)ignored;
    errno = saved;
}

int cspawn_signal_forward(int write_fd, const int *signals, int count) {
    signal_pipe_write_fd = write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_signal;
    action.sa_flags = SA_RESTART;
    sigemptyset(&action.sa_mask);
    sigset_t unblock;
    sigemptyset(&unblock);
    for (int i = 0; i < count; i++) {
        if (sigaction(signals[i], &action, NULL) != 0) return -1;
        sigaddset(&unblock, signals[i]);
    }
    // A parent (a test runner, a shell) may have left these blocked; then they would never
    // arrive. Unblock them on the calling thread, which keeps running to read the pipe.
    pthread_sigmask(SIG_UNBLOCK, &unblock, NULL);
    return 0;
}

int cspawn_signal_pipe(const int *signals, int count) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) return -1;
    if (cspawn_signal_forward(fds[1], signals, count) != 0) return -1;
    return fds[0];
}

void cspawn_signal_default(const int *signals, int count) {
    for (int i = 0; i < count; i++) signal(signals[i], SIG_DFL);
}

int cspawn_set_death_signal(int signal) {
    return prctl(PR_SET_PDEATHSIG, signal);
}

int cspawn_realtime_first(void) {
    return SIGRTMIN;
}

int cspawn_realtime_last(void) {
    return SIGRTMAX;
}

int cspawn_become_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

int cspawn_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}
