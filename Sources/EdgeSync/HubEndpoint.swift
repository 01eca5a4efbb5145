/// Where the hub accepts edge connections: `wss://<host>:<port>` + ``path``.
///
/// The upgrade request carries `Authorization: Bearer <node token>`; the hub answers 401 before
/// upgrading when the token is missing or wrong.
package enum HubEndpoint {
    /// The WebSocket path of protocol v1.
    package static let path = "/v1/edge"
    /// The hub's default port (`--hub-port`).
    package static let defaultPort = 10350
}
