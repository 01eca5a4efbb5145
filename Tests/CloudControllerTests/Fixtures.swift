import EdgeAIAPI
import EdgeSync

func makeDataset(_ name: String, node: String, namespace: String = "default", dataUrl: String = "/data/x.txt") -> Dataset {
    Dataset(metadata: ObjectMeta(name: name, namespace: namespace), spec: DatasetSpec(dataUrl: dataUrl, format: "txt", nodeName: node))
}

func makeModel(_ name: String, namespace: String = "default") -> Model {
    Model(metadata: ObjectMeta(name: name, namespace: namespace), spec: ModelSpec(modelUrl: "/models/\(name).onnx", format: "onnx"))
}

func datasetReport(_ id: String, _ dataset: Dataset, samples: Int64) -> StatusReport {
    StatusReport(
        reportID: id, ref: SyncObject.dataset(dataset).ref,
        status: .dataset(DatasetStatus(numberOfSamples: samples, updateTime: Time(rfc3339: "2026-01-02T03:04:05Z"))))
}

