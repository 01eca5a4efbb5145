import EdgeAITesting
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `edgeai count` as users run it: the exact count on stdout, progress on stderr only when asked
/// for (or on a terminal), one clear line and a non-zero exit for bad input.
@Suite(.timeLimit(.minutes(5)))
struct CountCommandTests {
    @Test func printsTheExactCountAndSize() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Blank and CR-only lines are not samples; the last line has no newline and counts.
        try Data("a.jpg 0\n\n\r\nb.jpg 1\r\nc.jpg 1".utf8).write(to: directory.file("index.txt"))
        let result = try await CLIProcess.run(
            ["count", directory.file("index.txt").path, "--format", "txt"], stdin: nil, environment: [:], workingDirectory: directory.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("samples: 3  size: 27 bytes  time: "), "\(result)")
        #expect(result.stderr.isEmpty, "no progress when stderr is not a terminal: \(result)")
    }

    @Test func longScansShowProgressWhenAskedAndCountTheSame() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let line = Data("images/cat-0000000.jpg 1\n".utf8)  // 25 bytes
        let lines = 1_000_000  // 25 MB: progress every 4 MiB
        try Data(repeating: 0, count: 0).write(to: directory.file("big.txt"))
        let handle = try FileHandle(forWritingTo: directory.file("big.txt"))
        let chunk = Data([Data](repeating: line, count: 10_000).joined())
        for _ in 0..<(lines / 10_000) { try handle.write(contentsOf: chunk) }
        try handle.close()
        let result = try await CLIProcess.run(
            ["count", directory.file("big.txt").path, "--format", "txt", "--progress"], stdin: nil, environment: [:],
            workingDirectory: directory.path)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("samples: 1000000  size: 25000000 bytes"), "\(result)")
        let progress = result.stderr.split(separator: "\n")
        #expect(progress.count == 5, "\(result.stderr)")
        #expect(progress.first == "counting: 4.2 MB of 25.0 MB (16 %)", "\(result.stderr)")
        #expect(progress.allSatisfy { $0.hasPrefix("counting: ") && $0.hasSuffix(" %)") }, "\(result.stderr)")
    }

    @Test func badInputIsOneLineAndANonZeroExit() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("id,text\n1,\"never closed\n".utf8).write(to: directory.file("d.csv"))
        for (arguments, says) in [
            (["count", directory.file("missing.txt").path, "--format", "txt"], "not found"),
            (["count", directory.file("d.csv").path, "--format", "csv"], "offset"),
            (["count", directory.file("d.csv").path, "--format", "parquet"], "parquet"),
        ] {
            let result = try await CLIProcess.run(arguments, stdin: nil, environment: [:], workingDirectory: directory.path)
            #expect(result.status != 0, "\(arguments): \(result)")
            #expect(result.stdout.isEmpty, "\(arguments): \(result)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("edgeai count: ") && lines[0].contains(says), "\(arguments): \(result)")
        }
    }

    /// An unreadable file is one line saying so (root reads everything, so as root the CLI runs
    /// as nobody through setpriv). It is the scanner's `permissionDenied`, the agent's
    /// `PermissionDenied` reason.
    @Test(.timeLimit(.minutes(3)))
    func anUnreadableFileIsPermissionDenied() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.file("secret.txt").path
        try Data("a\nb\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(chmod(file, 0) == 0)
        let count = ["count", file, "--format", "txt"]
        let running = getuid() == 0
            ? try CLIProcess.start(
                ["--reuid=65534", "--regid=65534", "--clear-groups", CLIProcess.binary.path] + count, environment: [:],
                workingDirectory: directory.path, executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
            : try CLIProcess.start(count, environment: [:], workingDirectory: directory.path)
        let status = await running.exit()
        #expect(status != 0)
        #expect(running.stdout().isEmpty)
        #expect(running.stderr() == "edgeai count: \(file): permission denied (open)\n", "\(running.stderr())")
    }

    /// A FIFO (which would block an open until a writer comes) and a device (endless bytes) are
    /// refused at once, before any open that could block; the process does not hang.
    @Test(.timeLimit(.minutes(3)))
    func aFIFOOrADeviceIsRefusedAtOnce() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let fifo = directory.file("pipe.txt").path
        #expect(mkfifo(fifo, 0o600) == 0)
        for (path, type) in [(fifo, "FIFO"), ("/dev/zero", "character device")] {
            let started = ContinuousClock.now
            let result = try await CLIProcess.run(["count", path, "--format", "txt"], stdin: nil, environment: [:], workingDirectory: directory.path)
            #expect(ContinuousClock.now - started < .seconds(60), "\(path)")
            #expect(result.status != 0, "\(path): \(result)")
            #expect(result.stdout.isEmpty, "\(path): \(result)")
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("edgeai count: \(path): is a") && lines[0].contains(type), "\(result)")
            #expect(lines.first?.contains("not a regular file") == true, "\(result)")
        }
    }
}
