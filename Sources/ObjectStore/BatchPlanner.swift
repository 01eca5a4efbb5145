/// Applies a batch of write operations to the current state, in order, without I/O.
///
/// Each operation sees the effects of the earlier ones in the same batch (so a batch is exactly
/// equivalent to running its operations one by one), gets the next revision when it changes
/// something, and fails alone (its callback threw, conflict, not found, too large) without
/// consuming a revision. Nothing is applied to the store until the rows are committed.
struct BatchPlanner {
    struct Plan {
        var rows: [LogRow] = []
        var events: [StoreEvent] = []
        /// One result per operation, in order.
        var results: [Result<StoredObject, any Error>] = []
        var lastRevision: Int64
        var callbackTime: Duration = .zero
    }

    var maxValueSize: Int
    var timeMillis: Int64

    func plan(
        _ operations: [WriteOperation], after revision: Int64, current: (ObjectKey) -> StoredObject?
    ) -> Plan {
        var plan = Plan(lastRevision: revision)
        // Effects of earlier operations in this batch: .some(nil) = deleted.
        var overlay: [ObjectKey: StoredObject?] = [:]
        let clock = ContinuousClock()
        for operation in operations {
            let key = operation.key
            let existing: StoredObject? = if let staged = overlay[key] { staged } else { current(key) }
            let next = plan.lastRevision + 1
            do {
                try Self.validate(key)
                switch operation {
                case .create(_, let makeValue):
                    if existing != nil { throw StoreError.alreadyExists(key) }
                    let start = clock.now
                    defer { plan.callbackTime += clock.now - start }
                    let value = try makeValue(next)
                    try checkSize(value, key)
                    let object = StoredObject(key: key, revision: next, createRevision: next, value: value)
                    append(&plan, &overlay, LogRow(
                        revision: next, key: key, kind: .created, createRevision: next, previousRevision: 0,
                        value: value, timeMillis: timeMillis
                    ), StoreEvent(type: .added, object: object, previous: nil))
                case .update(_, let expected, let transform):
                    guard let existing else { throw StoreError.notFound(key) }
                    if let expected, expected != existing.revision {
                        throw StoreError.conflict(key, expected: expected, actual: existing.revision)
                    }
                    let start = clock.now
                    defer { plan.callbackTime += clock.now - start }
                    guard let value = try transform(existing, next) else {
                        plan.results.append(.success(existing))
                        continue
                    }
                    try checkSize(value, key)
                    let object = StoredObject(
                        key: key, revision: next, createRevision: existing.createRevision, value: value
                    )
                    append(&plan, &overlay, LogRow(
                        revision: next, key: key, kind: .updated, createRevision: existing.createRevision,
                        previousRevision: existing.revision, value: value, timeMillis: timeMillis
                    ), StoreEvent(type: .modified, object: object, previous: existing))
                case .delete(_, let expected):
                    guard let existing else { throw StoreError.notFound(key) }
                    if let expected, expected != existing.revision {
                        throw StoreError.conflict(key, expected: expected, actual: existing.revision)
                    }
                    var tombstone = existing
                    tombstone.revision = next
                    append(&plan, &overlay, LogRow(
                        revision: next, key: key, kind: .deleted, createRevision: existing.createRevision,
                        previousRevision: existing.revision, value: existing.value, timeMillis: timeMillis
                    ), StoreEvent(type: .deleted, object: tombstone, previous: existing))
                    // The caller gets the object as it was, with the delete's revision.
                }
            } catch {
                plan.results.append(.failure(error))
            }
        }
        return plan
    }

    private func append(
        _ plan: inout Plan, _ overlay: inout [ObjectKey: StoredObject?], _ row: LogRow, _ event: StoreEvent
    ) {
        plan.rows.append(row)
        plan.events.append(event)
        plan.lastRevision = row.revision
        plan.results.append(.success(event.object))
        overlay[row.key] = event.type == .deleted ? .some(nil) : .some(event.object)
    }

    private func checkSize(_ value: [UInt8], _ key: ObjectKey) throws {
        if value.count > maxValueSize {
            throw StoreError.tooLarge(key, size: value.count, limit: maxValueSize)
        }
    }

    static func validate(_ key: ObjectKey) throws {
        if key.resource.isEmpty { throw StoreError.invalidKey(key, reason: "resource is empty") }
        if key.name.isEmpty { throw StoreError.invalidKey(key, reason: "name is empty") }
    }
}
