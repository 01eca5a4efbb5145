package import ServiceLifecycle

/// Runs `group` until it ends by itself (a signal, an error: returns `nil` or throws), or until
/// the watched credential files change or `deadline` passes; then it shuts `group` down
/// gracefully, waits for it, and returns the change so the caller starts again with the new
/// files. This is how `edgeai cloud` and `edgeai edge` reload a key, token or CA without a
/// process restart (edge connections close with `goingAway` and reconnect at once).
package func runUntilCredentialsChange(
    _ group: ServiceGroup, watch: CredentialWatch, baseline: CredentialWatch.Snapshot, deadline: ContinuousClock.Instant? = nil
) async throws -> CredentialWatch.Change? {
    try await withThrowingTaskGroup(of: CredentialWatch.Change?.self) { tasks in
        tasks.addTask {
            try await group.run()
            return nil
        }
        tasks.addTask { try await watch.wait(from: baseline, until: deadline) }
        guard let change = try await tasks.next() ?? nil else {
            tasks.cancelAll()
            return nil
        }
        await group.triggerGracefulShutdown()
        while try await tasks.next() != nil {}
        return change
    }
}
