import Foundation

/// Writes one line to standard error: how every command reports a failure. A closed stderr is
/// ignored (there is nobody left to tell).
package func printError(_ message: String) {
    try? FileHandle.standardError.write(contentsOf: Data((message + "\n").utf8))
}
