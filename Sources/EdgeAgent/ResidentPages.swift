import Foundation

#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Keeps a long-running agent's resident set near its working set.
///
/// Startup touches much of the binary and its libraries (runtime metadata, TLS setup, argument
/// parsing), and the kernel maps neighbouring pages with each fault, so an idle agent would hold
/// tens of MB of code it no longer runs. ``releaseCleanFilePages()`` hands the kernel back the
/// pages of this process's read-only file mappings (`MADV_PAGEOUT`). Those pages are clean
/// copies of files: nothing is lost, and a page still in use faults back in. Writable and
/// anonymous memory is never touched. ``releaseFreeHeap()`` returns the allocator's free pages.
enum ResidentPages {
    /// Returns the pages glibc's allocator holds free, in every arena, to the kernel
    /// (`malloc_trim`): what bursts of work (scans, TLS handshakes) allocated and freed.
    static func releaseFreeHeap() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }

    /// Advises every read-only, file-backed mapping of this process out; returns the bytes
    /// advised (0 where unsupported).
    @discardableResult
    static func releaseCleanFilePages() -> Int {
        #if os(Linux)
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return 0 }
        let pageout: Int32 = 21  // MADV_PAGEOUT (Linux 5.4); older kernels answer EINVAL, harmlessly.
        var advised = 0
        for range in readOnlyFileRanges(maps) {
            guard let start = UnsafeMutableRawPointer(bitPattern: range.lowerBound) else { continue }
            if madvise(start, Int(range.upperBound - range.lowerBound), pageout) == 0 {
                advised += Int(range.upperBound - range.lowerBound)
            }
        }
        return advised
        #else
        return 0
        #endif
    }

    /// The address ranges of `/proc/<pid>/maps` lines that map a file without write permission.
    static func readOnlyFileRanges(_ maps: String) -> [Range<UInt>] {
        maps.split(separator: "\n").compactMap { line -> Range<UInt>? in
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            // The sixth field is the rest of the line: the path, after padding.
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }).hasPrefix("/"), !fields[1].contains("w")
            else { return nil }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let low = UInt(bounds[0], radix: 16), let high = UInt(bounds[1], radix: 16), low < high
            else { return nil }
            return low..<high
        }
    }
}
