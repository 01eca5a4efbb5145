import Foundation

#if canImport(Glibc)
import CMalloc
import Glibc
#endif

/// Keeps a long-running agent's resident set near its working set, as `ps` and as the kubelet
/// see it.
///
/// Startup touches much of the binary (runtime metadata, TLS setup, argument parsing), and the
/// kernel maps neighbouring pages with each fault, so an idle agent would hold tens of MB of code
/// it no longer runs. ``releaseFilePages()`` gives those pages back, for the private mappings of
/// the process's own executable (the deployed agent is one static binary; shared libraries are
/// left alone — reaching every library of a dynamically linked test process, the trim once
/// preceded a crash in the Swift runtime that was not explained):
/// - `MADV_RANDOM`: a later fault maps the one page it needs, without fault-around or readahead;
/// - `MADV_COLD`: the pages still mapped go to the inactive list. A container's working set (the
///   kubelet's figure: usage minus inactive file pages) counts active file pages, and the kernel
///   activates a page faulted back soon after it was dropped; without this step the working set
///   of the pod rose from 5 MB to 39 MB while `ps` showed 18 MB (measured in a memory cgroup);
/// - a read-only mapping with no private copy loses its page-table entries (`MADV_DONTNEED`,
///   which for it discards nothing), and then its file's pages leave the page cache
///   (`POSIX_FADV_DONTNEED`, which drops only pages no process maps). Dropped that way, not by
///   reclaim, a page leaves no trace for refault detection, so faulting it back (from the file)
///   makes it an inactive page again, outside the working set. Unmapped but kept cached, the pages
///   fault-around mapped back raised `ps`'s figure by 3.5 MB;
/// - any other private file mapping (relocated data: written pages are private copies) has its
///   clean file pages reclaimed (`MADV_PAGEOUT`, which never discards data; written pages stay,
///   or go to swap).
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

    /// The most of `/proc/self/smaps` read: about 4,000 mappings (the agent has about 100).
    static let smapsLimit = 4 << 20

    /// Releases the resident pages of every private file mapping (see the type's description);
    /// returns the bytes advised (0 where unsupported).
    @discardableResult
    static func releaseFilePages() -> Int {
        #if os(Linux)
        guard let file = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return 0 }
        defer { try? file.close() }
        // Past the limit the trim is skipped: a cut entry could hide the anonymous pages that make
        // a mapping unsafe to drop.
        guard let data = try? file.read(upToCount: smapsLimit + 1), data.count <= smapsLimit else { return 0 }
        let smaps = String(decoding: data, as: UTF8.self)
        guard let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return 0 }
        var advised = 0
        var unmapped: [String: [(offset: Int64, length: Int)]] = [:]
        for mapping in privateFileMappings(smaps) where mapping.path == executable {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.range.lowerBound) else { continue }
            let length = Int(mapping.range.upperBound - mapping.range.lowerBound)
            _ = madvise(start, length, MADV_RANDOM)
            // MADV_COLD and MADV_PAGEOUT are Linux 5.4's; older kernels answer EINVAL, harmlessly.
            _ = madvise(start, length, MADV_COLD)
            if madvise(start, length, mapping.isCleanReadOnly ? MADV_DONTNEED : MADV_PAGEOUT) == 0 { advised += length }
            if mapping.isCleanReadOnly { unmapped[mapping.path, default: []].append((mapping.offset, length)) }
        }
        for (path, ranges) in unmapped {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            for range in ranges { _ = posix_fadvise(fd, off_t(range.offset), off_t(range.length), POSIX_FADV_DONTNEED) }
            close(fd)
        }
        return advised
        #else
        return 0
        #endif
    }

    struct Mapping: Equatable {
        var range: Range<UInt>
        var offset: Int64 = 0
        var path: String = ""
        /// Not writable and holding no anonymous (privately copied) page: dropping its
        /// page-table entries loses nothing.
        var isCleanReadOnly: Bool
    }

    /// The `/proc/<pid>/smaps` entries that map a file privately (`p`, not `s`).
    static func privateFileMappings(_ smaps: String) -> [Mapping] {
        var mappings: [Mapping] = []
        var current: Mapping?
        for line in smaps.split(separator: "\n") {
            if let colon = line.firstIndex(of: ":"), line[..<colon].allSatisfy({ $0.isLetter || $0 == "_" }) {
                // "Anonymous:   12 kB"
                if line[..<colon] == "Anonymous", line[line.index(after: colon)...].split(separator: " ").first != "0" {
                    current?.isCleanReadOnly = false
                }
                continue
            }
            if let current { mappings.append(current) }
            current = nil
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            // The sixth field is the rest of the line: the path, after padding.
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }).hasPrefix("/"), fields[1].count == 4, fields[1].hasSuffix("p")
            else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let low = UInt(bounds[0], radix: 16), let high = UInt(bounds[1], radix: 16), low < high
            else { continue }
            current = Mapping(
                range: low..<high, offset: Int64(fields[2], radix: 16) ?? 0, path: String(fields[5].drop(while: { $0 == " " })),
                isCleanReadOnly: !fields[1].contains("w"))
        }
        if let current { mappings.append(current) }
        return mappings
    }
}
