/// A failure the CLI detects itself (a manifest it cannot apply, arguments that do not fit
/// together, a server lacking an API); the message names the file, document or field.
/// Printed as `error: <message>` by ``CLIErrorMessage``.
struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
