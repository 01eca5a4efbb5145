import Foundation

/// Writes `text` to standard output at once (unbuffered), so `get -w` lines and a long-running
/// command's banner reach a pipe or a log file as they happen. When the reader has gone
/// (`edgeai get | head -1`) the process ends quietly with status 141, as a process killed by
/// SIGPIPE does — never with a trap.
func writeOutput(_ text: String) {
    guard !text.isEmpty else { return }
    do {
        try FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    } catch {
        exit(141)
    }
}

/// ``writeOutput(_:)`` of one line.
func printLine(_ message: String) {
    writeOutput(message + "\n")
}
