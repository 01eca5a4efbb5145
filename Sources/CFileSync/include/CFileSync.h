// Linux's sync_file_range(2), which the Swift Glibc module does not export (it needs _GNU_SOURCE).
#pragma once
#include <stdint.h>

/// Starts writeback of bytes [offset, offset + length) of `fd` to the device and returns without
/// waiting for it (SYNC_FILE_RANGE_WRITE). It is not a durability guarantee: a later fsync still
/// is. 0, or -1 with errno. A no-op returning 0 where sync_file_range does not exist.
int edgeai_start_writeback(int fd, int64_t offset, int64_t length);
