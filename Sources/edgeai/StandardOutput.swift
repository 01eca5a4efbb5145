import Foundation

/// Writes one line to standard output at once (unbuffered: a long-running command's banner must
/// reach a pipe or a log file before the process exits).
func printLine(_ message: String) {
    FileHandle.standardOutput.write(Data((message + "\n").utf8))
}
