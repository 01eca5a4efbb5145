#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include "CFileSync.h"
#include <errno.h>

#if defined(__linux__)
#include <fcntl.h>

int edgeai_start_writeback(int fd, int64_t offset, int64_t length) {
    return sync_file_range(fd, (off64_t)offset, (off64_t)length, SYNC_FILE_RANGE_WRITE);
}

int edgeai_open_direct(const char *path) {
    return open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW | O_DIRECT);
}
#else
int edgeai_start_writeback(int fd, int64_t offset, int64_t length) {
    (void)fd;
    (void)offset;
    (void)length;
    return 0;
}

int edgeai_open_direct(const char *path) {
    (void)path;
    errno = EINVAL;
    return -1;
}
#endif
