#ifndef CSPAWN_H
#define CSPAWN_H

#include <sys/types.h>

/// What to start. Every pointer is owned by the caller and only read before `cspawn_spawn` returns.
typedef struct {
    const char *path;           /* absolute path of the executable (PATH is resolved by the caller) */
    char *const *argv;          /* NULL-terminated */
    char *const *envp;          /* NULL-terminated */
    const char *cwd;            /* NULL: inherit */
    int stdin_fd;               /* -1: /dev/null */
    int stdout_fd;              /* -1: /dev/null */
    int stderr_fd;              /* -1: /dev/null */
    int death_signal;           /* sent to the child when the forking thread dies; 0: none */
    char *const *cgroup_procs;  /* NULL-terminated cgroup.procs files to join before exec; NULL: none */
    long long nofile_soft;      /* soft RLIMIT_NOFILE for the child when lower than the current one; < 0: inherit */
} cspawn_request;

/// Which step of the child failed, when `error` is set.
enum cspawn_stage {
    CSPAWN_STAGE_NONE = 0,
    CSPAWN_STAGE_FORK = 1,
    CSPAWN_STAGE_SETUP = 2,
    CSPAWN_STAGE_CGROUP = 3,
    CSPAWN_STAGE_CWD = 4,
    CSPAWN_STAGE_EXEC = 5,
    CSPAWN_STAGE_PIDFD = 6,
};

typedef struct {
    pid_t pid;    /* 0 when the start failed */
    int pidfd;    /* -1 when the start failed */
    int error;    /* errno of the failing step; 0 on success */
    int stage;    /* enum cspawn_stage */
} cspawn_result;

/// Starts `request` with clone(CLONE_VM | CLONE_VFORK | CLONE_FILES) and execve (no copy of the
/// caller's memory or descriptor table, so the cost does not grow with the supervisor's size). The child gets its own process group, the parent-death signal,
/// a clean signal mask and default dispositions, joins the cgroup, then execs. Returns 0 on
/// success, -1 with `result->error`/`stage` set on failure (the failed child is already reaped).
int cspawn_spawn(const cspawn_request *request, cspawn_result *result);

/// pidfd_open(2). Returns the fd or -1 with errno.
int cspawn_pidfd_open(pid_t pid);

/// pidfd_send_signal(2): the signal reaches the process the pidfd was opened for, or nobody
/// (ESRCH) once it is gone, never a process that reused its pid. Returns 0 or -1 with errno.
int cspawn_pidfd_signal(int pidfd, int signal);

/// Non-blocking reap through a pidfd (waitid P_PIDFD, WEXITED|WNOHANG).
/// When `group` > 0 and the process has exited, SIGKILL goes to that process group *before*
/// the leader is reaped (while its pid, and so the group id, cannot have been reused), so no
/// stray child of the agent survives it.
/// Returns 1 when reaped (`exit_code` or `term_signal` set, the other -1), 0 when still running,
/// -1 with errno on error.
int cspawn_pidfd_reap(int pidfd, pid_t group, int *exit_code, int *term_signal, int *core_dumped);

/// Installs async-signal-safe handlers for `signals` that write each signal number as one byte
/// to `write_fd` (a non-blocking pipe the caller polls). Returns 0, or -1 with errno.
int cspawn_signal_forward(int write_fd, const int *signals, int count);

/// Like `cspawn_signal_forward`, on a new non-blocking close-on-exec pipe; returns its read
/// end, or -1 with errno.
int cspawn_signal_pipe(const int *signals, int count);

/// Restores the default disposition of `signals` (used when the reactor shuts down).
void cspawn_signal_default(const int *signals, int count);

/// prctl(PR_SET_PDEATHSIG) for the calling thread's process (used by helpers such as agent-sim).
int cspawn_set_death_signal(int signal);

/// SIGRTMIN and SIGRTMAX as this libc sees them (macros that Swift cannot read).
int cspawn_realtime_first(void);
int cspawn_realtime_last(void);

/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are re-parented to this process
/// instead of init. Returns 0 or -1 with errno.
int cspawn_become_subreaper(void);

/// pipe2(fds, O_CLOEXEC). Returns 0 or -1 with errno.
int cspawn_pipe_cloexec(int fds[2]);

/// mallopt(M_MMAP_THRESHOLD, bytes): allocations of at least `bytes` get their own mapping and
/// go back to the kernel when freed. Setting it also stops glibc from raising the threshold by
/// itself after each large free (which lets freed megabyte buffers pile up in the heap).
/// Returns 1 on success, 0 otherwise (as mallopt).
int cspawn_set_mmap_threshold(size_t bytes);

#endif

#include "CSpawnEvents.h"
