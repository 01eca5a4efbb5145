import EdgeAIAPI

/// The dashboard's HTML, server-rendered. Every API string is escaped (``HTML/escape(_:)``);
/// pages load only `/ui/static/…` (the CSP is `default-src 'self'`): no inline script or style.
enum Renderer {
    /// How many values a dataset's sparkline keeps (the page's script keeps the same bound).
    static let sparklinePoints = 60
    /// How many connects/disconnects the fleet page's timeline keeps.
    static let timelineEntries = 50

    static func layout(title: String, user: String?, active: String?, body: String) -> String {
        let nav =
            user == nil
            ? ""
            : PageKind.all.map { kind in
                "<a href=\"/ui/\(kind.id)\"\(kind.id == active ? " class=\"active\" aria-current=\"page\"" : "")>\(HTML.escape(kind.title))</a>"
            }.joined()
        let account =
            user.map {
                """
                <form method="post" action="/ui/logout" class="logout"><span class="user">\(HTML.escape($0))</span>\
                <button type="submit">Sign out</button></form>
                """
            } ?? ""
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTML.escape(title)) · edgeai</title>
            <link rel="stylesheet" href="/ui/static/dashboard.css">
            <script src="/ui/static/dashboard.js" defer></script>
            </head><body>
            <header><span class="brand">edgeai</span><nav>\(nav)</nav>\(account)</header>
            <main>
            \(body)
            </main></body></html>

            """
    }

    static func login(error: String?) -> String {
        let message = error.map { "<p class=\"error\" role=\"alert\" id=\"login-error\">\(HTML.escape($0))</p>" } ?? ""
        return layout(
            title: "Sign in", user: nil, active: nil,
            body: """
                <section class="login"><h1>Sign in</h1>
                \(message)
                <form method="post" action="/ui/login" id="login-form">
                <label for="token">Bearer token</label>
                <textarea id="token" name="token" rows="3" autocomplete="off" spellcheck="false" required></textarea>
                <button type="submit">Sign in</button>
                </form>
                <p class="hint">The dashboard acts with this token: you see what the API server lets it see.
                <code>edgeai dashboard</code> prints a one-time link instead.</p></section>
                """)
    }

    static func message(title: String, user: String?, text: String) -> String {
        layout(title: title, user: user, active: nil, body: "<h1>\(HTML.escape(title))</h1><p class=\"error\">\(HTML.escape(text))</p>")
    }

    static func yaml(kind: PageKind, namespace: String?, name: String, user: String, text: String) -> String {
        let title = "\(kind.resource.kind) \(namespace.map { "\($0)/" } ?? "")\(name)"
        return layout(
            title: title, user: user, active: kind.id,
            body: """
                <h1>\(HTML.escape(title))</h1>
                <p><a href="/ui/\(kind.id)">← \(HTML.escape(kind.title))</a> · read-only, as <code>kubectl get -o yaml</code> shows it</p>
                <pre class="yaml" id="yaml">\(HTML.escape(text))</pre>
                """)
    }

    /// A list page: filters, the table (one ``Row`` per object, at most the page size), the next
    /// link, and where its live stream starts.
    static func list(kind: PageKind, page: PageFetcher.Page, query: PageQuery, user: String) -> String {
        let stream = "/ui/stream/\(kind.id)?" + HTML.query(query.filterItems + [("resourceVersion", page.resourceVersion)])
        let head = kind.columns.map { "<th scope=\"col\">\(HTML.escape($0.title))</th>" }.joined()
        let body = page.rows.map { row(kind, $0) }.joined(separator: "\n")
        var next = ""
        if let token = page.next {
            next = "<a class=\"next\" id=\"next\" href=\"/ui/\(kind.id)?\(HTML.escape(HTML.query(query.linkItems + [("continue", token)])))\">Next \(query.limit) →</a>"
        }
        let first = query.continue == nil ? "" : "<a href=\"/ui/\(kind.id)?\(HTML.escape(HTML.query(query.linkItems)))\">← First page</a>"
        let scanned = page.scanned > page.rows.count ? " (\(page.scanned) looked at)" : ""
        let extra: String
        switch kind.id {
        case "fleet":
            extra = """
                <section class="timeline"><h2>Connects and disconnects</h2>
                <p class="hint">Seen by this page since it was opened (the last \(timelineEntries)).</p>
                <ol id="timeline" data-max="\(timelineEntries)"></ol></section>
                """
        case "datasets":
            extra = "<p class=\"hint\">Sparklines: the last \(sparklinePoints) sample counts this page has seen since it was opened.</p>"
        case "models":
            extra = "<p class=\"hint\">Charts: each model's first numeric metric, the last \(sparklinePoints) values this page has seen since it was opened.</p>"
        default:
            extra = ""
        }
        return layout(
            title: kind.title, user: user, active: kind.id,
            body: """
                <h1>\(HTML.escape(kind.title))</h1>
                \(filters(kind, query))
                <p class="status"><span id="live" class="live" aria-live="polite">connecting…</span> \
                <span id="count">\(page.rows.count)</span> shown\(scanned) \(first) \(next)</p>
                <div class="scroll"><table id="rows" data-page="\(kind.id)" data-stream="\(HTML.escape(stream))" \
                data-limit="\(query.limit)" data-more="\(page.next == nil ? "false" : "true")" data-spark="\(sparklinePoints)"\
                \(kind.newestFirst ? " data-newest-first=\"true\"" : "")>
                <thead><tr>\(head)</tr></thead>
                <tbody>
                \(body)
                </tbody></table></div>
                <template id="row-template">\(row(kind, nil))</template>
                \(extra)
                """)
    }

    static func filters(_ kind: PageKind, _ query: PageQuery) -> String {
        func field(_ name: String, _ label: String, _ value: String?, _ placeholder: String) -> String {
            """
            <label>\(label) <input name="\(name)" value="\(HTML.escape(value ?? ""))" placeholder="\(placeholder)" \
            autocomplete="off" spellcheck="false"></label>
            """
        }
        var fields = [
            field("prefix", "Name prefix", query.prefix, "edge-"),
            field("labelSelector", "Labels", query.labelSelector, "site=factory-3"),
            field("fieldSelector", "Fields", query.fieldSelector, "metadata.name=…"),
        ]
        if kind.resource.namespaced { fields.insert(field("namespace", "Namespace", query.namespace, "all"), at: 0) }
        return "<form class=\"filters\" method=\"get\" action=\"/ui/\(kind.id)\">\(fields.joined())<button type=\"submit\">Filter</button></form>"
    }

    /// One table row; `nil` renders the empty template the page's script clones for new objects.
    static func row(_ kind: PageKind, _ row: Row?) -> String {
        let cells = kind.columns.map { column -> String in
            let text = HTML.escape(row?.cells[column.id] ?? "")
            let span = "<span data-c=\"\(column.id)\">\(text)</span>"
            switch column.id {
            case "name":
                return "<td><a data-yaml href=\"\(HTML.escape(row?.yamlPath ?? "#"))\">\(span)</a></td>"
            case "samples", "metrics":
                let point = row?.point.map { " data-v=\"\($0)\"" } ?? ""
                return """
                    <td class="num">\(span) <svg class="spark" viewBox="0 0 100 20" preserveAspectRatio="none" \
                    aria-hidden="true"\(point)><polyline points=""></polyline></svg></td>
                    """
            case "delivered":
                let done = row?.delivered?.done ?? 0
                let total = row?.delivered?.total ?? 0
                return "<td><progress value=\"\(done)\" max=\"\(max(total, 1))\"></progress> \(span)</td>"
            case "phase":
                return "<td class=\"phase\" data-phase=\"\(HTML.escape(row?.phase ?? ""))\">\(span)</td>"
            case "object":
                if let link = row?.link {
                    return "<td><a data-link href=\"\(HTML.escape(link.path))\">\(span)</a></td>"
                }
                return "<td><a data-link>\(span)</a></td>"
            default:
                return "<td>\(span)</td>"
            }
        }.joined()
        return "<tr data-key=\"\(HTML.escape(row?.key ?? ""))\">\(cells)</tr>"
    }
}
