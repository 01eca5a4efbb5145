import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One inotify event: the watch it came from, and the name inside a watched directory
/// (empty for events about the watched object itself).
struct FileEvent: Sendable, Hashable {
    var watch: Int32
    var name: String
    var mask: UInt32

    /// The watch is gone (its directory was deleted or unmounted, or it was removed).
    var isIgnored: Bool { mask & 0x0000_8000 != 0 }  // IN_IGNORED
    /// The kernel dropped events: everything must be looked at again.
    var isOverflow: Bool { mask & 0x0000_4000 != 0 }  // IN_Q_OVERFLOW

    static let overflow = FileEvent(watch: -1, name: "", mask: 0x0000_4000)
}

/// Directory watches through Linux inotify, read on one dedicated thread (blocking `poll`, so an
/// idle agent uses no CPU), delivered as batches on ``events``.
///
/// Does not interpret events; ``DatasetMonitor`` decides what they mean. On other systems it
/// watches nothing (``add(_:)`` returns nil) and the monitor's periodic rescans are the only way
/// changes are seen. `start()` launches the reader; `stop()` ends it, closes the descriptors and
/// finishes the stream. Thread-safe.
final class FileWatcher: Sendable {
    /// Events for watched directories: entries created, deleted, moved in or out, written,
    /// closed after writing, or changed in attributes; the directory itself deleted or moved.
    static let mask: UInt32 = 0x0000_0002 | 0x0000_0004 | 0x0000_0008 | 0x0000_0040 | 0x0000_0080 | 0x0000_0100
        | 0x0000_0200 | 0x0000_0400 | 0x0000_0800
    // IN_MODIFY | IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE
    // | IN_DELETE | IN_DELETE_SELF | IN_MOVE_SELF

    let events: AsyncStream<[FileEvent]>
    /// Batches ``events`` holds for a monitor that is behind; past them it gets one overflow.
    let maxQueuedBatches: Int
    /// Batches the reader thread has read from the kernel (queued or not).
    var batchesRead: Int { readCount.load(ordering: .relaxed) }
    private let readCount = Atomic<Int>(0)
    private let continuation: AsyncStream<[FileEvent]>.Continuation
    private struct Descriptors {
        var inotify: Int32
        var stopRead: Int32
        var stopWrite: Int32
        var started = false
    }
    /// The inotify descriptor and the stop pipe; -1 once stopped. The reader thread, once
    /// started, owns and closes the inotify descriptor and the pipe's read end.
    private let descriptors: Mutex<Descriptors>

    init(maxQueuedBatches: Int = 1024) {
        self.maxQueuedBatches = maxQueuedBatches
        (events, continuation) = AsyncStream.makeStream(of: [FileEvent].self, bufferingPolicy: .bufferingOldest(maxQueuedBatches))
        #if os(Linux)
        let fd = inotify_init1(Int32(IN_NONBLOCK | IN_CLOEXEC))
        var pipeEnds: [Int32] = [-1, -1]
        if fd >= 0, pipe(&pipeEnds) == 0 {
            for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        } else {
            pipeEnds = [-1, -1]
        }
        descriptors = Mutex(Descriptors(inotify: fd, stopRead: pipeEnds[0], stopWrite: pipeEnds[1]))
        #else
        descriptors = Mutex(Descriptors(inotify: -1, stopRead: -1, stopWrite: -1))
        #endif
    }

    /// Whether inotify is available (Linux, and the descriptor limit was not reached).
    var isActive: Bool { descriptors.withLock { $0.inotify >= 0 && $0.stopRead >= 0 } }

    /// Starts the reader thread. Call once.
    func start() {
        let (fd, stopRead) = descriptors.withLock { fds -> (Int32, Int32) in
            guard fds.inotify >= 0, fds.stopRead >= 0, !fds.started else { return (-1, -1) }
            fds.started = true
            return (fds.inotify, fds.stopRead)
        }
        guard fd >= 0 else { return }
        let continuation = self.continuation
        let thread = Thread { [self] in readLoop(fd: fd, stop: stopRead, continuation: continuation) }
        thread.name = "edgeai-inotify"
        thread.start()
    }

    /// Watches the directory at `path`; returns the watch descriptor (the same one for the same
    /// directory), or nil when it cannot be watched.
    func add(_ path: String) -> Int32? {
        #if os(Linux)
        descriptors.withLock { fds in
            guard fds.inotify >= 0 else { return nil }
            let wd = inotify_add_watch(fds.inotify, path, Self.mask | UInt32(IN_ONLYDIR))
            return wd >= 0 ? wd : nil
        }
        #else
        nil
        #endif
    }

    /// ``add(_:)`` with the reason a directory could not be watched: the errno of
    /// `inotify_add_watch` (`ENOSPC`: the user's `max_user_watches` is exhausted); 0 with a watch,
    /// or where inotify is not available.
    func addReportingError(_ path: String) -> (watch: Int32?, error: Int32) {
        #if os(Linux)
        descriptors.withLock { fds in
            guard fds.inotify >= 0 else { return (nil, 0) }
            let wd = inotify_add_watch(fds.inotify, path, Self.mask | UInt32(IN_ONLYDIR))
            return wd >= 0 ? (wd, 0) : (nil, errno)
        }
        #else
        (nil, 0)
        #endif
    }

    func remove(_ watch: Int32) {
        #if os(Linux)
        descriptors.withLock { fds in
            if fds.inotify >= 0 { _ = inotify_rm_watch(fds.inotify, watch) }
        }
        #endif
    }

    /// The number of watches the kernel holds for this descriptor (from `/proc/self/fdinfo`);
    /// nil where that is not available.
    func kernelWatchCount() -> Int? {
        let fd = descriptors.withLock { $0.inotify }
        guard fd >= 0, let info = try? String(contentsOfFile: "/proc/self/fdinfo/\(fd)", encoding: .utf8) else { return nil }
        return info.split(separator: "\n").filter { $0.hasPrefix("inotify wd:") }.count
    }

    /// Ends the reader thread and the event stream; closes the descriptors once the thread is out.
    func stop() {
        let (old, started) = descriptors.withLock { fds -> (Descriptors, Bool) in
            let old = fds
            fds = Descriptors(inotify: -1, stopRead: -1, stopWrite: -1, started: fds.started)
            return (old, old.started)
        }
        if started {
            if old.stopWrite >= 0 {
                var byte: UInt8 = 1
                _ = write(old.stopWrite, &byte, 1)
                _ = close(old.stopWrite)
            }
        } else {
            for fd in [old.inotify, old.stopRead, old.stopWrite] where fd >= 0 { _ = close(fd) }
            continuation.finish()
        }
    }

    deinit { stop() }

    /// Blocks in `poll` until events or the stop byte arrive; yields each read as one batch.
    private func readLoop(fd: Int32, stop: Int32, continuation: AsyncStream<[FileEvent]>.Continuation) {
        #if os(Linux)
        let capacity = 64 << 10
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer {
            buffer.deallocate()
            _ = close(fd)
            _ = close(stop)
            continuation.finish()
        }
        var polls = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
        var overflowed = false
        while true {
            polls[0].revents = 0
            polls[1].revents = 0
            let ready = poll(&polls, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if polls[1].revents != 0 { return }
            var batch: [FileEvent] = []
            while true {
                let count = read(fd, buffer, capacity)
                if count <= 0 { break }
                batch.append(contentsOf: Self.parse(UnsafeRawBufferPointer(start: buffer, count: count)))
            }
            guard !batch.isEmpty else { continue }
            // A monitor that fell `maxQueuedBatches` behind gets what the kernel gives when its
            // own queue overflows: one IN_Q_OVERFLOW, and it looks at everything again.
            readCount.add(1, ordering: .relaxed)
            if overflowed { batch = [FileEvent.overflow] }
            if case .dropped = continuation.yield(batch) { overflowed = true } else { overflowed = false }
        }
        #endif
    }

    /// Parses `struct inotify_event` records: wd, mask, cookie, len, then `len` bytes of name.
    static func parse(_ bytes: UnsafeRawBufferPointer) -> [FileEvent] {
        var events: [FileEvent] = []
        var offset = 0
        while offset + 16 <= bytes.count {
            let wd = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameBytes = bytes[(offset + 16)..<min(bytes.count, offset + 16 + length)]
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            events.append(FileEvent(watch: wd, name: name, mask: mask))
            offset += 16 + length
        }
        return events
    }
}
