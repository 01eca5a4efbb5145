import HTTPTypes

extension HTTPFields {
    /// The first value of the field `name`, as Go's `Header.Get` (which kube-apiserver reads
    /// `Accept`, `Content-Type`, `Authorization` and `User-Agent` with). The subscript instead
    /// joins every value into a new string on each read.
    func first(_ name: HTTPField.Name) -> String? {
        first { $0.name == name }?.value
    }
}
