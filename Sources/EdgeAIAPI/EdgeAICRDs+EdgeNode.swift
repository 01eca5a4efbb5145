import JSON

extension EdgeAICRDs {
    /// `edgenodes.edgeai.io`: cluster-scoped, status written by the hub.
    public static let edgeNode = CustomResourceDefinition(
        metadata: ObjectMeta(name: "edgenodes.edgeai.io", labels: ["app.kubernetes.io/part-of": "edgeai"]),
        spec: .init(
            group: EdgeAIGroup.name,
            names: .init(kind: "EdgeNode", listKind: "EdgeNodeList", plural: "edgenodes", singular: "edgenode", shortNames: ["enode"], categories: ["edgeai"]),
            scope: "Cluster",
            versions: [
                .init(
                    name: EdgeAIGroup.version, served: true, storage: true,
                    schema: .init(openAPIV3Schema: JSONSchemaProps(
                        type: "object", description: "EdgeNode is an edge node the hub knows: whether it is connected and what it holds.",
                        properties: [
                            "apiVersion": .string("APIVersion defines the versioned schema of this representation of an object."),
                            "kind": .string("Kind is a string value representing the REST resource this object represents."),
                            "metadata": JSONSchemaProps(type: "object"),
                            "spec": .object(
                                "Set by the operator; labels in metadata select the node for Models.",
                                properties: [
                                    "tokenGeneration": .integer("The generation of the only node token the hub accepts (edgeai node add sets it).", minimum: 0),
                                ]),
                            "status": .object(
                                "What the hub observed about the node.",
                                properties: [
                                    "phase": .string("Pending (never connected), Online or Offline.", enum: EdgeNodePhase.allCases.map(\.rawValue)),
                                    "conditions": conditions,
                                    "lastHeartbeatTime": .string("The last heartbeat the hub recorded (throttled).", format: "date-time"),
                                    "agentVersion": .string("The agent's build."),
                                    "datasets": .integer("How many datasets the node holds.", minimum: 0),
                                    "models": .integer("How many models the node holds.", minimum: 0),
                                    "outboxDepth": .integer("Status reports the node sent that the hub has not answered yet.", minimum: 0),
                                    "address": .string("The address the node connected from."),
                                ]),
                        ])),
                    subresources: .init(status: .object([:])),
                    additionalPrinterColumns: [
                        .init(name: "Status", type: "string", description: "Pending, Online or Offline", jsonPath: ".status.phase"),
                        .init(name: "Last-Seen", type: "date", description: "The last heartbeat recorded", jsonPath: ".status.lastHeartbeatTime"),
                        .init(name: "Datasets", type: "integer", description: "Datasets the node holds", jsonPath: ".status.datasets"),
                        .init(name: "Models", type: "integer", description: "Models the node holds", jsonPath: ".status.models"),
                        .init(name: "Version", type: "string", description: "The agent's build", jsonPath: ".status.agentVersion"),
                        age,
                    ],
                    selectableFields: nil)
            ]))
}
