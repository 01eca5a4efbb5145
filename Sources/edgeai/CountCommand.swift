import ArgumentParser
import DatasetScan
import EdgeAICore
import Foundation

#if canImport(Glibc)
import Glibc
import NodeCommands
#endif

/// `edgeai count FILE --format F`: counts a dataset's samples exactly and prints the count,
/// the size and the time taken. Errors are one line on stderr and a non-zero exit. A long scan
/// shows its progress on stderr when that is a terminal (or with `--progress`).
struct Count: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "count",
        abstract: "Count the samples of a dataset file or directory.",
        discussion: "Formats: txt, csv, jsonl, tfrecord, dir (see docs/formats.md for their exact meaning)."
    )

    @Argument(help: "The dataset file (or directory, for --format dir).")
    var path: String

    @Option(name: .shortAndLong, help: "txt, csv, jsonl, tfrecord or dir.")
    var format: String

    @Flag(help: "Validate every jsonl line as JSON.")
    var validateJSON = false

    @Flag(help: "Print progress lines on stderr even when it is not a terminal.")
    var progress = false

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result: ScanResult
        let meter = ProgressMeter(terminal: isatty(STDERR_FILENO) == 1, forced: progress, started: start)
        do {
            let format = try DatasetFormat.parse(format)
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            let reporting = ScanProgress(every: max(size / 50, 4 << 20)) { meter.show(scanned: $0, total: $1) }
            result = try DatasetScanner(options: .init(validateJSON: validateJSON)).scan(path: path, format: format, progress: reporting)
        } catch {
            meter.clear()
            printError("edgeai count: \(error)")
            throw ExitCode.failure
        }
        meter.clear()
        let elapsed = clock.now - start
        let ms = elapsed.milliseconds
        let time = ms < 1 ? "\(Double(Int(ms * 1000)) / 1000) ms" : "\(Double(Int(ms * 10)) / 10) ms"
        print("samples: \(result.numberOfSamples)  size: \(result.sizeBytes) bytes  time: \(time)")
    }
}

/// Shows a scan's progress on stderr: on a terminal one line rewritten in place, at most 10
/// times a second and only once the scan has run for half a second (a fast scan shows
/// nothing); forced, one line per report.
final class ProgressMeter {
    let terminal: Bool
    let forced: Bool
    let started: ContinuousClock.Instant
    private var lastShown: ContinuousClock.Instant?
    private var showing = false

    init(terminal: Bool, forced: Bool, started: ContinuousClock.Instant) {
        self.terminal = terminal
        self.forced = forced
        self.started = started
    }

    func show(scanned: Int, total: Int) {
        let line = "counting: \(Self.bytes(scanned)) of \(Self.bytes(total)) (\(ScanProgress.percent(scanned, of: total)) %)"
        if forced {
            printError(line)
            return
        }
        guard terminal else { return }
        let now = ContinuousClock.now
        guard now - started >= .milliseconds(500), lastShown.map({ now - $0 >= .milliseconds(100) }) ?? true else { return }
        lastShown = now
        showing = true
        try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K\(line)".utf8))
    }

    /// Removes the progress line from a terminal.
    func clear() {
        guard showing else { return }
        showing = false
        try? FileHandle.standardError.write(contentsOf: Data("\r\u{1B}[K".utf8))
    }

    static func bytes(_ count: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var value = Double(count)
        var unit = 0
        while value >= 1000, unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(count) B" : "\(String(format: "%.1f", value)) \(units[unit])"
    }
}
