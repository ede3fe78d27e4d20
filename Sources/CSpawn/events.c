// epoll wrappers for the reactor's event loop (see CSpawnEvents.h). Kept out of spawn.c: these
// run only in the parent, on the reactor thread.
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <sys/epoll.h>
#include <sys/resource.h>

#include "CSpawnEvents.h"

int cspawn_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int cspawn_epoll_control(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = {0};
    event.events = events;
    event.data.u64 = token;
    int rc;
    do {
        rc = epoll_ctl(epfd, op, fd, op == EPOLL_CTL_DEL ? NULL : &event);
    } while (rc == -1 && errno == EINTR);
    return rc;
}

int cspawn_epoll_wait(int epfd, uint64_t *tokens, uint32_t *events, int capacity, int timeout_ms) {
    enum { chunk = 256 };
    struct epoll_event ready[chunk];
    if (capacity > chunk) capacity = chunk;
    int count = epoll_wait(epfd, ready, capacity, timeout_ms);
    for (int index = 0; index < count; index++) {
        tokens[index] = ready[index].data.u64;
        events[index] = ready[index].events;
    }
    return count;
}

int cspawn_epoll_add_op(void) { return EPOLL_CTL_ADD; }
int cspawn_epoll_modify_op(void) { return EPOLL_CTL_MOD; }
int cspawn_epoll_delete_op(void) { return EPOLL_CTL_DEL; }
uint32_t cspawn_epoll_in(void) { return EPOLLIN; }
uint32_t cspawn_epoll_out(void) { return EPOLLOUT; }

int cspawn_nofile_get(long long *soft, long long *hard) {
    struct rlimit limit;
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return -1;
    *soft = limit.rlim_cur == RLIM_INFINITY ? LLONG_MAX : (long long)limit.rlim_cur;
    *hard = limit.rlim_max == RLIM_INFINITY ? LLONG_MAX : (long long)limit.rlim_max;
    return 0;
}

int cspawn_nofile_set(long long soft, long long hard) {
    struct rlimit limit;
    limit.rlim_cur = soft == LLONG_MAX ? RLIM_INFINITY : (rlim_t)soft;
    limit.rlim_max = hard == LLONG_MAX ? RLIM_INFINITY : (rlim_t)hard;
    return setrlimit(RLIMIT_NOFILE, &limit);
}
