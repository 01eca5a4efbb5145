import ArgumentParser
import DatasetScan
import EdgeAICore
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

        // Throughput, interleaved so background load hits every contender alike. Wall clock and
        // CPU time (user+sys; wc's from RUSAGE_CHILDREN) are both kept: on a shared machine the
        // CPU time is the stable figure.
        var wall: [String: [Double]] = [:]
        var cpu: [String: [Double]] = [:]
        for _ in 0..<repetitions {
            var (w, c) = try measureBoth(children: true) { _ = try wcLines(txtPath) }
            wall["wc -l", default: []].append(w)
            cpu["wc -l", default: []].append(c)
            for format in formats {
                (w, c) = try measureBoth(children: false) { _ = try scanner.scan(path: paths[format]!, format: format) }
                wall[format.rawValue, default: []].append(w)
                cpu[format.rawValue, default: []].append(c)
            }
        }
        let fileSize = { (p: String) in Double((try? FileManager.default.attributesOfItem(atPath: p)[.size] as? Int) ?? 0) }
        let load = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first ?? "?"
        print("## DatasetScan benchmark (\(sizeMB) MB files in page cache, \(repetitions) interleaved runs, load average \(load))\n")
        print("| contender | file | wall best s | GB/s | wall median s | GB/s | CPU best s | GB/s of CPU | vs wc -l wall best | vs wc -l wall median | vs wc -l CPU best |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
        let wcWall = wall["wc -l"]!, wcCPU = cpu["wc -l"]!
        let wcBytes = fileSize(txtPath)
        func row(_ name: String, _ format: DatasetFormat, _ w: [Double], _ c: [Double]) {
            let bytes = fileSize(paths[format]!)
            let gbps = { (t: Double) in f(bytes / t / 1e9, 2) }
            let ratio = { (mine: Double, theirs: Double) in f((bytes / mine) / (wcBytes / theirs), 2) + "×" }
            print("| \(name) | \(format.rawValue) | \(f(w.min()!, 4)) | \(gbps(w.min()!)) | \(f(median(w), 4)) | \(gbps(median(w))) | \(f(c.min()!, 4)) | \(gbps(c.min()!)) | \(ratio(w.min()!, wcWall.min()!)) | \(ratio(median(w), median(wcWall))) | \(ratio(c.min()!, wcCPU.min()!)) |")
        }
        row("wc -l", .txt, wcWall, wcCPU)
        for format in formats { row("DatasetScan", format, wall[format.rawValue]!, cpu[format.rawValue]!) }
        print("\n(ratios compare throughput in bytes/s, so files of other sizes compare fairly)\n")

        // Memory growth over the process's baseline while scanning.
        print("| scan | samples | peak RSS growth |\n| --- | --- | --- |")
        for format in formats {
            var count = 0
            let growth = try peakGrowth { count = try scanner.scan(path: paths[format]!, format: format).numberOfSamples }
            print("| DatasetScan \(format.rawValue) | \(count) | \(f(growth / 1e6, 2)) MB |")
        }

        try incremental(scanner: scanner, path: txtPath, expected: expected[.txt]!)
        if !skipNaive { try naive(path: txtPath, scanTimes: wall["txt"]!) }
    }

    /// Appends 1 KB at a time and times the incremental rescan.
    func incremental(scanner: DatasetScanner, path: String, expected: Int) throws {
        let originalSize = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
        defer { truncate(path, off_t(originalSize)) }
        var previous = try scanner.scan(path: path, format: .txt)
        let line = Array("images/appended0.jpg 42\n".utf8)  // 24 bytes
        var kilobyte: [UInt8] = []
        while kilobyte.count + line.count <= 1024 { kilobyte += line }
        let linesPerKilobyte = kilobyte.count / line.count + 1
        kilobyte += [UInt8](repeating: 0x78, count: 1023 - kilobyte.count) + [0x0A]
        var samples = expected
        var durations: [Double] = []
        var scanned = 0
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        for _ in 0..<(repetitions * 10) {
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(kilobyte))
            samples += linesPerKilobyte
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
    return elapsed.seconds
}

/// Wall-clock and CPU seconds (user+sys of this process, or of waited-for children) of `body`.
func measureBoth(children: Bool, _ body: () throws -> Void) throws -> (wall: Double, cpu: Double) {
    let before = cpuSeconds(children: children)
    let wall = try measure(body)
    return (wall, cpuSeconds(children: children) - before)
}

func cpuSeconds(children: Bool) -> Double {
    var usage = rusage()
    getrusage(children ? RUSAGE_CHILDREN.rawValue : RUSAGE_SELF.rawValue, &usage)
    func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
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
