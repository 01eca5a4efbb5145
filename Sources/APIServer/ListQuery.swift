import EdgeAIAPI
import JSON

/// The resourceVersion-related options of a list or watch, decoded and validated as
/// kube-apiserver does, in its order: query conversion (400 with Go's `strconv` text), then
/// `ValidateListOptions` (422 `ListOptions.meta.k8s.io "" is invalid`), then the
/// resourceVersion's syntax (400 `invalid resource version`).
///
/// Pure: no store access. A negative `limit` means no limit (kube ignores it).
struct ListQuery: Sendable, Equatable {
    var resourceVersion = ""
    /// The parsed `resourceVersion` when one was given.
    var revision: Int64?
    var resourceVersionMatch = ""
    var sendInitialEvents: Bool?
    var allowWatchBookmarks = false
    var timeoutSeconds: Int64?
    var limit: Int64?
    var hasContinue = false

    static let notOlderThan = "NotOlderThan"
    static let exact = "Exact"

    init(query: QueryParameters, watch: Bool) throws(APIError) {
        do throws(GoStrconv.Failure) {
            if let t = query["timeoutSeconds"], !t.isEmpty { timeoutSeconds = try GoStrconv.parseInt(t) }
            if let l = query["limit"], !l.isEmpty {
                let n = try GoStrconv.parseInt(l)
                limit = n > 0 ? n : nil
            }
            if let s = query["sendInitialEvents"], !s.isEmpty { sendInitialEvents = try GoStrconv.parseBool(s) }
            if let b = query["allowWatchBookmarks"], !b.isEmpty { allowWatchBookmarks = try GoStrconv.parseBool(b) }
        } catch {
            throw APIError.badRequest(error.message)
        }
        resourceVersion = query["resourceVersion"] ?? ""
        resourceVersionMatch = query["resourceVersionMatch"] ?? ""
        hasContinue = !(query["continue"] ?? "").isEmpty
        let violations = watch ? watchViolations() : listViolations()
        if !violations.isEmpty { throw Self.invalid(violations) }
        if !resourceVersion.isEmpty {
            do throws(GoStrconv.Failure) {
                let parsed = try GoStrconv.parseUint(resourceVersion)
                revision = Int64(clamping: parsed)
            } catch {
                throw APIError.badRequest(
                    "invalid resource version: resourceVersion: Invalid value: \(APIError.quote(resourceVersion)): \(error.message)")
            }
        }
    }

    /// `true` when the watch is a streaming list (KEP-3157) ending its initial events with a
    /// bookmark annotated `k8s.io/initial-events-end`.
    var streamsInitialEvents: Bool { sendInitialEvents == true && allowWatchBookmarks }

    private func listViolations() -> [FieldViolation] {
        var v: [FieldViolation] = []
        if !resourceVersionMatch.isEmpty {
            if resourceVersion.isEmpty {
                v.append(Self.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden unless resourceVersion is provided"))
            }
            if hasContinue {
                v.append(Self.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
            }
            if resourceVersionMatch != Self.exact && resourceVersionMatch != Self.notOlderThan {
                v.append(Self.notSupported("resourceVersionMatch", resourceVersionMatch, [Self.exact, Self.notOlderThan, ""]))
            }
            if resourceVersionMatch == Self.exact && resourceVersion == "0" {
                v.append(Self.forbidden("resourceVersionMatch", "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""))
            }
        }
        if sendInitialEvents != nil {
            v.append(Self.forbidden("sendInitialEvents", "sendInitialEvents is forbidden for list"))
        }
        return v
    }

    private func watchViolations() -> [FieldViolation] {
        var v: [FieldViolation] = []
        if sendInitialEvents != nil, resourceVersionMatch != Self.notOlderThan {
            v.append(Self.forbidden("resourceVersionMatch", "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"))
        }
        if !resourceVersionMatch.isEmpty {
            if sendInitialEvents == nil {
                v.append(Self.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided"))
            }
            if resourceVersionMatch != Self.notOlderThan {
                v.append(Self.notSupported("resourceVersionMatch", resourceVersionMatch, [Self.notOlderThan]))
            }
            if hasContinue {
                v.append(Self.forbidden("resourceVersionMatch", "resourceVersionMatch is forbidden when continue is provided"))
            }
        }
        return v
    }

    static func forbidden(_ field: String, _ message: String) -> FieldViolation {
        FieldViolation(field: field, reason: .forbidden, detail: "Forbidden: \(message)")
    }

    static func notSupported(_ field: String, _ value: String, _ supported: [String]) -> FieldViolation {
        let list = supported.map { APIError.quote($0) }.joined(separator: ", ")
        return FieldViolation(field: field, reason: .notSupported, detail: "Unsupported value: \(APIError.quote(value)): supported values: \(list)")
    }

    /// 422 as kube-apiserver words an invalid ListOptions (reference 65).
    static func invalid(_ violations: [FieldViolation]) -> APIError {
        let error = ValidationError(kind: "ListOptions.meta.k8s.io", name: "", violations: violations)
        let causes: [JSONValue] = violations.map { v in
            .object(["reason": .string(v.reason.rawValue), "message": .string(v.detail), "field": .string(v.field)])
        }
        return APIError(
            code: 422, reason: "Invalid", message: error.description,
            details: .object(["group": "meta.k8s.io", "kind": "ListOptions", "causes": .array(causes)]))
    }
}
