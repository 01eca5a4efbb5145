import ArgumentParser
import DatasetScan

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `edgeai count FILE --format F`: counts a dataset's samples exactly and prints the count,
/// the size and the time taken. Errors are one line on stderr and a non-zero exit.
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

    func run() throws {
        let clock = ContinuousClock()
        let start = clock.now
        let result: ScanResult
        do {
            let format = try DatasetFormat.parse(format)
            result = try DatasetScanner(options: .init(validateJSON: validateJSON)).scan(path: path, format: format)
        } catch {
            let line = Array("edgeai count: \(error)\n".utf8)
            _ = line.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
            throw ExitCode.failure
        }
        let elapsed = clock.now - start
        let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        let time = ms < 1 ? "\(Double(Int(ms * 1000)) / 1000) ms" : "\(Double(Int(ms * 10)) / 10) ms"
        print("samples: \(result.numberOfSamples)  size: \(result.sizeBytes) bytes  time: \(time)")
    }
}
