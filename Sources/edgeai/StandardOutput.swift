import Foundation

/// Writes `text` to standard output at once (unbuffered), so `get -w` lines reach a pipe as
/// each event arrives. When the reader has gone (`edgeai get | head -1`) the process ends
/// quietly with status 141, as a process killed by SIGPIPE does — never with a trap.
func writeOutput(_ text: String) {
    guard !text.isEmpty else { return }
    do {
        try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    } catch {
        exit(141)
    }
}
