@testable import EdgeAgent
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ResidentPagesTests {
    @Test func privateFileMappingsAreReleasedAndOnlyCleanReadOnlyOnesUnmapped() {
        func entry(_ header: String, anonymous: Int) -> String {
            "\(header)\nSize:               2048 kB\nRss:                 512 kB\nAnonymous:        \(anonymous) kB\nVmFlags: rd ex mr mw me\n"
        }
        let smaps = [
            entry("55fc154b1000-55fc17113000 r-xp 00000000 fd:01 5359882                    /usr/bin/edgeai", anonymous: 0),
            entry("55fc17113000-55fc171ea000 r--p 01c61000 fd:01 5359882                    /usr/bin/edgeai", anonymous: 0),
            // Relocated at startup, then made read-only: its written pages are private copies.
            entry("55fc171ea000-55fc171f0000 r--p 01d38000 fd:01 5359882                    /usr/bin/edgeai", anonymous: 24),
            entry("55fc171f0000-55fc173cc000 rw-p 01d3e000 fd:01 5359882                    /usr/bin/edgeai", anonymous: 0),
            entry("55fc173cc000-55fc173ee000 rw-p 00000000 00:00 0                          [heap]", anonymous: 136),
            entry("7f50b8400000-7f50b8600000 r--p 00000000 fd:01 1234                       /usr/lib/libstdc++.so.6 (deleted)", anonymous: 0),
            entry("7f50b8600000-7f50b8601000 r--s 00000000 fd:01 99                         /data/agent.sqlite-shm", anonymous: 0),
            entry("ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]", anonymous: 0),
            "garbage line\n",
        ].joined()
        let edgeai = "/usr/bin/edgeai"
        #expect(ResidentPages.privateFileMappings(smaps) == [
            .init(range: 0x55fc_154b_1000..<0x55fc_1711_3000, offset: 0, path: edgeai, isCleanReadOnly: true),
            .init(range: 0x55fc_1711_3000..<0x55fc_171e_a000, offset: 0x01c6_1000, path: edgeai, isCleanReadOnly: true),
            .init(range: 0x55fc_171e_a000..<0x55fc_171f_0000, offset: 0x01d3_8000, path: edgeai, isCleanReadOnly: false),
            .init(range: 0x55fc_171f_0000..<0x55fc_173c_c000, offset: 0x01d3_e000, path: edgeai, isCleanReadOnly: false),
            .init(range: 0x7f50_b840_0000..<0x7f50_b860_0000, offset: 0, path: "/usr/lib/libstdc++.so.6 (deleted)", isCleanReadOnly: true),
        ])
    }

    #if os(Linux)
    @Test func releasingDropsFilePagesAndTheProcessRunsOn() throws {
        let before = try Self.residentFileKB()
        #expect(ResidentPages.releaseFilePages() > 0)
        let after = try Self.residentFileKB()
        #expect(after < before, "file-backed resident set \(before) kB → \(after) kB")
        // Code paged out comes back when it runs again.
        let locator = try DataLocator(root: "/", allow: ["/tmp"])
        #expect(locator.root == "/")
    }

    @Test func releasingTheFreeHeapReturnsFragmentedFreePages() throws {
        // 64 MB in 512-byte blocks, then every block freed but one per 32 KB: no free page sits
        // at the top of the heap, so only malloc_trim can give the free ones back.
        let blocks = (0..<131_072).map { _ in
            let block = UnsafeMutableRawPointer.allocate(byteCount: 512, alignment: 16)
            block.initializeMemory(as: UInt8.self, repeating: 0xA5, count: 512)
            return block
        }
        var kept: [UnsafeMutableRawPointer] = []
        for (index, block) in blocks.enumerated() {
            if index % 64 == 0 { kept.append(block) } else { block.deallocate() }
        }
        defer { for block in kept { block.deallocate() } }
        let before = try Self.residentKB("RssAnon:")
        ResidentPages.releaseFreeHeap()
        let after = try Self.residentKB("RssAnon:")
        #expect(before - after > 16_000, "anonymous resident set \(before) kB → \(after) kB")
    }

    static func residentFileKB() throws -> Int { try residentKB("RssFile:") }

    static func residentKB(_ field: String) throws -> Int {
        let status = try String(contentsOfFile: "/proc/self/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix(field) })
        return try #require(Int(line.split(separator: " ").dropFirst().first ?? ""))
    }
    #endif
}
