@testable import DatasetScan
import Foundation
import PropertyBased
import Testing

@Suite(.timeLimit(.minutes(5)))
struct DatasetScannerTests {
    enum Edit: CustomStringConvertible {
        case append([UInt8]), truncate(Int), replace([UInt8]), rewriteInPlace
        var description: String {
            switch self {
            case .append(let b): "append(\(String(decoding: b, as: UTF8.self).debugDescription))"
            case .truncate(let n): "truncate(\(n))"
            case .replace(let b): "replace(\(b.count) bytes)"
            case .rewriteInPlace: "rewriteInPlace"
            }
        }
    }

    static var editGen: Generator<Edit, some SendableSequenceType> {
        zip(Gen.int(in: 0...9), bytesGen([0x61, 0x2C, 0x22, 0x0A, 0x0D], length: 0...150))
        .map { (kind: Int, bytes: [UInt8]) -> Edit in
            switch kind {
            case 0...5: .append(bytes)
            case 6, 7: .truncate(bytes.count)
            case 8: .replace(bytes)
            default: .rewriteInPlace
            }
        }
    }

    /// The invariant: after any edit, a scan resumed from the previous result equals a full scan.
    @Test(arguments: [DatasetFormat.txt, .csv, .jsonl])
    func incrementalEqualsFullUnderRandomEdits(format: DatasetFormat) async throws {
        await propertyCheck(count: 15, input: Self.editGen.array(of: 1...8)) { edits in
            let dir = try TemporaryDirectory()
            defer { dir.remove() }
            let path = dir.file("data")
            var content: [UInt8] = []
            try dir.write("data", content)
            let scanner = DatasetScanner(bufferSize: 4096)
            var previous = try? scanner.scan(path: path, format: format)
            for edit in edits {
                switch edit {
                case .append(let bytes): content += bytes; try dir.append("data", bytes)
                case .truncate(let n): content = Array(content.prefix(n)); truncate(path, off_t(content.count))
                case .replace(let bytes): content = bytes; try dir.write("data.tmp", bytes); rename(dir.file("data.tmp"), path)
                case .rewriteInPlace:
                    content = content.map { $0 == 0x61 ? 0x0A : $0 == 0x0A ? 0x61 : $0 }
                    let fd = open(path, O_WRONLY)
                    _ = content.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
                    close(fd)
                }
                let full = Result { () throws(ScanError) in try scanner.scan(path: path, format: format) }
                let resumed = Result { () throws(ScanError) in try scanner.scan(path: path, format: format, previous: previous) }
                switch (full, resumed) {
                case let (.success(f), .success(r)):
                    #expect(f.numberOfSamples == r.numberOfSamples, "after \(edit)")
                    #expect(f.sizeBytes == content.count && r.sizeBytes == content.count)
                    #expect(f.state == r.state)
                    previous = r
                case let (.failure(f), .failure(r)):
                    #expect(f == r, "after \(edit)")
                default:
                    Issue.record("full \(full) vs resumed \(resumed) after \(edit)")
                }
            }
        }
    }

    @Test func appendReadsOnlyTheNewBytes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let line = Array("sample,\"a\nb\"\r\n".utf8)
        try dir.write("d.csv", Array("id,text\n".utf8) + Array(repeating: line, count: 1000).flatMap { $0 })
        let scanner = DatasetScanner()
        let first = try scanner.scan(path: dir.file("d.csv"), format: .csv)
        #expect(first.numberOfSamples == 1000 && first.mode == .full)
        try dir.append("d.csv", line + Array("x,\"open".utf8))
        // An open quote at the end is an error now, but the state before it was kept...
        #expect(throws: ScanError.self) { try scanner.scan(path: dir.file("d.csv"), format: .csv, previous: first) }
        try dir.append("d.csv", Array("\"\n".utf8))
        let grown = try scanner.scan(path: dir.file("d.csv"), format: .csv, previous: first)
        #expect(grown.numberOfSamples == 1002)
        #expect(grown.mode == .incremental)
        #expect(grown.bytesScanned == line.count + 9)
        let again = try scanner.scan(path: dir.file("d.csv"), format: .csv, previous: grown)
        #expect(again.mode == .unchanged && again.numberOfSamples == 1002 && again.bytesScanned == 0)
    }

    @Test func longScansReportProgressAndShortOnesDoNot() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let line = Array("0123456789abcdef0123456789abcde\n".utf8)  // 32 bytes
        try dir.write("d.txt", Array(repeating: line, count: 4096).flatMap { $0 })  // 128 KiB
        let scanner = DatasetScanner(bufferSize: 4096)
        var reports: [(scanned: Int, total: Int)] = []
        let full = try scanner.scan(path: dir.file("d.txt"), format: .txt, progress: ScanProgress(every: 32 << 10) { reports.append(($0, $1)) })
        #expect(full.numberOfSamples == 4096, "reporting does not change the count")
        #expect(reports.map(\.scanned) == [32 << 10, 64 << 10, 96 << 10, 128 << 10])
        #expect(reports.allSatisfy { $0.total == 128 << 10 })
        // An append is an incremental pass: its progress counts only the new bytes.
        try dir.append("d.txt", Array(repeating: line, count: 2048).flatMap { $0 })  // 64 KiB more
        reports.removeAll()
        let grown = try scanner.scan(
            path: dir.file("d.txt"), format: .txt, previous: full, progress: ScanProgress(every: 32 << 10) { reports.append(($0, $1)) })
        #expect(grown.mode == .incremental && grown.numberOfSamples == 6144)
        #expect(reports.map(\.scanned) == [32 << 10, 64 << 10])
        #expect(reports.allSatisfy { $0.total == 64 << 10 })
        // Shorter than the interval: no report at all.
        reports.removeAll()
        _ = try scanner.scan(path: dir.file("d.txt"), format: .txt, progress: ScanProgress { reports.append(($0, $1)) })
        #expect(reports.isEmpty)
    }

    @Test func resultRoundTripsThroughJSONAndResumes() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("t.tfrecord", tfrecord([1, 2, 3]) + tfrecord([]))
        let scanner = DatasetScanner()
        let first = try scanner.scan(path: dir.file("t.tfrecord"), format: .tfrecord)
        let restored = try JSONDecoder().decode(ScanResult.self, from: JSONEncoder().encode(first))
        #expect(restored == first)
        try dir.append("t.tfrecord", tfrecord([9]))
        let grown = try scanner.scan(path: dir.file("t.tfrecord"), format: .tfrecord, previous: restored)
        #expect(grown.numberOfSamples == 3 && grown.mode == .incremental)
    }

    @Test func aPreviousResultOfAnotherFormatOrOptionIsNotReused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try dir.write("a", Array("{}\n \n".utf8))
        let txt = try DatasetScanner().scan(path: dir.file("a"), format: .txt)
        #expect(txt.numberOfSamples == 2)
        let jsonl = try DatasetScanner().scan(path: dir.file("a"), format: .jsonl, previous: txt)
        #expect(jsonl.numberOfSamples == 1 && jsonl.mode == .full)
        let validating = DatasetScanner(options: .init(validateJSON: true))
        let validated = try validating.scan(path: dir.file("a"), format: .jsonl, previous: jsonl)
        #expect(validated.numberOfSamples == 1 && validated.mode == .full)
    }

    @Test func directoriesCountRegularFilesRecursivelyWithoutFollowingSymlinks() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("a/b"), withIntermediateDirectories: true)
        try dir.write("one.jpg", [1, 2, 3])
        try dir.write("a/two.jpg", [4])
        try dir.write("a/b/three.jpg", [])
        let outside = try TemporaryDirectory()
        defer { outside.remove() }
        try outside.write("secret", [0])
        symlink(outside.path, dir.file("a/link-to-dir"))
        symlink(dir.file("one.jpg"), dir.file("a/link-to-file"))
        let result = try DatasetScanner().scan(path: dir.path, format: .dir)
        #expect(result.numberOfSamples == 3)
        #expect(result.sizeBytes == 4)
        #expect(result.state == nil)
    }

    @Test func errorsNameTheirKindReasonAndPath() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        let scanner = DatasetScanner()
        let missing = #expect(throws: ScanError.self) { try scanner.scan(path: dir.file("nope"), format: .txt) }
        #expect(missing?.kind == .notFound && missing?.reason == "NotFound")
        #expect(missing?.description == "\(dir.file("nope")): not found")

        let notFile = #expect(throws: ScanError.self) { try scanner.scan(path: dir.path, format: .csv) }
        #expect(notFile?.kind == .notARegularFile)

        try dir.write("f", [])
        let notDir = #expect(throws: ScanError.self) { try scanner.scan(path: dir.file("f"), format: .dir) }
        #expect(notDir?.kind == .notADirectory)

        try dir.write("bad.csv", Array("h\n\"x".utf8))
        let parse = #expect(throws: ScanError.self) { try scanner.scan(path: dir.file("bad.csv"), format: .csv) }
        #expect(parse?.kind == .parseError(offset: 2) && parse?.reason == "ParseError")
        #expect(parse?.description.hasSuffix("bad.csv: unterminated quoted field at byte offset 2") == true)

        let unsupported = #expect(throws: ScanError.self) { try DatasetFormat.parse("parquet") }
        #expect(unsupported?.kind == .unsupported)
        #expect(unsupported?.message == "unsupported format \"parquet\" (supported: txt, csv, jsonl, tfrecord, dir)")
    }

    /// Not following links: a link anywhere in the path is refused at open, never read through;
    /// a path without links counts as usual.
    @Test func withoutFollowingLinksALinkAnywhereInThePathIsRefused() throws {
        let dir = try TemporaryDirectory()
        defer { dir.remove() }
        try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: true)
        try dir.write("real/index.txt", Array("a\nb\n".utf8))
        try FileManager.default.createSymbolicLink(atPath: dir.file("linked-dir"), withDestinationPath: dir.file("real"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("linked-file.txt"), withDestinationPath: dir.file("real/index.txt"))
        let strict = DatasetScanner(options: .init(followSymlinks: false))
        #expect(try strict.scan(path: dir.file("real/index.txt"), format: .txt).numberOfSamples == 2)
        #expect(try strict.scan(path: dir.file("real"), format: .dir).numberOfSamples == 1)
        for (path, format) in [
            (dir.file("linked-dir/index.txt"), DatasetFormat.txt), (dir.file("linked-file.txt"), .txt), (dir.file("linked-dir"), .dir),
        ] {
            let refused = #expect(throws: ScanError.self) { try strict.scan(path: path, format: format) }
            #expect(refused?.kind == .symbolicLink && refused?.reason == "NotAllowed", "\(path): \(String(describing: refused))")
            // Following links (the default, as `edgeai count` does), the same paths count.
            #expect(try DatasetScanner().scan(path: path, format: format).numberOfSamples == (format == .dir ? 1 : 2))
        }
        #expect(throws: ScanError.self) { try strict.scan(path: "relative/index.txt", format: .txt) }
    }
}
