package import EdgeAIAPI
package import EdgeSync
import RemoteStore

extension EdgeNode {
    /// A metric key or value that cannot be reported.
    package struct MetricsError: Error, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// Looks at a model's file now and reports its presence when it changed or the heartbeat is due.
    func checkModel(_ key: SyncKey) async {
        guard let before = held[key], case .model(let model) = before.object else { return }
        if let delivery, RemoteLocation.isRemote(model.spec.modelUrl) {
            await delivery.deliver(key, url: model.spec.modelUrl, digest: model.spec.digest, credentialName: model.spec.credentialName)
            return
        }
        await delivery?.forget(key)
        monitor.metrics.modelChecked()
        let (probe, url, nodeName, uid) = (probe, model.spec.modelUrl, nodeName, before.object.uid)
        // The stat runs on the scan pool: a hung mount never blocks this actor.
        guard let (status, path) = await monitor.offActor({ probe.probe(modelUrl: url, nodeName: nodeName, now: Time.now()) }),
            let entry = held[key], entry.object.uid == uid
        else { return }
        held[key]?.path = path
        let now = ContinuousClock.now
        let heartbeat = entry.lastReport.map { now - $0 >= heartbeatInterval } ?? true
        guard status.differsInSubstance(from: entry.local.reportedModelNode) || heartbeat else { return }
        await reportModel(key, metrics: entry.local.metrics, node: status, at: now)
    }

    /// The delivery's sink: reports the model's new delivery state on this node when it changed
    /// in substance (progress comes throttled by ``ModelDelivery``).
    package func deliveryChanged(_ key: SyncKey, _ state: ModelDelivery.State) async {
        guard let entry = held[key], case .model = entry.object else { return }
        held[key]?.path = state.path
        delivered[key] = state
        let status = ModelNodeStatus(
            nodeName: nodeName, present: state.path != nil, sizeBytes: state.phase == .ready ? state.bytesTotal : nil,
            updateTime: Time.now(), message: state.message, phase: state.phase.rawValue, bytesDone: state.bytesDone,
            bytesTotal: state.bytesTotal, digest: state.digest, reason: state.phase == .failed ? state.reason : nil)
        guard status.differsInSubstance(from: entry.local.reportedModelNode) else { return }
        await reportModel(key, metrics: entry.local.metrics, node: status, at: ContinuousClock.now)
    }

    /// Looks at every model again (the agent's periodic safety net).
    package func checkModels() async {
        for key in held.keys.sorted() where key.kind == .model { await checkModel(key) }
    }

    /// Merges metrics a job reported for a model (latest value per key) and reports them.
    /// - Returns: the report put into the outbox, or nil when the node holds no such model.
    /// - Throws: ``MetricsError`` for an empty key, or no metrics at all.
    package func reportMetrics(namespace: String, name: String, metrics: [ModelMetric]) async throws -> StatusReport? {
        guard !metrics.isEmpty else { throw MetricsError(description: "metrics: at least one {key, value} is required") }
        if let index = metrics.firstIndex(where: { $0.key.isEmpty }) {
            throw MetricsError(description: "metrics[\(index)].key: Required value")
        }
        let key = SyncKey(kind: .model, namespace: namespace, name: name)
        guard let first = held[key] else { return nil }
        var probed: ModelNodeStatus?
        if first.local.reportedModelNode == nil {
            // Never looked at yet: stat it first, on the scan pool (never in this actor).
            let (probe, url, nodeName) = (probe, modelURL(of: first.object), nodeName)
            probed = await monitor.offActor { probe.probe(modelUrl: url, nodeName: nodeName, now: Time.now()).status }
                ?? ModelNodeStatus(nodeName: nodeName, present: false, updateTime: Time.now(), message: "IOError: no answer from the model's storage")
        }
        // Read after the probe, so the merge starts from the latest metrics held.
        guard let entry = held[key] else { return nil }
        var merged: [String: String] = [:]
        for metric in entry.local.metrics ?? [] { merged[metric.key] = metric.value }
        for metric in metrics { merged[metric.key] = metric.value }
        let all = merged.keys.sorted().compactMap { key in merged[key].map { ModelMetric(key: key, value: $0) } }
        guard let node = entry.local.reportedModelNode ?? probed else { return nil }
        return await reportModel(key, metrics: all, node: node, at: ContinuousClock.now)
    }

    private func modelURL(of object: SyncObject) -> String {
        if case .model(let model) = object { return model.spec.modelUrl }
        return ""
    }

    @discardableResult
    private func reportModel(_ key: SyncKey, metrics: [ModelMetric]?, node: ModelNodeStatus, at now: ContinuousClock.Instant) async -> StatusReport? {
        guard let entry = held[key] else { return nil }
        var local = entry.local
        local.metrics = metrics
        local.reportedModelNode = node
        let report = StatusReport(
            reportID: Self.newReportID(), ref: entry.object.ref,
            status: .model(ModelReport(metrics: metrics, node: node, updateTime: Time.now())))
        return await record(local, for: entry.object.ref, report: report, at: now) ? report : nil
    }
}
