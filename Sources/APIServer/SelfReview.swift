import EdgeAIAPI
import EdgeAIPKI
import JSON

/// The three reviews behind `kubectl auth can-i`, `can-i --list` and `auth whoami`, answered as
/// kube-apiserver 1.36 answers them from ``Authorizer`` and the request's identity.
///
/// Pure: a decoded body and a user in, the answer (or kube-apiserver's error) out. Nothing is
/// stored; the HTTP side is `APIHandler+Reviews.swift`.
enum SelfReview {
    /// One review resource: `create` only, cluster-scoped, never stored.
    struct Endpoint: Sendable, Hashable {
        let group: String
        let version: String
        let plural: String
        let singular: String
        let kind: String
        var apiVersion: String { "\(group)/\(version)" }
    }

    static let subject = Endpoint(
        group: "authentication.k8s.io", version: "v1", plural: "selfsubjectreviews", singular: "selfsubjectreview", kind: "SelfSubjectReview")
    static let access = Endpoint(
        group: "authorization.k8s.io", version: "v1", plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview",
        kind: "SelfSubjectAccessReview")
    static let rules = Endpoint(
        group: "authorization.k8s.io", version: "v1", plural: "selfsubjectrulesreviews", singular: "selfsubjectrulesreview",
        kind: "SelfSubjectRulesReview")
    /// In discovery order.
    static let endpoints = [subject, access, rules]

    static func endpoint(group: String, version: String, plural: String) -> Endpoint? {
        endpoints.first { $0.group == group && $0.version == version && $0.plural == plural }
    }

    /// The group every authenticated request carries in kube-apiserver.
    static let authenticatedGroup = "system:authenticated"

    struct Answer: Sendable {
        var body: JSONValue
        /// `Warning` header texts (unknown fields under `fieldValidation=Warn`).
        var warnings: [String] = []
    }

    static func evaluate(
        _ endpoint: Endpoint, body: JSONValue, user: UserInfo, fieldValidation: WriteOptions.FieldValidation = .warn, now: Time
    ) throws(APIError) -> Answer {
        var reader = GoStructReader(kind: endpoint.kind, version: endpoint.version)
        let top = try typeMeta(body, endpoint, reader: &reader)
        switch endpoint {
        case access: return try accessReview(top, user: user, reader: &reader, fieldValidation: fieldValidation)
        case rules: return try rulesReview(top, user: user, reader: &reader, fieldValidation: fieldValidation)
        default: return try subjectReview(top, user: user, reader: &reader, fieldValidation: fieldValidation, now: now)
        }
    }

    /// The top-level members after checking `apiVersion` and `kind` (both may be left out, as the
    /// URL names them).
    private static func typeMeta(_ body: JSONValue, _ endpoint: Endpoint, reader: inout GoStructReader) throws(APIError) -> [String: JSONValue] {
        guard case .object(let members) = body else {
            throw APIError.badRequest(
                "the object provided is unrecognized (must be of type \(endpoint.kind)): couldn't get version/kind; json parse error: "
                    + "json: cannot unmarshal \(MetadataValidation.goType(body)) into Go value of type struct { APIVersion string "
                    + #""json:\"apiVersion,omitempty\""; Kind string "json:\"kind,omitempty\"" }"#)
        }
        let apiVersion = try reader.string(members["apiVersion"], path: "apiVersion", parent: endpoint.kind)
        let kind = try reader.string(members["kind"], path: "kind", parent: endpoint.kind)
        if !apiVersion.isEmpty, apiVersion != endpoint.apiVersion {
            throw APIError.badRequest(
                "the API version in the data (\(apiVersion)) does not match the expected API version (\(endpoint.apiVersion))")
        }
        if !kind.isEmpty, kind != endpoint.kind {
            throw APIError.badRequest(
                "no kind \(APIError.quote(kind)) is registered for version \(APIError.quote(endpoint.apiVersion)) in scheme \"pkg/api/legacyscheme/scheme.go:30\"")
        }
        return members
    }

    // MARK: SelfSubjectAccessReview

    private static let resourceAttributeFields = ["namespace", "verb", "group", "version", "resource", "subresource", "name"]

    private static func accessReview(
        _ top: [String: JSONValue], user: UserInfo, reader: inout GoStructReader, fieldValidation: WriteOptions.FieldValidation
    ) throws(APIError) -> Answer {
        let kind = access.kind
        let metadata = try reader.object(top["metadata"], path: "metadata", parent: kind, goType: "v1.ObjectMeta", known: ObjectMetaFields.all) ?? [:]
        _ = try reader.object(top["status"], path: "status", parent: kind, goType: "v1.SubjectAccessReviewStatus", known: ["allowed", "denied", "reason", "evaluationError"])
        let spec = try reader.object(
            top["spec"], path: "spec", parent: kind, goType: "v1.SelfSubjectAccessReviewSpec", known: ["resourceAttributes", "nonResourceAttributes"]) ?? [:]
        let resource = try reader.object(
            spec["resourceAttributes"], path: "spec.resourceAttributes", parent: "SelfSubjectAccessReviewSpec", goType: "v1.ResourceAttributes",
            known: Set(resourceAttributeFields + ["fieldSelector", "labelSelector"]))
        var attributes: [String: String] = [:]
        if let resource {
            for field in resourceAttributeFields {
                attributes[field] = try reader.string(resource[field], path: "spec.resourceAttributes.\(field)", parent: "ResourceAttributes")
            }
            for field in ["fieldSelector", "labelSelector"] {
                _ = try reader.object(
                    resource[field], path: "spec.resourceAttributes.\(field)", parent: "ResourceAttributes",
                    goType: field == "fieldSelector" ? "v1.FieldSelectorAttributes" : "v1.LabelSelectorAttributes", known: ["rawSelector", "requirements"])
            }
        }
        let nonResource = try reader.object(
            spec["nonResourceAttributes"], path: "spec.nonResourceAttributes", parent: "SelfSubjectAccessReviewSpec",
            goType: "v1.NonResourceAttributes", known: ["path", "verb"])
        let path = try reader.string(nonResource?["path"], path: "spec.nonResourceAttributes.path", parent: "NonResourceAttributes")
        let verb = try reader.string(nonResource?["verb"], path: "spec.nonResourceAttributes.verb", parent: "NonResourceAttributes")
        let warnings = try reader.unknownFieldWarnings(fieldValidation)

        var violations: [FieldViolation] = []
        if metadata.contains(where: { $0.key != "managedFields" && !isZero($0.value) }) {
            violations.append(FieldViolation(
                field: "metadata", reason: .invalid, detail: "Invalid value: \(JSONWriter.string(.object(metadata))): must be empty"))
        }
        if resource != nil, nonResource != nil {
            violations.append(FieldViolation(
                field: "spec.nonResourceAttributes", reason: .invalid,
                detail: "Invalid value: authorization.NonResourceAttributes{Path:\(APIError.quote(path)), Verb:\(APIError.quote(verb))}: "
                    + "cannot be specified in combination with resourceAttributes"))
        } else if resource == nil, nonResource == nil {
            violations.append(FieldViolation(
                field: "spec.resourceAttributes", reason: .invalid,
                detail: #"Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified"#))
        }
        if !violations.isEmpty { throw invalid(access, violations) }

        let allowed: Bool
        var echoedSpec: [String: JSONValue] = [:]
        if resource != nil {
            func nonEmpty(_ field: String) -> String? { attributes[field].flatMap { $0.isEmpty ? nil : $0 } }
            allowed = Authorizer.isAllowed(user, Authorizer.Attributes(
                verb: attributes["verb"] ?? "", group: attributes["group"] ?? "", resource: attributes["resource"] ?? "",
                subresource: nonEmpty("subresource"), namespace: nonEmpty("namespace"), name: nonEmpty("name")))
            var echoed: [String: JSONValue] = [:]
            for field in resourceAttributeFields { if let v = nonEmpty(field) { echoed[field] = .string(v) } }
            for field in ["fieldSelector", "labelSelector"] { if let v = resource?[field], v != .null { echoed[field] = v } }
            echoedSpec["resourceAttributes"] = .object(echoed)
        } else {
            allowed = Authorizer.isAllowed(user, path: path, verb: verb)
            var echoed: [String: JSONValue] = [:]
            if !path.isEmpty { echoed["path"] = .string(path) }
            if !verb.isEmpty { echoed["verb"] = .string(verb) }
            echoedSpec["nonResourceAttributes"] = .object(echoed)
        }
        let body: JSONValue = [
            "kind": .string(access.kind), "apiVersion": .string(access.apiVersion), "metadata": .object([:]),
            "spec": .object(echoedSpec), "status": ["allowed": .bool(allowed)],
        ]
        return Answer(body: body, warnings: warnings)
    }

    // MARK: SelfSubjectRulesReview

    private static func rulesReview(
        _ top: [String: JSONValue], user: UserInfo, reader: inout GoStructReader, fieldValidation: WriteOptions.FieldValidation
    ) throws(APIError) -> Answer {
        let kind = rules.kind
        _ = try reader.object(top["metadata"], path: "metadata", parent: kind, goType: "v1.ObjectMeta", known: ObjectMetaFields.all)
        _ = try reader.object(
            top["status"], path: "status", parent: kind, goType: "v1.SubjectRulesReviewStatus",
            known: ["resourceRules", "nonResourceRules", "incomplete", "evaluationError"])
        let spec = try reader.object(top["spec"], path: "spec", parent: kind, goType: "v1.SelfSubjectRulesReviewSpec", known: ["namespace"])
        let namespace = try reader.string(spec?["namespace"], path: "spec.namespace", parent: "SelfSubjectRulesReviewSpec")
        let warnings = try reader.unknownFieldWarnings(fieldValidation)
        guard !namespace.isEmpty else { throw APIError.badRequest("no namespace on request") }
        let granted = Authorizer.rules(for: user)
        let body: JSONValue = [
            "kind": .string(rules.kind), "apiVersion": .string(rules.apiVersion), "metadata": .object([:]), "spec": .object([:]),
            "status": [
                "resourceRules": .array(granted.resourceRules.map(\.json)),
                "nonResourceRules": .array(granted.nonResourceRules.map(\.json)),
                "incomplete": false,
            ],
        ]
        return Answer(body: body, warnings: warnings)
    }

    // MARK: SelfSubjectReview

    private static func subjectReview(
        _ top: [String: JSONValue], user: UserInfo, reader: inout GoStructReader, fieldValidation: WriteOptions.FieldValidation, now: Time
    ) throws(APIError) -> Answer {
        let kind = subject.kind
        _ = try reader.object(top["metadata"], path: "metadata", parent: kind, goType: "v1.ObjectMeta", known: ObjectMetaFields.all)
        _ = try reader.object(top["status"], path: "status", parent: kind, goType: "v1.SelfSubjectReviewStatus", known: ["userInfo"])
        let warnings = try reader.unknownFieldWarnings(fieldValidation)
        var info: [String: JSONValue] = ["username": .string(user.name)]
        if !user.uid.isEmpty { info["uid"] = .string(user.uid) }
        let groups = user.groups.contains(authenticatedGroup) ? user.groups : user.groups + [authenticatedGroup]
        info["groups"] = .array(groups.map(JSONValue.string))
        let body: JSONValue = [
            "kind": .string(subject.kind), "apiVersion": .string(subject.apiVersion),
            "metadata": ["creationTimestamp": .string(now.rfc3339)], "status": ["userInfo": .object(info)],
        ]
        return Answer(body: body, warnings: warnings)
    }

    // MARK: helpers

    /// Go's zero value, which `metadata must be empty` does not count.
    private static func isZero(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        case .string(let s): s.isEmpty
        case .int(let i): i == 0
        case .bool(let b): !b
        case .array(let a): a.isEmpty
        case .object(let o): o.isEmpty
        case .double(let d): d == 0
        }
    }

    private static func invalid(_ endpoint: Endpoint, _ violations: [FieldViolation]) -> APIError {
        let error = ValidationError(kind: "\(endpoint.kind).\(endpoint.group)", name: "", violations: violations)
        return APIError(
            code: 422, reason: "Invalid", message: error.description,
            details: [
                "name": "", "group": .string(endpoint.group), "kind": .string(endpoint.kind),
                "causes": .array(violations.map { ["reason": .string($0.reason.rawValue), "message": .string($0.detail), "field": .string($0.field)] }),
            ])
    }
}

/// The members of `metav1.ObjectMeta`, for telling unknown fields apart.
enum ObjectMetaFields {
    static let all: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ]
}
