import EdgeAIAPI

/// The labels kube-apiserver puts on a request in `apiserver_request_total` and
/// `apiserver_request_duration_seconds`: verb (`GET`, `LIST`, `WATCH`, `POST`, `PUT`, `PATCH`,
/// `APPLY`, `DELETE`, `DELETECOLLECTION`), group, version, resource, subresource, scope.
///
/// Pure. Cardinality is bounded: resource, group and version are set only for resources the
/// registry serves (anything else, and every non-resource path, gets empty ones), and an
/// unknown method is `OTHER`.
struct RequestMetricLabels: Hashable, Sendable {
    var verb: String
    var group = ""
    var version = ""
    var resource = ""
    var subresource = ""
    /// `resource`, `namespace` or `cluster` (empty for non-resource paths), as kube-apiserver.
    var scope = ""

    var isWatch: Bool { verb == "WATCH" }

    init(verb: String) {
        self.verb = verb
    }

    /// The labels of a request whose path parsed to `target`; `contentType` is read for PATCH only.
    init(method: String, target: RequestTarget, query: String?, contentType: @autoclosure () -> String?, registry: ResourceRegistry) {
        let method = switch method {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE": method
        default: "OTHER"
        }
        guard case .resource(let target) = target,
              let definition = registry.lookup(group: target.group, version: target.version, plural: target.plural)
        else {
            verb = method == "HEAD" ? "GET" : method
            return
        }
        group = definition.type.group
        version = definition.type.version
        resource = definition.type.plural
        subresource = switch target.subresource {
        case "status": "status"
        case "scale": "scale"
        default: ""
        }
        scope = target.name != nil ? "resource" : (target.namespace != nil ? "namespace" : "cluster")
        switch method {
        case "GET", "HEAD":
            if target.name == nil {
                verb = QueryParameters(query).flag("watch") ? "WATCH" : "LIST"
            } else {
                verb = "GET"
            }
        case "PATCH":
            verb = (contentType() ?? "").hasPrefix("application/apply-patch") ? "APPLY" : "PATCH"
        case "DELETE":
            verb = target.name == nil ? "DELETECOLLECTION" : "DELETE"
        default:
            verb = method
        }
    }

    /// As Prometheus label pairs, in a fixed order.
    var pairs: [(String, String)] {
        [("verb", verb), ("group", group), ("version", version), ("resource", resource),
         ("subresource", subresource), ("scope", scope), ("component", "apiserver")]
    }
}
