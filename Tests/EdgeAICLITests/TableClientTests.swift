import EdgeAIAPI
import Foundation
import JSON
import KubeClient
import Testing

/// `KubeClient`'s table requests (what `edgeai get` prints from): server-defined columns, pages
/// joined, watch events carrying one-row tables.
@Suite(.serialized, .timeLimit(.minutes(5)))
struct TableClientTests {
    @Test func listTableJoinsPagesAndKeepsThePrinterColumns() async throws {
        try await withCluster { _, client in
            for i in 0..<7 {
                _ = try await client.create(Dataset(
                    metadata: ObjectMeta(name: "d\(i)", namespace: "default"), spec: DatasetSpec(dataUrl: "/d\(i)", format: "txt", nodeName: "edge0")))
            }
            let table = try await client.listTable(Dataset.resourceType, namespace: "default", options: ListOptions(limit: 3))
            let printerColumns = EdgeAICRDs.dataset.spec.versions.first?.additionalPrinterColumns?.map(\.name) ?? []
            #expect(table.columnDefinitions.map(\.name) == ["Name"] + printerColumns)
            #expect(printerColumns == ["NumberOfSamples", "Node", "spec", "Unreachable", "Age"])
            #expect(table.rows.map { $0.cells.first } == (0..<7).map { .string("d\($0)") })
            #expect(table.metadata.continue == nil)
            #expect(table.rows.first?.object?["metadata"]?["namespace"] == "default")

            let one = try await client.getTable(Dataset.resourceType, namespace: "default", name: "d3")
            #expect(one.rows.count == 1 && one.rows.first?.cells[2] == "edge0")
            await #expect(throws: KubeError.self) { try await client.getTable(Dataset.resourceType, namespace: "default", name: "nope") }

            let version = try await client.getPath("/version")
            #expect(version["gitVersion"]?.stringValue?.hasPrefix("v1.") == true)
        }
    }

    @Test func watchTableEventsCarryOneRowTables() async throws {
        try await withCluster { _, client in
            let start = try await client.listTable(Model.resourceType, namespace: "default")
            let stream = try await client.watchTable(
                Model.resourceType, namespace: "default", options: ListOptions(resourceVersion: start.metadata.resourceVersion))
            _ = try await client.create(Model(metadata: ObjectMeta(name: "resnet", namespace: "default"), spec: ModelSpec(modelUrl: "/m")))
            var iterator = stream.makeAsyncIterator()
            guard case .added(let object)? = try await iterator.next() else {
                Issue.record("expected ADDED")
                return
            }
            let table = try KubeJSON.decode(Table.self, from: object)
            #expect(table.rows.count == 1 && table.rows.first?.cells.first == "resnet")
        }
    }
}
