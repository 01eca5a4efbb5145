/// A dataset on one edge node (seed: `Dataset`, `edgeai.io/v1alpha1`).
public struct Dataset: KubernetesObject {
    public static let resourceType = ResourceType(
        group: EdgeAIGroup.name, version: EdgeAIGroup.version, kind: "Dataset", plural: "datasets", namespaced: true)

    public var apiVersion: String
    public var kind: String
    public var metadata: ObjectMeta
    public var spec: DatasetSpec
    public var status: DatasetStatus?

    public init(metadata: ObjectMeta, spec: DatasetSpec, status: DatasetStatus? = nil) {
        self.apiVersion = Self.resourceType.apiVersion
        self.kind = Self.resourceType.kind
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct DatasetSpec: Codable, Sendable, Hashable {
    /// Absolute path or `file://` URL of the index file (or directory, for format `dir`) on the node.
    public var dataUrl: String
    /// One of ``DatasetFormatName``: txt, csv, jsonl, tfrecord, dir.
    public var format: String
    /// The edge node that holds the data.
    public var nodeName: String
    /// A Secret in the Dataset's namespace with the credentials for a remote `dataUrl` (Sedna's field).
    public var credentialName: String?
    /// For a remote `dataUrl` of one object (txt, csv, jsonl, tfrecord): keep a copy on the node
    /// for jobs (the agent's local API gives its path), fetched again only when the object changes,
    /// and counted from the copy. Without effect for data already on the node.
    public var localCopy: Bool?

    public init(dataUrl: String, format: String, nodeName: String, credentialName: String? = nil, localCopy: Bool? = nil) {
        self.dataUrl = dataUrl
        self.format = format
        self.nodeName = nodeName
        self.credentialName = credentialName
        self.localCopy = localCopy
    }
}

/// What the edge node learnt about the data. Written only through the status subresource.
public struct DatasetStatus: Codable, Sendable, Hashable {
    public var numberOfSamples: Int64?
    /// When the edge agent last looked at the data.
    public var updateTime: Time?
    /// Size of the data in bytes.
    public var sizeBytes: Int64?
    /// The `metadata.generation` of the spec this status describes.
    public var observedGeneration: Int64?
    /// `Ready` with a reason when it is not: NotFound, PermissionDenied, NotAllowed,
    /// UnsupportedFormat, ParseError.
    public var conditions: [Condition]?
    /// Where a remote dataset's data came from (`s3://bucket/key`, or the `https://` URL
    /// without its query); nil for local data.
    public var source: String?
    /// The remote data's version: its ETag, or its Last-Modified date when it has none.
    public var version: String?

    public init(
        numberOfSamples: Int64? = nil, updateTime: Time? = nil, sizeBytes: Int64? = nil,
        observedGeneration: Int64? = nil, conditions: [Condition]? = nil, source: String? = nil, version: String? = nil
    ) {
        self.numberOfSamples = numberOfSamples
        self.updateTime = updateTime
        self.sizeBytes = sizeBytes
        self.observedGeneration = observedGeneration
        self.conditions = conditions
        self.source = source
        self.version = version
    }
}

/// The dataset formats the edge agent counts. The CRD's enum is built from this list.
public enum DatasetFormatName: String, Sendable, CaseIterable, Codable {
    case txt, csv, jsonl, tfrecord, dir
}

/// The API group every edgeai kind belongs to.
public enum EdgeAIGroup {
    public static let name = "edgeai.io"
    public static let version = "v1alpha1"
    public static let apiVersion = "edgeai.io/v1alpha1"
}
