import EdgeAIAPI
import Foundation
import JSON

/// Server-side `Table` output built from a kind's printer columns, as kube-apiserver does for
/// custom resources: first column `Name`, then the printer columns; each row carries the
/// object's metadata as a `PartialObjectMetadata`. Pure apart from the clock for ages.
struct TableConverter: Sendable {
    let definition: ResourceDefinition

    static let nameDescription = "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names"

    var columnDefinitions: JSONValue {
        var columns: [JSONValue] = [[
            "name": "Name", "type": "string", "format": "name", "description": .string(Self.nameDescription), "priority": 0,
        ]]
        for c in definition.printerColumns {
            columns.append([
                "name": .string(c.name), "type": .string(c.type), "format": .string(c.format ?? ""),
                "description": .string(c.description ?? ""), "priority": .int(Int64(c.priority ?? 0)),
            ])
        }
        return .array(columns)
    }

    func table(objects: [JSONValue], resourceVersion: String, continueToken: String? = nil, remaining: Int? = nil, now: Date = Date()) -> JSONValue {
        var metadata: [String: JSONValue] = ["resourceVersion": .string(resourceVersion)]
        if let continueToken { metadata["continue"] = .string(continueToken) }
        if let remaining { metadata["remainingItemCount"] = .int(Int64(remaining)) }
        return [
            "kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": .object(metadata),
            "columnDefinitions": columnDefinitions,
            "rows": .array(objects.map { row($0, now: now) }),
        ]
    }

    func row(_ object: JSONValue, now: Date) -> JSONValue {
        var cells: [JSONValue] = [object["metadata"]?["name"] ?? .null]
        let secret = SecretStrategy.isSecret(definition)
        for c in definition.printerColumns {
            if secret, c.name == "Data" {
                cells.append(.int(Int64(object["data"]?.objectValue?.count ?? 0)))  // kube's DATA: a count, never values
                continue
            }
            cells.append(cell(JSONPathLite.evaluate(c.jsonPath, in: object), type: c.type, now: now))
        }
        let metadata = secret ? SecretStrategy.redactedMetadata(object["metadata"]) : object["metadata"]
        return [
            "cells": .array(cells),
            "object": ["kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1", "metadata": metadata ?? .object([:])],
        ]
    }

    func cell(_ value: JSONValue?, type: String, now: Date) -> JSONValue {
        guard let value, value != .null else { return .null }
        switch (type, value) {
        case ("date", .string(let s)):
            guard let t = Time(rfc3339: s) else { return value }
            return .string(Self.humanDuration(now.timeIntervalSince(t.date)))
        case (_, .object), (_, .array):
            return .string(JSONWriter.string(value))
        case ("string", .int), ("string", .double), ("string", .bool):
            return .string(JSONWriter.string(value))
        default:
            return value
        }
    }

    /// apimachinery's `duration.HumanDuration`: `5s`, `3m20s`, `25m`, `2h5m`, `3d4h`, `40d`, `2y10d`.
    static func humanDuration(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded(.down))
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 120 { return "\(seconds)s" }
        let minutes = seconds / 60
        if minutes < 10 {
            let s = seconds % 60
            return s == 0 ? "\(minutes)m" : "\(minutes)m\(s)s"
        }
        if minutes < 180 { return "\(minutes)m" }
        let hours = minutes / 60
        if hours < 8 {
            let m = minutes % 60
            return m == 0 ? "\(hours)h" : "\(hours)h\(m)m"
        }
        if hours < 48 { return "\(hours)h" }
        if hours < 192 {
            let h = hours % 24
            return h == 0 ? "\(hours / 24)d" : "\(hours / 24)d\(h)h"
        }
        if hours < 24 * 365 * 2 { return "\(hours / 24)d" }
        if hours < 24 * 365 * 8 {
            let d = (hours / 24) % 365
            return d == 0 ? "\(hours / 24 / 365)y" : "\(hours / 24 / 365)y\(d)d"
        }
        return "\(hours / 24 / 365)y"
    }
}

/// The subset of kubectl JSONPath printer columns use: `.a.b`, `.a[0].b`, `{.a.b}`, and a
/// filter on a list `.a[?(@.type=="Ready")].b` (the first match, as lists of conditions have one).
enum JSONPathLite {
    static func evaluate(_ path: String, in object: JSONValue) -> JSONValue? {
        var p = Substring(path)
        if p.hasPrefix("{"), p.hasSuffix("}") { p = p.dropFirst().dropLast() }
        var current: JSONValue? = object
        while !p.isEmpty {
            if p.hasPrefix(".") {
                p = p.dropFirst()
                let end = p.firstIndex { $0 == "." || $0 == "[" } ?? p.endIndex
                let name = p[..<end]
                if !name.isEmpty { current = current?[String(name)] }
                p = p[end...]
            } else if p.hasPrefix("[?(@."), let close = p.range(of: ")]") {
                let filter = p[p.index(p.startIndex, offsetBy: 5)..<close.lowerBound]
                p = p[close.upperBound...]
                guard let eq = filter.range(of: "=="), let a = current?.arrayValue else { return nil }
                let key = String(filter[..<eq.lowerBound])
                let value = String(filter[eq.upperBound...].trimmingCharacters(in: CharacterSet(charactersIn: "\"'")))
                current = a.first { $0[key]?.stringValue == value }
            } else if p.hasPrefix("["), let close = p.firstIndex(of: "]") {
                let index = Int(p[p.index(after: p.startIndex)..<close])
                p = p[p.index(after: close)...]
                guard let index, let a = current?.arrayValue, a.indices.contains(index) else { return nil }
                current = a[index]
            } else {
                let end = p.firstIndex { $0 == "." || $0 == "[" } ?? p.endIndex
                current = current?[String(p[..<end])]
                p = p[end...]
            }
            if current == nil { return nil }
        }
        return current
    }
}
