// Linux's sync_file_range(2) and O_DIRECT, which the Swift Glibc module does not export (they need
// _GNU_SOURCE).
#pragma once
#include <stdint.h>

/// Starts writeback of bytes [offset, offset + length) of `fd` to the device and returns without
/// waiting for it (SYNC_FILE_RANGE_WRITE). It is not a durability guarantee: a later fsync still
/// is. 0, or -1 with errno. A no-op returning 0 where sync_file_range does not exist.
int edgeai_start_writeback(int fd, int64_t offset, int64_t length);

/// Opens an existing `path` for writing with O_DIRECT (no page cache: writes go from the caller's
/// memory to the device; offsets, lengths and buffers must be aligned to the file system's block
/// size). The descriptor, or -1 with errno (EINVAL where the file system refuses O_DIRECT, and
/// always where O_DIRECT does not exist).
int edgeai_open_direct(const char *path);
