/// Changes values on their way into and out of the SQLite file, as kube-apiserver's storage
/// transformers do (encryption at rest). Memory (the index, the event cache, answers) holds
/// the plain value; only the file holds the transformed one.
///
/// `toStorage` runs in the store's serialized write section, `fromStorage` on every read from the
/// file (start-up load, watches behind the event cache): both must be cheap, pure and thread-safe.
/// An error in `fromStorage` fails that read with ``StoreError/storage(_:)``; its message must
/// not contain the value.
package protocol StorageTransformer: Sendable {
    /// Whether values of `resource` (a store resource such as `secrets`) are transformed.
    func applies(to resource: String) -> Bool
    func toStorage(_ value: [UInt8], key: ObjectKey) throws -> [UInt8]
    func fromStorage(_ stored: [UInt8], key: ObjectKey) throws -> [UInt8]
}
