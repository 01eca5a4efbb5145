/// A model every edge node can use (seed: `Model`, `edgeai.io/v1alpha1`).
public struct Model: KubernetesObject {
    public static let resourceType = ResourceType(
        group: EdgeAIGroup.name, version: EdgeAIGroup.version, kind: "Model", plural: "models", namespaced: true)

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: ModelSpec
    public var status: ModelStatus?

    public init(metadata: ObjectMeta, spec: ModelSpec, status: ModelStatus? = nil) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct ModelSpec: Codable, Sendable, Hashable {
    /// Absolute path or `file://` URL of the model on the nodes.
    public var modelUrl: String
    /// Free-form model format, e.g. `pb`, `onnx`, `saved_model`.
    public var format: String?
    /// A Secret in the Model's namespace with the credentials for a remote `modelUrl` (Sedna's field).
    public var credentialName: String?
    /// Only nodes whose EdgeNode has all these labels receive and report the model.
    public var nodeSelector: [String: String]?
    /// Only these nodes receive and report the model. With `nodeSelector`, a node must match both;
    /// with neither, every node does.
    public var nodeNames: [String]?
    /// The model file's expected digest, `sha256:<64 hex>`; a delivered file must match it.
    public var digest: String?

    public init(
        modelUrl: String, format: String? = nil, credentialName: String? = nil, nodeSelector: [String: String]? = nil,
        nodeNames: [String]? = nil, digest: String? = nil
    ) {
        self.modelUrl = modelUrl
        self.format = format
        self.credentialName = credentialName
        self.nodeSelector = nodeSelector
        self.nodeNames = nodeNames
        self.digest = digest
    }
}

public struct ModelStatus: Codable, Sendable, Hashable {
    public var updateTime: Time?
    /// Metrics that jobs on the nodes report about the model; the latest value per key.
    public var metrics: [ModelMetric]?
    /// Per-node presence of the model file, as each node's agent reports it.
    public var nodes: [ModelNodeStatus]?
    public var observedGeneration: Int64?
    public var conditions: [Condition]?

    public init(
        updateTime: Time? = nil, metrics: [ModelMetric]? = nil, nodes: [ModelNodeStatus]? = nil,
        observedGeneration: Int64? = nil, conditions: [Condition]? = nil
    ) {
        self.updateTime = updateTime
        self.metrics = metrics
        self.nodes = nodes
        self.observedGeneration = observedGeneration
        self.conditions = conditions
    }
}

public struct ModelMetric: Codable, Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// Whether one node holds the model file, and how big it is there.
public struct ModelNodeStatus: Codable, Sendable, Hashable {
    public var nodeName: String
    public var present: Bool
    public var sizeBytes: Int64?
    public var updateTime: Time?
    public var message: String?
    /// A remote model's delivery: `Pending`, `Downloading`, `Ready` or `Failed`.
    public var phase: String?
    public var bytesDone: Int64?
    public var bytesTotal: Int64?
    /// The digest of the file delivered (`sha256:…`).
    public var digest: String?
    /// Why the delivery failed (`AccessDenied`, `NotFound`, `DigestMismatch`, `InsufficientSpace`, …).
    public var reason: String?

    public init(
        nodeName: String, present: Bool, sizeBytes: Int64? = nil, updateTime: Time? = nil, message: String? = nil,
        phase: String? = nil, bytesDone: Int64? = nil, bytesTotal: Int64? = nil, digest: String? = nil, reason: String? = nil
    ) {
        self.nodeName = nodeName
        self.present = present
        self.sizeBytes = sizeBytes
        self.updateTime = updateTime
        self.message = message
        self.phase = phase
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.digest = digest
        self.reason = reason
    }
}
