/// What a request path addresses, parsed once from `/api/...` or `/apis/...`.
///
/// Pure: it does not know which resources exist (the registry does).
enum RequestTarget: Equatable, Sendable {
    /// `/api`
    case coreVersions
    /// `/apis`
    case groups
    /// `/apis/<group>`
    case group(String)
    /// `/api/v1`, `/apis/<group>/<version>`
    case groupVersion(group: String, version: String)
    /// A collection, an object, or an object's subresource.
    case resource(ResourcePath)
    case version, healthz, readyz, livez
    /// `/metrics` (Prometheus text)
    case metrics
    case openAPIV2, openAPIV3Index
    /// `/openapi/v3/<api|apis/group>/<version>`
    case openAPIV3(group: String, version: String)
    case unknown

    struct ResourcePath: Equatable, Sendable {
        var group: String
        var version: String
        var namespace: String?
        var plural: String
        var name: String?
        var subresource: String?
    }

    init(path: String) {
        // Split on the bytes: "/" is ASCII, and Character-wise splitting was a visible share of
        // every request's CPU.
        let segments = path.utf8.split(separator: UInt8(ascii: "/")).map { String(decoding: $0, as: UTF8.self) }
        guard let first = segments.first else {
            self = .unknown
            return
        }
        switch first {
        case "api":
            if segments.count == 1 { self = .coreVersions; return }
            self = Self.resourceTarget(group: "", rest: Array(segments.dropFirst()))
        case "apis":
            if segments.count == 1 { self = .groups; return }
            if segments.count == 2 { self = .group(segments[1]); return }
            self = Self.resourceTarget(group: segments[1], rest: Array(segments.dropFirst(2)))
        case "version" where segments.count == 1: self = .version
        case "healthz": self = .healthz
        case "readyz": self = .readyz
        case "livez": self = .livez
        case "metrics" where segments.count == 1: self = .metrics
        case "openapi":
            if segments == ["openapi", "v2"] { self = .openAPIV2; return }
            if segments == ["openapi", "v3"] { self = .openAPIV3Index; return }
            if segments.count == 4, segments[1] == "v3", segments[2] == "api" { self = .openAPIV3(group: "", version: segments[3]); return }
            if segments.count == 5, segments[1] == "v3", segments[2] == "apis" {
                self = .openAPIV3(group: segments[3], version: segments[4])
                return
            }
            self = .unknown
        default: self = .unknown
        }
    }

    /// `rest` starts at the version: `v1/namespaces/ns/plural/name/sub`.
    private static func resourceTarget(group: String, rest: [String]) -> RequestTarget {
        guard let version = rest.first else { return .unknown }
        var r = Array(rest.dropFirst())
        if r.isEmpty { return .groupVersion(group: group, version: version) }
        var namespace: String?
        // `namespaces/<ns>/<plural>...` addresses a namespaced resource; `namespaces[/<name>[/status]]`
        // addresses the Namespace objects themselves.
        if r[0] == "namespaces", r.count >= 3, !(r.count == 3 && (r[2] == "status" || r[2] == "finalize")) {
            namespace = r[1]
            r.removeFirst(2)
        }
        guard r.count <= 3 else { return .unknown }
        return .resource(ResourcePath(
            group: group, version: version, namespace: namespace, plural: r[0],
            name: r.count > 1 ? r[1] : nil, subresource: r.count > 2 ? r[2] : nil))
    }
}
