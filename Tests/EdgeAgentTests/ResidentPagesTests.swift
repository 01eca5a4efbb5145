@testable import EdgeAgent
import Foundation
import Testing

@Suite(.timeLimit(.minutes(5)))
struct ResidentPagesTests {
    @Test func onlyPrivateFileMappingsAreReleased() {
        let maps = """
            55fc154b1000-55fc17113000 r-xp 00000000 fd:01 5359882                    /usr/bin/edgeai
            55fc17113000-55fc171ea000 r--p 01c61000 fd:01 5359882                    /usr/bin/edgeai
            55fc171ea000-55fc173cc000 rw-p 01d38000 fd:01 5359882                    /usr/bin/edgeai
            55fc173cc000-55fc173ee000 rw-p 00000000 00:00 0                          [heap]
            7f50b8400000-7f50b8600000 r--p 00000000 fd:01 1234                       /usr/lib/libstdc++.so.6 (deleted)
            7f50b8600000-7f50b8601000 rw-s 00000000 fd:01 99                         /data/agent.sqlite-shm
            7ffebd826000-7ffebd847000 rw-p 00000000 00:00 0                          [stack]
            ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]
            garbage line
            """
        #expect(ResidentPages.privateFileRanges(maps) == [
            0x55fc_154b_1000..<0x55fc_1711_3000,
            0x55fc_1711_3000..<0x55fc_171e_a000,
            0x55fc_171e_a000..<0x55fc_173c_c000,
            0x7f50_b840_0000..<0x7f50_b860_0000,
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
