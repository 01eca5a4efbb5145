import CoreFoundation
import Foundation

/// The size of the file at `path` (not following a symlink), or 0 when it cannot be read.
func fileSize(_ path: String) -> Int64 {
    var info = stat()
    return lstat(path, &info) == 0 ? Int64(info.st_size) : 0
}
