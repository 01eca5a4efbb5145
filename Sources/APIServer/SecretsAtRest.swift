import EdgeAIPKI
import ObjectStore

/// The store transformer that keeps Secrets encrypted in `state.db` (``SecretsEncryption``):
/// only the `secrets` resource, bound to the object's key as kube binds it to the etcd key
/// (`/registry/secrets/<namespace>/<name>`).
struct SecretsAtRest: StorageTransformer {
    let encryption: SecretsEncryption

    func applies(to resource: String) -> Bool { resource == "secrets" }

    func toStorage(_ value: [UInt8], key: ObjectKey) throws -> [UInt8] {
        try encryption.seal(value, context: Self.context(key))
    }

    func fromStorage(_ stored: [UInt8], key: ObjectKey) throws -> [UInt8] {
        try encryption.open(stored, context: Self.context(key))
    }

    static func context(_ key: ObjectKey) -> String { "/registry/\(key.resource)/\(key.namespace)/\(key.name)" }
}
