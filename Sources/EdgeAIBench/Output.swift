import Foundation

/// One line to standard output at once (`print` buffers whole blocks into a file or pipe, so a
/// long run's figures would appear only at its end).
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
