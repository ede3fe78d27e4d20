// Memory tuning of the daemon process. mallopt is not reachable from Swift's Glibc module.
#define _GNU_SOURCE
#include "CSpawn.h"

#include <limits.h>
#include <malloc.h>

int cspawn_set_mmap_threshold(size_t bytes) {
    if (bytes > (size_t)INT_MAX) return 0;
    return mallopt(M_MMAP_THRESHOLD, (int)bytes);
}
