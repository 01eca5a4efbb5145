/// The current (committed) state: live objects by key, and per resource the keys in sorted order
/// for lists and continue tokens.
///
/// Pure value type, no I/O. Sorting is lazy: creates append (cheap when names arrive in order)
/// and the next list or delete re-sorts, which is linear on nearly sorted keys.
struct ObjectIndex {
    private struct Bucket {
        var objects: [ObjectKey: StoredObject] = [:]
        var keys: [ObjectKey] = []
        var sorted = true

        mutating func ensureSorted() {
            if !sorted {
                keys.sort()
                sorted = true
            }
        }

        /// First index whose key is not less than `key`. Requires sorted keys.
        func lowerBound(_ key: ObjectKey) -> Int {
            var low = 0
            var high = keys.count
            while low < high {
                let mid = (low + high) / 2
                if keys[mid] < key { low = mid + 1 } else { high = mid }
            }
            return low
        }

        /// First index whose key is greater than `key`. Requires sorted keys.
        func upperBound(_ key: ObjectKey) -> Int {
            var low = 0
            var high = keys.count
            while low < high {
                let mid = (low + high) / 2
                if key < keys[mid] { high = mid } else { low = mid + 1 }
            }
            return low
        }
    }

    private var buckets: [String: Bucket] = [:]
    private(set) var count = 0

    init() {}

    /// Live objects per resource.
    var countsByResource: [String: Int] { buckets.mapValues(\.objects.count) }

    func get(_ key: ObjectKey) -> StoredObject? {
        buckets[key.resource]?.objects[key]
    }

    /// Inserts or replaces the object at `object.key`.
    mutating func put(_ object: StoredObject) {
        let key = object.key
        var bucket = buckets.removeValue(forKey: key.resource) ?? Bucket()
        if bucket.objects.updateValue(object, forKey: key) == nil {
            if let last = bucket.keys.last, key < last { bucket.sorted = false }
            bucket.keys.append(key)
            count += 1
        }
        buckets[key.resource] = bucket
    }

    /// Removes the object at `key`, if present.
    mutating func remove(_ key: ObjectKey) {
        guard var bucket = buckets.removeValue(forKey: key.resource) else { return }
        if bucket.objects.removeValue(forKey: key) != nil {
            bucket.ensureSorted()
            let index = bucket.lowerBound(key)
            if index < bucket.keys.count, bucket.keys[index] == key {
                bucket.keys.remove(at: index)
            }
            count -= 1
        }
        if !bucket.objects.isEmpty { buckets[key.resource] = bucket }
    }

    /// Live objects of `resource` (only `namespace` when non-nil), sorted by (namespace, name),
    /// strictly after `continueAfter`, at most `limit` (nil or <= 0: all); and how many live
    /// objects of that range follow the last one returned (counted from the sorted keys, not read).
    mutating func list(
        resource: String, namespace: String?, continueAfter: ObjectKey?, limit: Int?
    ) -> (items: [StoredObject], remaining: Int) {
        guard var bucket = buckets.removeValue(forKey: resource) else { return ([], 0) }
        bucket.ensureSorted()
        defer { buckets[resource] = bucket }
        var start = 0
        var end = bucket.keys.count
        if let namespace {
            start = bucket.lowerBound(ObjectKey(resource: resource, namespace: namespace, name: ""))
            // Namespaces are DNS labels: none holds a NUL, so this key sorts after all of `namespace`'s.
            end = bucket.lowerBound(ObjectKey(resource: resource, namespace: namespace + "\u{0}", name: ""))
        }
        if let continueAfter {
            start = max(start, bucket.upperBound(continueAfter))
        }
        let cap = (limit ?? 0) > 0 ? (limit ?? 0) : Int.max
        let stop = start + min(cap, max(0, end - start))
        var items: [StoredObject] = []
        items.reserveCapacity(stop - start)
        for index in start..<stop {
            if let object = bucket.objects[bucket.keys[index]] { items.append(object) }
        }
        return (items, max(0, end - stop))
    }
}
