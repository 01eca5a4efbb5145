import EdgeAIAPI
import EdgeSync

typealias Instant = ContinuousClock.Instant

/// A dataset as the API would serve it: full identity, on `node`.
func dataset(
    _ name: String, namespace: String = "default", node: String, uid: String? = nil, rv: String = "1",
    dataUrl: String = "/data/x.txt"
) -> Dataset {
    var meta = ObjectMeta(name: name, namespace: namespace)
    meta.uid = uid ?? "uid-\(namespace)-\(name)"
    meta.resourceVersion = rv
    meta.generation = 1
    return Dataset(metadata: meta, spec: DatasetSpec(dataUrl: dataUrl, format: "txt", nodeName: node))
}

func model(_ name: String, namespace: String = "default", uid: String? = nil, rv: String = "1") -> Model {
    var meta = ObjectMeta(name: name, namespace: namespace)
    meta.uid = uid ?? "uid-model-\(namespace)-\(name)"
    meta.resourceVersion = rv
    return Model(metadata: meta, spec: ModelSpec(modelUrl: "/models/\(name).onnx", format: "onnx"))
}

func datasetReport(_ id: String, _ object: Dataset, samples: Int64 = 10) -> StatusReport {
    StatusReport(
        reportID: id, ref: SyncObject.dataset(object).ref,
        status: .dataset(DatasetStatus(numberOfSamples: samples, updateTime: Time(rfc3339: "2026-01-02T03:04:05Z"))))
}

extension Array where Element == HubSession<Instant>.Action {
    /// The frames sent, in order.
    var sent: [CloudToEdge] {
        compactMap { if case .send(let message) = $0 { return message } else { return nil } }
    }
    var writes: [StatusWrite] {
        compactMap { if case .writeStatus(let write) = $0 { return write } else { return nil } }
    }
    var closeError: ProtocolError? {
        lazy.compactMap { if case .close(let error) = $0 { return error } else { return nil } }.first
    }
    var deliveries: [ObjectRef] {
        compactMap { if case .delivered(let ref) = $0 { return ref } else { return nil } }
    }
    var refusals: [RefusedReport] {
        compactMap { if case .refused(let refused) = $0 { return refused } else { return nil } }
    }
    var results: [ReportResult] {
        sent.compactMap { if case .reportResult(let result) = $0 { return result } else { return nil } }
    }
}

extension Array where Element == EdgeLink<Instant>.Action {
    var sent: [EdgeToCloud] {
        compactMap { if case .send(let message) = $0 { return message } else { return nil } }
    }
    var transitions: [EdgeLink<Instant>.Transition] {
        compactMap { if case .transition(let transition) = $0 { return transition } else { return nil } }
    }
    var reconnectDelay: Duration? {
        lazy.compactMap { if case .reconnect(let delay) = $0 { return delay } else { return nil } }.first
    }
    var closeError: ProtocolError? {
        lazy.compactMap { if case .close(let error) = $0 { return error } else { return nil } }.first
    }
}

extension CloudToEdge {
    var upsertedObject: SyncObject? { if case .upsert(let object, _) = self { object } else { nil } }
    var deletedRef: ObjectRef? { if case .delete(let ref, _) = self { ref } else { nil } }
}
