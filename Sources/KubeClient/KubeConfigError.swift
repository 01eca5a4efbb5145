/// Why a kubeconfig or in-cluster configuration could not be loaded. The message names the
/// file, context, cluster or user concerned.
public struct KubeConfigError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public var description: String { message }

    public init(_ message: String) { self.message = message }
}
