import JSON

/// The Dataset, Model and EdgeNode CRDs as data: the single source of truth for `deploy/crds/`,
/// `edgeai crds`, the embedded API server's registry and validation.
public enum EdgeAICRDs {
    public static var all: [CustomResourceDefinition] { [dataset, model, edgeNode] }

    public static let dataset = CustomResourceDefinition(
        metadata: ObjectMeta(name: "datasets.edgeai.io", labels: ["app.kubernetes.io/part-of": "edgeai"]),
        spec: .init(
            group: EdgeAIGroup.name,
            names: .init(kind: "Dataset", listKind: "DatasetList", plural: "datasets", singular: "dataset", shortNames: ["dset"], categories: ["edgeai"]),
            scope: "Namespaced",
            versions: [
                .init(
                    name: EdgeAIGroup.version, served: true, storage: true,
                    schema: .init(openAPIV3Schema: root(
                        description: "Dataset is a set of samples on one edge node; the node's agent counts them into status.",
                        spec: .object(
                            "Where the data is and which node holds it.",
                            properties: [
                                "dataUrl": .string("The index file (a directory for format dir): an absolute path or file:// URL on the node, s3://bucket/key (a key prefix for dir), or an https:// URL.", minLength: 1),
                                "format": .string("How samples are counted: txt, csv, jsonl, tfrecord or dir.", enum: DatasetFormatName.allCases.map(\.rawValue)),
                                "nodeName": JSONSchemaProps(
                                    type: "string", description: "The edge node that holds the data (a DNS-1123 subdomain).",
                                    minLength: 1, maxLength: 253, pattern: NameValidation.dns1123SubdomainPattern),
                                "credentialName": credentialName,
                                "localCopy": JSONSchemaProps(
                                    type: "boolean",
                                    description: "For a remote dataUrl of one object: keep a copy on the node for jobs (the agent's local API gives its path), fetched again only when the object changes."),
                            ],
                            required: ["dataUrl", "format", "nodeName"]),
                        status: .object(
                            "What the edge node last observed about the data.",
                            properties: [
                                "numberOfSamples": .integer("The number of samples in the dataset.", minimum: 0),
                                "updateTime": .string("When the edge agent last looked at the data.", format: "date-time"),
                                "sizeBytes": .integer("Size of the data in bytes.", minimum: 0),
                                "observedGeneration": .integer("The metadata.generation this status describes."),
                                "conditions": conditions,
                                "source": .string("Where remote data came from: s3://bucket/key or the https:// URL without its query."),
                                "version": .string("The remote data's ETag, or its Last-Modified date when it has none."),
                            ]))),
                    subresources: .init(status: .object([:])),
                    additionalPrinterColumns: [
                        .init(name: "NumberOfSamples", type: "integer", description: "The number of samples in the dataset", jsonPath: ".status.numberOfSamples"),
                        .init(name: "Node", type: "string", description: "The node name of the dataset", jsonPath: ".spec.nodeName"),
                        .init(name: "spec", type: "string", description: "The spec of the dataset", jsonPath: ".spec"),
                        .init(
                            name: "Unreachable", type: "string", description: "Why the dataset's node is unreachable (NodeOffline, NodeNeverConnected)",
                            jsonPath: #".status.conditions[?(@.type=="NodeReachable")].reason"#, priority: 1),
                        age,
                    ],
                    selectableFields: [.init(jsonPath: ".spec.nodeName")])
            ]))

    public static let model = CustomResourceDefinition(
        metadata: ObjectMeta(name: "models.edgeai.io", labels: ["app.kubernetes.io/part-of": "edgeai"]),
        spec: .init(
            group: EdgeAIGroup.name,
            names: .init(kind: "Model", listKind: "ModelList", plural: "models", singular: "model", shortNames: ["mdl"], categories: ["edgeai"]),
            scope: "Namespaced",
            versions: [
                .init(
                    name: EdgeAIGroup.version, served: true, storage: true,
                    schema: .init(openAPIV3Schema: root(
                        description: "Model is a trained model that jobs on every edge node can use.",
                        spec: .object(
                            "Where the model is.",
                            properties: [
                                "modelUrl": .string("The model: an absolute path or file:// URL on the nodes, s3://bucket/key, or an https:// URL (delivered into each node's model cache).", minLength: 1),
                                "format": .string("Model format, e.g. pb, onnx, saved_model."),
                                "digest": JSONSchemaProps(
                                    type: "string", description: "The model file's expected digest, sha256:<64 hex digits>.",
                                    pattern: "^sha256:[0-9a-f]{64}$"),
                                "credentialName": credentialName,
                                "nodeSelector": JSONSchemaProps(
                                    type: "object", description: "Only nodes whose EdgeNode has all these labels receive the model.",
                                    additionalProperties: .string("Label value.")),
                                "nodeNames": JSONSchemaProps(
                                    type: "array", description: "Only these nodes receive the model (with nodeSelector: nodes matching both).",
                                    items: .string("Edge node name."), listType: "set"),
                            ],
                            required: ["modelUrl"]),
                        status: .object(
                            "Metrics reported by jobs, and where the model is present.",
                            properties: [
                                "updateTime": .string("When the status last changed.", format: "date-time"),
                                "metrics": JSONSchemaProps(
                                    type: "array", description: "Latest value of each metric reported for the model.",
                                    items: .object("", properties: ["key": .string("Metric name."), "value": .string("Metric value.")], required: ["key", "value"]),
                                    listType: "map", listMapKeys: ["key"]),
                                "nodes": JSONSchemaProps(
                                    type: "array", description: "Presence of the model file on each edge node.",
                                    items: .object("", properties: [
                                        "nodeName": .string("Edge node."),
                                        "present": JSONSchemaProps(type: "boolean", description: "Whether the model file exists on the node."),
                                        "sizeBytes": .integer("Size of the model file in bytes.", minimum: 0),
                                        "updateTime": .string("When the node last checked.", format: "date-time"),
                                        "message": .string("Why the model is not usable, if it is not."),
                                        "phase": .string("A remote model's delivery.", enum: ["Pending", "Downloading", "Ready", "Failed"]),
                                        "bytesDone": .integer("Bytes of the model on the node so far.", minimum: 0),
                                        "bytesTotal": .integer("The model's size, when known.", minimum: 0),
                                        "digest": .string("The digest of the file delivered (sha256:...)."),
                                        "reason": .string("Why the delivery failed."),
                                    ], required: ["nodeName", "present"]),
                                    listType: "map", listMapKeys: ["nodeName"]),
                                "observedGeneration": .integer("The metadata.generation this status describes."),
                                "conditions": conditions,
                            ]))),
                    subresources: .init(status: .object([:])),
                    additionalPrinterColumns: [
                        .init(name: "updateAGE", type: "date", description: "The update age", jsonPath: ".status.updateTime"),
                        .init(name: "metrics", type: "string", description: "The metrics", jsonPath: ".status.metrics"),
                        age,
                    ],
                    selectableFields: nil)
            ]))

    /// Sedna's field: a Secret in the object's namespace holding the credentials for an `s3://`
    /// or `https://` URL (`ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`; endpoint in its `s3-endpoint` and
    /// `s3-usehttps` annotations).
    private static let credentialName = JSONSchemaProps(
        type: "string",
        description: "Name of a Secret in this namespace with the credentials for the URL (Sedna's shape: ACCESS_KEY_ID, SECRET_ACCESS_KEY; annotations s3-endpoint, s3-usehttps).",
        minLength: 1, maxLength: 253, pattern: NameValidation.dns1123SubdomainPattern)

    static let age = CustomResourceDefinition.PrinterColumn(
        name: "Age", type: "date", description: "Time since the object was created", jsonPath: ".metadata.creationTimestamp")

    static func root(description: String, spec: JSONSchemaProps, status: JSONSchemaProps) -> JSONSchemaProps {
        JSONSchemaProps(
            type: "object", description: description,
            properties: [
                "apiVersion": .string("APIVersion defines the versioned schema of this representation of an object."),
                "kind": .string("Kind is a string value representing the REST resource this object represents."),
                "metadata": JSONSchemaProps(type: "object"),
                "spec": spec,
                "status": status,
            ],
            required: ["spec"])
    }

    static let conditions = JSONSchemaProps(
        type: "array", description: "Observations of the object's state; type Ready says whether it is usable.",
        items: .object(
            "A condition (metav1.Condition).",
            properties: [
                "type": .string("Type of condition, e.g. Ready.", minLength: 1),
                "status": .string("True, False or Unknown.", enum: ["True", "False", "Unknown"]),
                "reason": .string("CamelCase reason for the last transition."),
                "message": .string("Human-readable details."),
                "lastTransitionTime": .string("When status last changed.", format: "date-time"),
                "observedGeneration": .integer("The metadata.generation the condition was set for."),
            ],
            required: ["type", "status"]),
        listType: "map", listMapKeys: ["type"])
}
