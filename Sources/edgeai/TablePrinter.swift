import EdgeAIAPI
import JSON

/// Renders a server-side ``Table`` as `kubectl get` does: upper-cased headers, columns padded to
/// the widest cell plus three spaces, priority > 0 columns only when `wide`, a leading NAMESPACE
/// column for `--all-namespaces`, `<none>` for empty cells. Pure.
struct TablePrinter: Sendable {
    var wide = false
    var withNamespace = false

    /// Indices of the columns shown.
    func visibleColumns(_ table: Table) -> [Int] {
        table.columnDefinitions.indices.filter { wide || table.columnDefinitions[$0].priority == 0 }
    }

    func headers(_ table: Table) -> [String] {
        (withNamespace ? ["NAMESPACE"] : []) + visibleColumns(table).map { table.columnDefinitions[$0].name.uppercased() }
    }

    func cells(_ row: TableRow, columns: [Int]) -> [String] {
        var out: [String] = []
        if withNamespace { out.append(row.object?["metadata"]?["namespace"]?.stringValue ?? "") }
        for index in columns {
            out.append(index < row.cells.count ? Self.cell(row.cells[index]) : "<none>")
        }
        return out
    }

    /// The whole table with its header line; empty when there are no rows.
    func render(_ table: Table) -> String {
        guard !table.rows.isEmpty else { return "" }
        let columns = visibleColumns(table)
        return Self.align([headers(table)] + table.rows.map { cells($0, columns: columns) })
    }

    /// Rows of a watch event aligned to `widths` (the initial table's), so a stream lines up.
    func renderRows(_ table: Table, widths: [Int]) -> String {
        let columns = visibleColumns(table)
        return table.rows.map { Self.line(cells($0, columns: columns), widths: widths) }.joined()
    }

    /// Column widths of `lines` (the widest cell per column).
    static func widths(_ lines: [[String]]) -> [Int] {
        var widths: [Int] = []
        for line in lines {
            for (i, cell) in line.enumerated() {
                if i >= widths.count { widths.append(0) }
                widths[i] = max(widths[i], cell.count)
            }
        }
        return widths
    }

    static func align(_ lines: [[String]]) -> String {
        let widths = widths(lines)
        return lines.map { line($0, widths: widths) }.joined()
    }

    /// One line: each cell but the last padded to its column's width plus 3 spaces.
    static func line(_ cells: [String], widths: [Int]) -> String {
        var text = ""
        for (i, cell) in cells.enumerated() {
            text += cell
            if i < cells.count - 1 {
                let width = i < widths.count ? widths[i] : cell.count
                text += String(repeating: " ", count: max(width - cell.count, 0) + 3)
            }
        }
        return text + "\n"
    }

    /// A cell as kubectl prints it.
    static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: "<none>"
        case .string(let s): s.isEmpty ? "" : s
        case .int(let i): String(i)
        case .double(let d): d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): b ? "true" : "false"
        case .array, .object: JSONWriter.string(value)
        }
    }
}
