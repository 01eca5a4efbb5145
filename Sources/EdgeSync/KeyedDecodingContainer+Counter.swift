extension KeyedDecodingContainer {
    /// A `seq` or `nonce`: a JSON integer in `0...UInt64.max`. Decoded through `Int64` first so a
    /// negative number gets an error naming the field, not a generic "not valid JSON".
    func decodeCounter(forKey key: Key) throws -> UInt64 {
        if let value = try? decode(UInt64.self, forKey: key) { return value }
        let signed = try decode(Int64.self, forKey: key)
        throw DecodingError.dataCorruptedError(
            forKey: key, in: self, debugDescription: "must be a non-negative integer, got \(signed)")
    }
}
