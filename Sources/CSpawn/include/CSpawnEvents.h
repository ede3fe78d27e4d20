#ifndef CSPAWN_EVENTS_H
#define CSPAWN_EVENTS_H

#include <stdint.h>

/// epoll for the reactor's event loop. `struct epoll_event` is packed on x86_64, a layout
/// Swift should not be trusted with, so these wrappers take and return plain integers.

/// epoll_create1(EPOLL_CLOEXEC). Returns the fd or -1 with errno.
int cspawn_epoll_create(void);

/// epoll_ctl(op, fd) with `events` (EPOLLIN, EPOLLOUT, ...) and `token` as the event's data.
/// Returns 0 or -1 with errno.
int cspawn_epoll_control(int epfd, int op, int fd, uint32_t events, uint64_t token);

/// epoll_wait into two parallel arrays of `capacity` entries: each ready descriptor's token and
/// event mask. Returns how many are ready (0 at the timeout), or -1 with errno (EINTR included:
/// the caller decides whether to retry).
int cspawn_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int capacity, int timeout_ms);

/// The constants Swift cannot read from macros reliably.
int cspawn_epoll_add_op(void);
int cspawn_epoll_modify_op(void);
int cspawn_epoll_delete_op(void);
uint32_t cspawn_epoll_in(void);
uint32_t cspawn_epoll_out(void);

/// getrlimit(RLIMIT_NOFILE); RLIM_INFINITY as LLONG_MAX. Returns 0 or -1 with errno.
int cspawn_nofile_get(long long *soft, long long *hard);

/// setrlimit(RLIMIT_NOFILE); LLONG_MAX as RLIM_INFINITY. Returns 0 or -1 with errno.
int cspawn_nofile_set(long long soft, long long hard);

#endif
