package import EdgeSync

/// A monitor that looks at its datasets one request at a time: ``requestLook(at:waiter:)``
/// queues a look at `key` (or one more after the look in flight) and resumes `waiter` once that
/// look reached the sink, was abandoned or will not start. The rescans of every monitor are
/// built on it.
package protocol LookScheduling: Actor {
    var trackedKeys: [SyncKey] { get }
    func requestLook(at key: SyncKey, waiter: CheckedContinuation<Void, Never>?)
}

extension LookScheduling {
    /// Looks at every tracked dataset now; with `wait`, returns once each of those looks reached
    /// the sink (or was abandoned, or is backing off).
    package func rescanAll(wait: Bool = true) async {
        let keys = trackedKeys
        guard wait else {
            for key in keys { requestLook(at: key, waiter: nil) }
            return
        }
        await withTaskGroup(of: Void.self) { group in
            for key in keys {
                group.addTask { await self.lookAndWait(at: key) }
            }
        }
    }

    private func lookAndWait(at key: SyncKey) async {
        await withCheckedContinuation { requestLook(at: key, waiter: $0) }
    }
}
