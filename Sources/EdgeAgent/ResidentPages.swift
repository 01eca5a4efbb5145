import Foundation

#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Keeps a long-running agent's resident set near its working set.
///
/// Startup touches much of the binary and its libraries (runtime metadata, TLS setup, argument
/// parsing), and the kernel maps neighbouring pages with each fault, so an idle agent would hold
/// tens of MB of code it no longer runs. ``releaseFilePages()`` asks the kernel to reclaim the
/// pages of this process's private file mappings (`MADV_PAGEOUT`, which never discards data):
/// pages still identical to the file are dropped and fault back in when used; pages the process
/// wrote (relocated data) stay, or go to swap if the node has any, as under memory pressure.
/// Shared mappings and anonymous memory are left alone. ``releaseFreeHeap()`` returns the
/// allocator's free pages.
enum ResidentPages {
    /// Returns the pages glibc's allocator holds free, in every arena, to the kernel
    /// (`malloc_trim`): what bursts of work (scans, TLS handshakes) allocated and freed.
    static func releaseFreeHeap() {
        #if os(Linux)
        _ = malloc_trim(0)
        #endif
    }

    /// Advises every private file mapping of this process out; returns the bytes advised (0
    /// where unsupported).
    @discardableResult
    static func releaseFilePages() -> Int {
        #if os(Linux)
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return 0 }
        let pageout: Int32 = 21  // MADV_PAGEOUT (Linux 5.4); older kernels answer EINVAL, harmlessly.
        var advised = 0
        for range in privateFileRanges(maps) {
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

    /// The address ranges of `/proc/<pid>/maps` lines that map a file privately (`p`, not `s`).
    static func privateFileRanges(_ maps: String) -> [Range<UInt>] {
        maps.split(separator: "\n").compactMap { line -> Range<UInt>? in
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            // The sixth field is the rest of the line: the path, after padding.
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }).hasPrefix("/"), fields[1].hasSuffix("p")
            else { return nil }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let low = UInt(bounds[0], radix: 16), let high = UInt(bounds[1], radix: 16), low < high
            else { return nil }
            return low..<high
        }
    }
}
