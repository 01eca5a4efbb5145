import EdgeAIAPI
import JSON

/// OpenAPI schemas of the built-in kinds that have one here (the others are served as
/// `x-kubernetes-preserve-unknown-fields` objects), as kube-apiserver publishes them, for
/// `kubectl explain` and kubectl's client-side validation.
enum BuiltinSchemas {
    static func schema(for d: ResourceDefinition) -> JSONValue? {
        SecretStrategy.isSecret(d) ? secret : nil
    }

    static let secret: JSONValue = [
        "description": "Secret holds secret data of a certain type. The total bytes of the values in the Data field must be less than MaxSecretSize bytes.",
        "type": "object",
        "properties": [
            "data": [
                "description": "Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here.",
                "type": "object", "additionalProperties": ["type": "string", "format": "byte"],
            ],
            "immutable": [
                "description": "Immutable, if set to true, ensures that data stored in the Secret cannot be updated (only object metadata can be modified).",
                "type": "boolean",
            ],
            "stringData": [
                "description": "stringData allows specifying non-binary secret data in string form. It is provided as a write-only input field for convenience. All keys and values are merged into the data field on write, overwriting any existing values. The stringData field is never output when reading from the API.",
                "type": "object", "additionalProperties": ["type": "string", "default": ""],
            ],
            "type": [
                "description": "Used to facilitate programmatic handling of secret data.",
                "type": "string",
            ],
        ],
    ]
}
