@testable import Dashboard
import JSON
import Foundation
import Testing

/// Rows, pages and escaping: hostile API text never becomes markup; queries are bounded; a page
/// holds at most its limit whatever the collection's size.
struct RenderingTests {
    static let hostile = #"<script>alert("x")</script>' onmouseover='alert(1)`&amp;"#

    static func dataset(_ name: String, samples: Int64? = nil, dataUrl: String = "/data/a.txt", labels: [String: JSONValue] = [:]) -> JSONValue {
        var status: [String: JSONValue] = [
            "conditions": [["type": "Ready", "status": "True", "reason": "Counted", "message": .string(hostile)]]
        ]
        if let samples { status["numberOfSamples"] = .int(samples) }
        return [
            "apiVersion": "edgeai.io/v1alpha1", "kind": "Dataset",
            "metadata": ["name": .string(name), "namespace": "default", "resourceVersion": "7", "labels": .object(labels)],
            "spec": ["dataUrl": .string(dataUrl), "format": "txt", "nodeName": .string(Self.hostile)],
            "status": .object(status),
        ]
    }

    static func list(_ items: [JSONValue], continue token: String? = nil) -> JSONValue {
        var metadata: [String: JSONValue] = ["resourceVersion": "42"]
        if let token { metadata["continue"] = .string(token) }
        return ["kind": "DatasetList", "metadata": .object(metadata), "items": .array(items)]
    }

    @Test func escapingLeavesNoMarkup() {
        let escaped = HTML.escape(Self.hostile)
        for character in ["<", ">", "\"", "'", "`"] { #expect(!escaped.contains(character)) }
        #expect(escaped.contains("&lt;script&gt;"))
        #expect(escaped.contains("&amp;amp;"))
        #expect(HTML.escape("a\u{0}b\u{1B}c") == "a\u{FFFD}b\u{FFFD}c")
        #expect(HTML.queryComponent("a b&c=d/é") == "a%20b%26c%3Dd%2F%C3%A9")
    }

    @Test func hostileValuesInEveryPageAreEscaped() {
        let event: JSONValue = [
            "metadata": ["name": "e1", "namespace": "default"], "type": "Warning", "reason": .string(Self.hostile),
            "message": .string(Self.hostile), "lastTimestamp": "2026-01-01T00:00:00Z",
            "involvedObject": ["kind": "Dataset", "namespace": "default", "name": .string(Self.hostile)],
        ]
        let node: JSONValue = [
            "metadata": ["name": "edge0", "labels": ["site": .string(Self.hostile)]],
            "status": ["phase": .string(Self.hostile), "agentVersion": .string(Self.hostile)],
        ]
        let model: JSONValue = [
            "metadata": ["name": "m", "namespace": "default"], "spec": ["modelUrl": .string(Self.hostile)],
            "status": ["nodes": [["nodeName": .string(Self.hostile), "present": false, "message": .string(Self.hostile)]],
                       "metrics": [["key": .string(Self.hostile), "value": "0.9"]]],
        ]
        let cases: [(PageKind, JSONValue)] = [
            (.datasets, Self.dataset("d", dataUrl: Self.hostile, labels: ["x": .string(Self.hostile)])), (.events, event), (.fleet, node), (.models, model),
        ]
        for (kind, object) in cases {
            let page = PageFetcher.Page(rows: [kind.row(object)], next: Self.hostile, resourceVersion: Self.hostile, scanned: 1)
            var query = PageQuery()
            query.labelSelector = Self.hostile
            query.prefix = Self.hostile
            let html = Renderer.list(kind: kind, page: page, query: query, user: Self.hostile)
            #expect(!html.contains("<script>alert"), "\(kind.id)")
            #expect(!html.contains("' onmouseover"), "\(kind.id)")
            #expect(!html.contains("\" onmouseover"), "\(kind.id)")
            #expect(!html.contains("<script>a"), "\(kind.id)")
            // The only scripts are the page's own file.
            #expect(html.components(separatedBy: "<script").count == 2, "\(kind.id)")
        }
        let yaml = Renderer.yaml(kind: .datasets, namespace: "default", name: "d", user: "u", text: Self.hostile)
        #expect(!yaml.contains("<script>alert"))
        #expect(!Renderer.login(error: Self.hostile).contains("<script>alert"))
    }

    @Test func aDatasetRowCarriesWhatThePageShows() {
        let row = PageKind.datasets.row(Self.dataset("cats", samples: 120))
        #expect(row.key == "default/cats")
        #expect(row.samples == 120)
        #expect(row.cells["samples"] == "120")
        #expect(row.cells["ready"] == "True Counted")
        #expect(row.cells["reachable"] == "True")
        #expect(row.yamlPath == "/ui/yaml/datasets/default/cats")
        let json = JSONWriter.string(row.json)
        // What the live stream sends is JSON with markup characters escaped.
        #expect(!JSONWriter.string(PageKind.datasets.row(Self.dataset("x")).json).contains("<"))
        #expect(json.contains(#""samples":120"#))

        var offline = Self.dataset("d")
        offline["status"]?["conditions"] = [["type": "NodeReachable", "status": "False", "reason": "NodeOffline"]]
        #expect(PageKind.datasets.row(offline).cells["reachable"] == "False NodeOffline")
    }

    @Test func aModelRowChartsItsFirstNumericMetric() {
        let model: JSONValue = [
            "metadata": ["name": "m", "namespace": "default"], "spec": ["modelUrl": "/models/m.pb"],
            "status": ["nodes": [["nodeName": "edge0", "present": true, "sizeBytes": 10], ["nodeName": "edge1", "present": false]],
                       "metrics": [["key": "stage", "value": "beta"], ["key": "accuracy", "value": "0.93"]]],
        ]
        let row = PageKind.models.row(model)
        #expect(row.point == 0.93)
        #expect(row.delivered?.done == 1 && row.delivered?.total == 2)
        #expect(row.cells["metrics"] == "stage=beta, accuracy=0.93")
        let html = Renderer.row(.models, row)
        #expect(html.contains("data-v=\"0.93\""))
        #expect(html.contains("<progress value=\"1\" max=\"2\">"))
    }

    /// A remote model's per-node delivery: phase, progress and why it failed; its digest shortened.
    @Test func aRemoteModelRowShowsEachNodesDeliveryAndTheDigest() {
        let digest = "sha256:" + String(repeating: "ab", count: 32)
        let model: JSONValue = [
            "metadata": ["name": "m", "namespace": "default"], "spec": ["modelUrl": "s3://b/m.onnx", "digest": .string(digest)],
            "status": ["nodes": [
                ["nodeName": "edge0", "phase": "Ready", "bytesDone": 400, "bytesTotal": 400],
                ["nodeName": "edge1", "phase": "Downloading", "bytesDone": 100, "bytesTotal": 400],
                ["nodeName": "edge2", "phase": "Failed", "reason": "DigestMismatch"],
            ]],
        ]
        let row = PageKind.models.row(model)
        #expect(row.cells["digest"] == "sha256:abababababab")
        #expect(row.delivered?.done == 1 && row.delivered?.total == 3)
        #expect(row.cells["nodes"] == "edge0: Ready; edge1: Downloading 25 % (100 of 400 B); edge2: Failed DigestMismatch")
    }

    @Test func queriesAreBounded() throws {
        #expect(try PageQuery(items: []).limit == 100)
        #expect(try PageQuery(items: [("limit", "500"), ("namespace", "team-a")]).namespace == "team-a")
        #expect(throws: PageQuery.Invalid.self) { try PageQuery(items: [("limit", "501")]) }
        #expect(throws: PageQuery.Invalid.self) { try PageQuery(items: [("limit", "0")]) }
        #expect(throws: PageQuery.Invalid.self) { try PageQuery(items: [("namespace", "../x")]) }
        #expect(throws: PageQuery.Invalid.self) { try PageQuery(items: [("labelSelector", String(repeating: "a", count: 1025))]) }
        let form = FormItems.parse("token=abc%2Bdef+ghi&x=%zz&code=")
        #expect(form.count == 3)
        #expect(form[0] == ("token", "abc+def ghi"))
        #expect(form[1].1 == "%zz")
        #expect(FormItems.parse(String(repeating: "a=b&", count: 100)).count == FormItems.maximumItems)
    }

    @Test func aPageHoldsAtMostItsLimit() async throws {
        var query = PageQuery()
        query.limit = 3
        var asked: [Int] = []
        let page = try await PageFetcher.fetch(kind: .datasets, query: query) { limit, _ in
            asked.append(limit)
            // A server that ignores the limit must not make the page bigger.
            return Self.list((0..<10).map { Self.dataset("d\($0)") }, continue: "next")
        }
        #expect(page.rows.count == 3)
        #expect(page.next == "next")
        #expect(page.resourceVersion == "42")
        #expect(asked == [3])
    }

    @Test func aPrefixScansPagesAskingOnlyForWhatIsMissing() async throws {
        // 1,000 objects, every 100th matching: 10 matches spread over the collection.
        let names = (0..<1000).map { $0 % 100 == 0 ? "keep-\($0)" : "skip-\($0)" }
        var query = try PageQuery(items: [("prefix", "keep-"), ("limit", "5")])
        var calls = 0
        let fetch: (Int, String?) async throws -> JSONValue = { limit, token in
            calls += 1
            let offset = Int(token ?? "0") ?? 0
            let slice = names[offset..<min(names.count, offset + limit)]
            let next = offset + limit < names.count ? String(offset + limit) : nil
            return Self.list(slice.map { Self.dataset($0) }, continue: next)
        }
        let first = try await PageFetcher.fetch(kind: .datasets, query: query, list: fetch)
        #expect(first.rows.allSatisfy { $0.name.hasPrefix("keep-") })
        #expect(calls <= PageFetcher.maximumCalls)
        // Following `next` never skips a match and never repeats one.
        var seen = first.rows.map(\.name)
        var next = first.next
        while let token = next {
            query.continue = token
            calls = 0
            let page = try await PageFetcher.fetch(kind: .datasets, query: query, list: fetch)
            #expect(page.rows.count <= 5)
            seen += page.rows.map(\.name)
            next = page.next
        }
        #expect(seen == names.filter { $0.hasPrefix("keep-") })
    }

    @Test func eventsAreNewestFirst() async throws {
        let events: [JSONValue] = ["2026-01-01T00:00:02Z", "2026-01-01T00:00:09Z", "2026-01-01T00:00:05Z"].enumerated().map { index, time in
            ["metadata": ["name": .string("e\(index)"), "namespace": "default"], "lastTimestamp": .string(time)]
        }
        let page = try await PageFetcher.fetch(kind: .events, query: PageQuery()) { _, _ in Self.list(events) }
        #expect(page.rows.map(\.name) == ["e1", "e2", "e0"])
    }
}
