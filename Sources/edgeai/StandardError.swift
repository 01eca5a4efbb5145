import Foundation

/// Writes one line to standard error: how every command reports a failure.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
