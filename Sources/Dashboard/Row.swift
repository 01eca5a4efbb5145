import JSON

/// One object as a table row: what the page renders and what the live stream sends, built by the
/// same code so a live update can never show more (or other) fields than the first render.
/// All strings are raw API text: the renderer escapes them (HTML), the stream sends them as JSON
/// (the page's script sets them with `textContent`).
struct Row: Sendable, Equatable {
    /// `namespace/name` (or `name` for cluster-scoped objects): the row's identity on the page.
    var key: String
    var name: String
    var namespace: String?
    /// Cell text by column id.
    var cells: [String: String]
    /// The path of the object's read-only YAML page.
    var yamlPath: String
    /// Datasets: the sample count, the point the page's sparkline adds.
    var samples: Int64?
    /// The value the row's sparkline adds: a dataset's sample count, a model's first numeric metric.
    var point: Double?
    /// Models: nodes holding the model out of nodes it is placed on (the progress bar).
    var delivered: (done: Int, total: Int)?
    /// EdgeNodes: the phase (the timeline notes its changes).
    var phase: String?
    /// Events: the object the event is about, as a link to its YAML page.
    var link: (text: String, path: String)?

    static func == (lhs: Row, rhs: Row) -> Bool {
        lhs.key == rhs.key && lhs.cells == rhs.cells && lhs.yamlPath == rhs.yamlPath && lhs.samples == rhs.samples
            && lhs.point == rhs.point
            && lhs.delivered?.done == rhs.delivered?.done && lhs.delivered?.total == rhs.delivered?.total
            && lhs.phase == rhs.phase && lhs.link?.text == rhs.link?.text && lhs.link?.path == rhs.link?.path
    }

    /// The row as the live stream sends it.
    var json: JSONValue {
        var object: [String: JSONValue] = [
            "key": .string(key), "yaml": .string(yamlPath),
            "cells": .object(cells.mapValues { .string($0) }),
        ]
        if let samples { object["samples"] = .int(samples) }
        if let point, point.isFinite { object["point"] = .double(point) }
        if let delivered { object["delivered"] = ["done": .int(Int64(delivered.done)), "total": .int(Int64(delivered.total))] }
        if let phase { object["phase"] = .string(phase) }
        if let link { object["link"] = ["text": .string(link.text), "path": .string(link.path)] }
        return .object(object)
    }
}
