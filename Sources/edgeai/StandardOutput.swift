import Foundation

/// Writes `text` to standard output at once (unbuffered), so `get -w` lines reach a pipe as
/// each event arrives.
func writeOutput(_ text: String) {
    guard !text.isEmpty else { return }
    FileHandle.standardOutput.write(Data(text.utf8))
}
