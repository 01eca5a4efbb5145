import ArgumentParser
import DatasetScan
import Foundation

/// `edgeai-bench scan`: DatasetScan throughput, incremental latency and memory, against
/// `wc -l` and a naive "read every line into an array" counter measured in the same run.
struct ScanBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan", abstract: "Sample counting speed and memory (DatasetScan).")

    @Option(help: "Size of each generated file, in MB.") var sizeMB = 400
    @Option(help: "Timed repetitions per measurement (the best and the median are reported).") var repetitions = 7
    @Option(help: "Directory for the generated files.") var directory = "/tmp/edgeai-bench-scan"
    @Flag(help: "Skip the naive reference (it needs several GB of memory).") var skipNaive = false

    func run() async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let size = sizeMB * 1_000_000
        let formats: [DatasetFormat] = [.txt, .csv, .jsonl, .tfrecord]
        var paths: [DatasetFormat: String] = [:]
        var expected: [DatasetFormat: Int] = [:]
        for format in formats {
            let path = "\(directory)/data-\(sizeMB)MB.\(format.rawValue)"
            paths[format] = path
            expected[format] = try BenchDataWriter.generate(format, path: path, size: size)
        }
        let scanner = DatasetScanner()
        for format in formats {  // warm the page cache and check exactness
            let result = try scanner.scan(path: paths[format]!, format: format)
            guard result.numberOfSamples == expected[format] else {
                throw BenchError("\(format): counted \(result.numberOfSamples), generated \(expected[format]!)")
            }
        }
        let txtPath = paths[.txt]!
        guard try wcLines(txtPath) == expected[.txt] else { throw BenchError("wc -l disagrees") }

        // Throughput, interleaved so background load hits every contender alike.
        var times: [String: [Double]] = [:]
        for _ in 0..<repetitions {
            times["wc -l", default: []].append(try measure { _ = try wcLines(txtPath) })
            for format in formats {
                times[format.rawValue, default: []].append(try measure { _ = try scanner.scan(path: paths[format]!, format: format) })
            }
        }
        let fileSize = { (p: String) in Double((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0) }
        print("## DatasetScan benchmark (\(sizeMB) MB files in page cache, best / median of \(repetitions))\n")
        print("| contender | file | best s | GB/s (best) | median s | GB/s (median) | vs wc -l (best) | vs wc -l (median) |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        let wcTimes = times["wc -l"]!
        func row(_ name: String, _ format: DatasetFormat, _ t: [Double]) {
            let bytes = fileSize(paths[format]!)
            let b = t.min()!, m = median(t)
            print("| \(name) | \(format.rawValue) | \(f(b, 4)) | \(f(bytes / b / 1e9, 2)) | \(f(m, 4)) | \(f(bytes / m / 1e9, 2)) | \(f(wcTimes.min()! / b * fileSize(txtPath) / bytes, 2))× | \(f(median(wcTimes) / m * fileSize(txtPath) / bytes, 2))× |")
        }
        row("wc -l", .txt, wcTimes)
        for format in formats { row("DatasetScan", format, times[format.rawValue]!) }
        print("\n(ratios compare throughput in bytes/s, so files of other sizes compare fairly)\n")

        // Memory growth over the process's baseline while scanning.
        print("| scan | samples | peak RSS growth |\n| --- | --- | --- |")
        for format in formats {
            var count = 0
            let growth = try peakGrowth { count = try scanner.scan(path: paths[format]!, format: format).numberOfSamples }
            print("| DatasetScan \(format.rawValue) | \(count) | \(f(growth / 1e6, 2)) MB |")
        }

        try incremental(scanner: scanner, path: txtPath, expected: expected[.txt]!)
        if !skipNaive { try naive(path: txtPath, scanTimes: times["txt"]!) }
    }

    /// Appends 1 KB at a time and times the incremental rescan.
    func incremental(scanner: DatasetScanner, path: String, expected: Int) throws {
        let originalSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        defer { truncate(path, off_t(originalSize)) }
        var previous = try scanner.scan(path: path, format: .txt)
        let line = Array("images/appended0.jpg 42\n".utf8)  // 24 bytes
        let kilobyte = Array(repeating: line, count: 1024 / line.count).flatMap { $0 } + Array(repeating: UInt8(0x78), count: 1024 % line.count) + [0x0A]
        var samples = expected
        var durations: [Double] = []
        var scanned = 0
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        for _ in 0..<(repetitions * 10) {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(kilobyte))
            samples += 1024 / line.count + 1
            var result: ScanResult?
            durations.append(try measure { result = try scanner.scan(path: path, format: .txt, previous: previous) })
            guard let result, result.mode == .incremental, result.numberOfSamples == samples else {
                throw BenchError("incremental scan wrong: \(String(describing: result))")
            }
            scanned = result.bytesScanned
            previous = result
        }
        try handle.close()
        let full = try scanner.scan(path: path, format: .txt)
        guard full.numberOfSamples == previous.numberOfSamples else { throw BenchError("incremental != full") }
        print("\n| incremental (txt, \(kilobyte.count) B appended, \(durations.count) runs) | best | median | worst |")
        print("| --- | --- | --- | --- |")
        print("| rescan from the previous result (\(scanned) B read) | \(f(durations.min()! * 1e3, 3)) ms | \(f(median(durations) * 1e3, 3)) ms | \(f(durations.max()! * 1e3, 3)) ms |")
        print("| full rescan of the same file, for comparison | \(f(try measure { _ = try scanner.scan(path: path, format: .txt) } * 1e3, 1)) ms | | |")
    }

    /// Sedna's approach: read the whole file, keep every line in an array, count the non-empty ones.
    func naive(path: String, scanTimes: [Double]) throws {
        var count = 0
        var seconds = 0.0
        let growth = try peakGrowth {
            seconds = try measure {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let lines: [String] = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                count = lines.reduce(0) { $0 + ($1.isEmpty ? 0 : 1) }
            }
        }
        print("\n| reference: read every line into an array (as Sedna) | samples | time | peak RSS growth | DatasetScan txt is |")
        print("| --- | --- | --- | --- | --- |")
        print("| String(contentsOfFile:) + split into [String] | \(count) | \(f(seconds, 2)) s | \(f(growth / 1e6, 0)) MB | \(f(seconds / scanTimes.min()!, 0))× faster |")
    }

    func wcLines(_ path: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wc")
        process.arguments = ["-l", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: output, as: UTF8.self)
        return Int(text.split(separator: " ").first ?? "") ?? -1
    }
}

func measure(_ body: () throws -> Void) throws -> Double {
    let clock = ContinuousClock()
    let elapsed = try clock.measure(body)
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted[sorted.count / 2]
}

func f(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

/// Peak RSS growth (bytes) while `body` runs, from /proc/self/status after resetting VmHWM.
func peakGrowth(_ body: () throws -> Void) throws -> Double {
    try "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    let baseline = procStatus("VmRSS")
    try body()
    return max(0, procStatus("VmHWM") - baseline)
}

func procStatus(_ key: String) -> Double {
    let text = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
        let kb = line.split(separator: " ").dropFirst().first.flatMap { Double($0) } ?? 0
        return kb * 1024
    }
    return 0
}
