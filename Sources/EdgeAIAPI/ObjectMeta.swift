public import JSON

/// Standard object metadata (metav1.ObjectMeta). Empty values are `nil` so they are omitted from
/// JSON exactly as kube-apiserver omits them.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    /// Moves only when the spec changes; the status subresource never moves it.
    public var generation: Int64?
    public var creationTimestamp: Time?
    public var deletionTimestamp: Time?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var finalizers: [String]?
    public var ownerReferences: [OwnerReference]?
    /// Server-side apply bookkeeping; kept opaque.
    public var managedFields: [JSONValue]?

    public init(
        name: String? = nil, namespace: String? = nil, generateName: String? = nil,
        labels: [String: String]? = nil, annotations: [String: String]? = nil
    ) {
        self.name = name
        self.namespace = namespace
        self.generateName = generateName
        self.labels = labels
        self.annotations = annotations
    }
}

public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
    }
}

/// List metadata (metav1.ListMeta).
public struct ListMeta: Codable, Sendable, Hashable {
    public var resourceVersion: String?
    /// Opaque token for the next page; absent on the last page.
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

/// A standard condition (metav1.Condition). `status` is "True", "False" or "Unknown".
public struct Condition: Codable, Sendable, Hashable {
    public var type: String
    public var status: String
    public var observedGeneration: Int64?
    public var lastTransitionTime: Time?
    public var reason: String?
    public var message: String?

    public init(
        type: String, status: String, reason: String? = nil, message: String? = nil,
        lastTransitionTime: Time? = nil, observedGeneration: Int64? = nil
    ) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
        self.observedGeneration = observedGeneration
    }
}

extension [Condition] {
    /// Sets `condition`, keeping the old `lastTransitionTime` unless the status changed.
    public mutating func set(_ condition: Condition, now: Time = .now()) {
        var updated = condition
        if let index = firstIndex(where: { $0.type == condition.type }) {
            if self[index].status == condition.status {
                updated.lastTransitionTime = self[index].lastTransitionTime ?? updated.lastTransitionTime ?? now
            } else {
                updated.lastTransitionTime = updated.lastTransitionTime ?? now
            }
            self[index] = updated
        } else {
            updated.lastTransitionTime = updated.lastTransitionTime ?? now
            append(updated)
        }
    }

    public subscript(type type: String) -> Condition? { first { $0.type == type } }
}
