// The one place where agent processes are created. Everything between fork and exec runs in the
// child of a multi-threaded process, so it may only make async-signal-safe system calls: no
// malloc, no stdio, no locks. The parent resolves PATH and builds argv/envp beforehand.
#define _GNU_SOURCE
#include "CSpawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
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
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

struct child_failure {
    int error;
    int stage;
};

static void fail_child(int report_fd, int stage) {
    struct child_failure failure = {errno, stage};
    ssize_t ignored = write(report_fd, &failure, sizeof failure);
    (void)ignored;
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

static void run_child(const cspawn_request *request, pid_t parent, int report_fd) {
    // Own process group, so a stop signal reaches the agent's children too.
    if (setpgid(0, 0) != 0) fail_child(report_fd, CSPAWN_STAGE_SETUP);
    if (request->death_signal > 0) {
        if (prctl(PR_SET_PDEATHSIG, request->death_signal) != 0) fail_child(report_fd, CSPAWN_STAGE_SETUP);
        // The parent may have died between fork and prctl: then no signal will ever come.
        if (getppid() != parent) _exit(127);
    }
    // Handlers are reset by exec, but ignored signals and the mask are inherited: clear both.
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        signal(sig, SIG_DFL);
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);

    if (request->cgroup_procs != NULL) {
        // Join before exec so that no agent code ever runs outside its limits (cgroup v1 has
        // one file per controller hierarchy, v2 one in all).
        for (char *const *path = request->cgroup_procs; *path != NULL; path++) {
            int fd = open(*path, O_WRONLY | O_CLOEXEC);
            if (fd < 0 || write_all(fd, "0\n", 2) != 0) fail_child(report_fd, CSPAWN_STAGE_CGROUP);
            close(fd);
        }
    }

    int null_fd = -1;
    if (request->stdin_fd < 0 || request->stdout_fd < 0 || request->stderr_fd < 0) {
        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd < 0) fail_child(report_fd, CSPAWN_STAGE_SETUP);
    }
    int in = request->stdin_fd >= 0 ? request->stdin_fd : null_fd;
    int out = request->stdout_fd >= 0 ? request->stdout_fd : null_fd;
    int err = request->stderr_fd >= 0 ? request->stderr_fd : null_fd;
    // dup2 clears FD_CLOEXEC on the new descriptor; everything else stays close-on-exec.
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0) fail_child(report_fd, CSPAWN_STAGE_SETUP);
    // Descriptors opened elsewhere in the supervisor without O_CLOEXEC must not leak to agents.
    syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);

    if (request->cwd != NULL && chdir(request->cwd) != 0) fail_child(report_fd, CSPAWN_STAGE_CWD);
    execve(request->path, request->argv, request->envp);
    fail_child(report_fd, CSPAWN_STAGE_EXEC);
}

int cspawn_spawn(const cspawn_request *request, cspawn_result *result) {
    result->pid = 0;
    result->pidfd = -1;
    result->error = 0;
    result->stage = CSPAWN_STAGE_NONE;

    // The child reports a failure before exec through this pipe; a successful exec closes it.
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0) {
        result->error = errno;
        result->stage = CSPAWN_STAGE_FORK;
        return -1;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        result->error = errno;
        result->stage = CSPAWN_STAGE_FORK;
        close(report[0]);
        close(report[1]);
        return -1;
    }
    if (pid == 0) {
        close(report[0]);
        run_child(request, parent, report[1]);
    }
    close(report[1]);
    // Also set the group from the parent, so a signal sent right after we return reaches it.
    setpgid(pid, pid);

    struct child_failure failure = {0, 0};
    ssize_t got;
    do {
        got = read(report[0], &failure, sizeof failure);
    } while (got < 0 && errno == EINTR);
    close(report[0]);
    if (got == (ssize_t)sizeof failure) {
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        result->error = failure.error;
        result->stage = failure.stage;
        return -1;
    }

    // The child is not reaped yet, so its pid cannot be reused: pidfd_open is race-free here.
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
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
