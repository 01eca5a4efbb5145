import ArgumentParser
import EdgeAIAPI
import Foundation
import KubeClient
#if canImport(Glibc)
import Glibc
#endif

extension EdgeBenchmark {
    /// Creates the pathological datasets of `--pathological` on `node` (named `bad-…`, so the
    /// latency phase never measures them): a FIFO, a `bigMB` index (`big.txt`) and a directory
    /// of `hugeFiles` empty files (`huge/`, in 1000 subdirectories).
    func makePathological(data: String, node: String, cloud: BenchCloud) async throws {
        guard mkfifo(data + "/fifo.txt", 0o600) == 0 else { throw ValidationError("mkfifo failed") }
        let line = Data("images/cat-0000000.jpg 1 lorem ipsum dolor sit amet\n".utf8)
        let chunk = Data([Data](repeating: line, count: (1 << 20) / line.count).joined())
        _ = FileManager.default.createFile(atPath: data + "/big.txt", contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: data + "/big.txt"))
        for _ in 0..<bigMB { try handle.write(contentsOf: chunk) }
        try handle.close()
        let perDirectory = 1000
        for shard in 0..<max(1, hugeFiles / perDirectory) {
            let directory = data + "/huge/\(shard)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for index in 0..<perDirectory {
                let fd = open(directory + "/\(index)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
                if fd >= 0 { close(fd) }
            }
        }
        for (name, path, format) in [("fifo", "fifo.txt", "txt"), ("big", "big.txt", "txt"), ("huge", "huge", "dir")] {
            var meta = ObjectMeta()
            meta.name = "bad-\(node)-\(name)"
            meta.namespace = "default"
            _ = try await cloud.client.create(Dataset(metadata: meta, spec: DatasetSpec(dataUrl: data + "/" + path, format: format, nodeName: node)))
        }
    }

    /// Until cancelled: appends 64 KiB to the big index every 10 ms and adds a file to the huge
    /// directory every 2 s (each forces a full walk of it).
    static func stress(data: String) async {
        let block = Data([Data](repeating: Data("appended-sample 1 lorem ipsum\n".utf8), count: 2184).joined())
        var ticks = 0
        while !Task.isCancelled {
            if let handle = try? FileHandle(forWritingTo: URL(fileURLWithPath: data + "/big.txt")) {
                _ = try? handle.seekToEnd()
                try? handle.write(contentsOf: block)
                try? handle.close()
            }
            ticks += 1
            if ticks % 200 == 0 {
                let fd = open(data + "/huge/0/extra-\(ticks)", O_CREAT | O_WRONLY | O_CLOEXEC, 0o600)
                if fd >= 0 { close(fd) }
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// The highest RSS of `pid`, sampled once a second until cancelled.
    static func sampleRSS(_ pid: Int32) async -> Int {
        var highest = 0
        while !Task.isCancelled {
            if let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
                let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
            {
                highest = max(highest, kb * 1024)
            }
            try? await Task.sleep(for: .seconds(1))
        }
        return highest
    }
}
