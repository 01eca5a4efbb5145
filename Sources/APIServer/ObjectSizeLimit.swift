/// The largest object the server stores: etcd's default request limit (`--max-request-bytes`,
/// 1.5 MiB), which is what makes a real cluster refuse an object that passed the 3 MiB request
/// body limit. Checked on the final JSON before any write, so a refused write changes nothing.
///
/// kube-apiserver passes etcd's `request is too large` through; this server answers 413
/// RequestEntityTooLarge, the status kube gives for a body over its own limit, never a 500.
enum ObjectSizeLimit {
    static let maximumBytes = 1_572_864

    static func check(_ template: ObjectTemplate) throws(APIError) {
        guard template.maximumByteCount > maximumBytes else { return }
        throw APIError(
            code: 413, reason: "RequestEntityTooLarge",
            message: "Request entity too large: etcdserver: request is too large (the object is \(template.maximumByteCount) bytes, the limit is \(maximumBytes))")
    }
}
