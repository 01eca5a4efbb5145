/// Query options of list and watch (`metav1.ListOptions`).
public struct ListOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var resourceVersion: String?
    /// For list: "NotOlderThan" or "Exact" with ``resourceVersion``.
    public var resourceVersionMatch: String?
    public var timeoutSeconds: Int?
    public var allowWatchBookmarks: Bool = false
    /// Page size; `nil` asks for everything in one response.
    public var limit: Int?
    public var `continue`: String?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        timeoutSeconds: Int? = nil, allowWatchBookmarks: Bool = false, limit: Int? = nil, continue: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.timeoutSeconds = timeoutSeconds
        self.allowWatchBookmarks = allowWatchBookmarks
        self.limit = limit
        self.continue = `continue`
    }

    var query: [(String, String)] {
        var q: [(String, String)] = []
        if let labelSelector { q.append(("labelSelector", labelSelector)) }
        if let fieldSelector { q.append(("fieldSelector", fieldSelector)) }
        if let resourceVersion { q.append(("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { q.append(("resourceVersionMatch", resourceVersionMatch)) }
        if let timeoutSeconds { q.append(("timeoutSeconds", String(timeoutSeconds))) }
        if allowWatchBookmarks { q.append(("allowWatchBookmarks", "true")) }
        if let limit { q.append(("limit", String(limit))) }
        if let `continue` { q.append(("continue", `continue`)) }
        return q
    }
}

/// Options of create, update and patch.
public struct WriteOptions: Sendable, Equatable {
    /// Validate and admit, but do not persist (`dryRun=All`).
    public var dryRun: Bool = false
    /// `Strict`, `Warn` or `Ignore` (`fieldValidation`).
    public var fieldValidation: String?
    public var fieldManager: String?
    /// Apply patches only: take ownership of conflicting fields.
    public var force: Bool = false

    public init(dryRun: Bool = false, fieldValidation: String? = nil, fieldManager: String? = nil, force: Bool = false) {
        self.dryRun = dryRun
        self.fieldValidation = fieldValidation
        self.fieldManager = fieldManager
        self.force = force
    }

    var query: [(String, String)] {
        var q: [(String, String)] = []
        if dryRun { q.append(("dryRun", "All")) }
        if let fieldValidation { q.append(("fieldValidation", fieldValidation)) }
        if let fieldManager { q.append(("fieldManager", fieldManager)) }
        if force { q.append(("force", "true")) }
        return q
    }
}

/// Options of delete (`metav1.DeleteOptions`).
public struct DeleteOptions: Sendable, Equatable {
    /// Delete only if the object still has this uid.
    public var preconditionUID: String?
    /// Delete only if the object still has this resourceVersion.
    public var preconditionResourceVersion: String?
    /// `Orphan`, `Background` or `Foreground`.
    public var propagationPolicy: String?
    public var gracePeriodSeconds: Int?
    public var dryRun: Bool = false

    public init(
        preconditionUID: String? = nil, preconditionResourceVersion: String? = nil,
        propagationPolicy: String? = nil, gracePeriodSeconds: Int? = nil, dryRun: Bool = false
    ) {
        self.preconditionUID = preconditionUID
        self.preconditionResourceVersion = preconditionResourceVersion
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
        self.dryRun = dryRun
    }
}

/// The patch formats a custom resource accepts (strategic merge patch is not among them).
public enum PatchType: Sendable, Equatable {
    /// RFC 7386 JSON merge patch.
    case merge
    /// RFC 6902 JSON patch (a list of operations).
    case json
    /// Server-side apply; needs ``WriteOptions/fieldManager``.
    case apply

    public var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .json: "application/json-patch+json"
        case .apply: "application/apply-patch+yaml"
        }
    }
}
