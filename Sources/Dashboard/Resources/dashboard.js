// edgeai dashboard: applies a page's server-sent events to its table, without reloading.
// Every value from the API is set with textContent (never innerHTML). Bounded: each dataset's
// (and each model's metric) sparkline keeps the last data-spark values, the fleet timeline the last data-max entries.
"use strict";
(function () {
  var table = document.getElementById("rows");
  if (!table) { return; }
  var tbody = table.tBodies[0];
  var template = document.getElementById("row-template");
  var live = document.getElementById("live");
  var count = document.getElementById("count");
  var timeline = document.getElementById("timeline");
  var sparkMax = parseInt(table.getAttribute("data-spark") || "60", 10);
  var limit = parseInt(table.getAttribute("data-limit") || "100", 10);
  var hasMore = table.getAttribute("data-more") === "true";
  var newestFirst = table.getAttribute("data-newest-first") === "true";
  var history = {};   // key -> [numbers], at most sparkMax
  var phases = {};    // key -> last phase seen

  function rowFor(key) {
    var rows = tbody.rows;
    for (var i = 0; i < rows.length; i++) { if (rows[i].getAttribute("data-key") === key) { return rows[i]; } }
    return null;
  }

  function drawSpark(tr, key) {
    var svg = tr.querySelector("svg.spark");
    if (!svg) { return; }
    var values = history[key] || [];
    var line = svg.querySelector("polyline");
    if (values.length === 0) { line.setAttribute("points", ""); return; }
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    var span = hi - lo || 1;
    var points = values.map(function (v, i) {
      var x = values.length === 1 ? 100 : (i * 100) / (values.length - 1);
      var y = hi === lo ? 10 : 19 - ((v - lo) * 18) / span;
      return x.toFixed(1) + "," + y.toFixed(1);
    });
    if (values.length === 1) { points.unshift("0," + points[0].split(",")[1]); }
    line.setAttribute("points", points.join(" "));
    svg.setAttribute("data-points", String(values.length));
  }

  function remember(key, value) {
    if (value === undefined || value === null) { return; }
    var values = history[key] || (history[key] = []);
    if (values.length && values[values.length - 1] === value) { return; }
    values.push(value);
    while (values.length > sparkMax) { values.shift(); }
  }

  function note(key, phase, when) {
    if (!timeline || !phase) { return; }
    var before = phases[key];
    phases[key] = phase;
    if (before === undefined || before === phase) { return; }
    var li = document.createElement("li");
    li.className = phase;
    li.textContent = new Date().toLocaleTimeString() + " " + key + ": " + before + " → " + phase + (when ? " (since " + when + ")" : "");
    timeline.insertBefore(li, timeline.firstChild);
    var max = parseInt(timeline.getAttribute("data-max") || "50", 10);
    while (timeline.children.length > max) { timeline.removeChild(timeline.lastChild); }
  }

  function fill(tr, row) {
    tr.setAttribute("data-key", row.key);
    var spans = tr.querySelectorAll("[data-c]");
    for (var i = 0; i < spans.length; i++) {
      var id = spans[i].getAttribute("data-c");
      spans[i].textContent = row.cells[id] === undefined ? "" : row.cells[id];
    }
    var yaml = tr.querySelector("a[data-yaml]");
    if (yaml) { yaml.setAttribute("href", row.yaml); }
    var link = tr.querySelector("a[data-link]");
    if (link) { if (row.link) { link.setAttribute("href", row.link.path); } else { link.removeAttribute("href"); } }
    var phase = tr.querySelector("td.phase");
    if (phase) { phase.setAttribute("data-phase", row.phase || ""); }
    var bar = tr.querySelector("progress");
    if (bar && row.delivered) { bar.max = Math.max(1, row.delivered.total); bar.value = row.delivered.done; }
    if (row.point !== undefined) { remember(row.key, row.point); drawSpark(tr, row.key); }
    tr.classList.remove("flash");
    void tr.offsetWidth;
    tr.classList.add("flash");
  }

  function apply(change) {
    var row = change.row;
    var tr = rowFor(row.key);
    if (change.type === "DELETED") {
      if (tr) { tr.parentNode.removeChild(tr); }
    } else if (tr) {
      fill(tr, row);
    } else if (newestFirst || (!hasMore && tbody.rows.length < limit)) {
      tr = template.content.firstElementChild.cloneNode(true);
      fill(tr, row);
      if (newestFirst) {
        tbody.insertBefore(tr, tbody.firstChild);
        while (tbody.rows.length > limit) { tbody.removeChild(tbody.lastChild); }
      } else {
        tbody.appendChild(tr);
      }
    }
    if (row.phase) { note(row.key, row.phase, row.cells.since); }
    if (count) { count.textContent = String(tbody.rows.length); }
  }

  // The first point of each sparkline and each node's phase: what the page was rendered with.
  Array.prototype.forEach.call(tbody.rows, function (tr) {
    var key = tr.getAttribute("data-key");
    var svg = tr.querySelector("svg.spark");
    if (svg && svg.hasAttribute("data-v")) { remember(key, parseFloat(svg.getAttribute("data-v"))); drawSpark(tr, key); }
    var phase = tr.querySelector("td.phase");
    if (phase) { phases[key] = phase.getAttribute("data-phase"); }
  });

  function status(text, cls) { live.textContent = text; live.className = "live " + cls; }

  var source = new EventSource(table.getAttribute("data-stream"));
  source.onopen = function () { status("live", "on"); };
  source.addEventListener("change", function (e) {
    try { apply(JSON.parse(e.data)); } catch (err) { status("bad update", "off"); }
  });
  function stop(text) {
    source.close();
    status(text, "off");
  }
  source.addEventListener("expired", function () { stop("updates stopped: reload the page"); });
  source.addEventListener("signedout", function () { stop("signed out"); window.location.assign("/ui/login"); });
  source.addEventListener("failed", function (e) {
    var message = "updates failed";
    try { message += ": " + JSON.parse(e.data).message; } catch (err) { /* keep the generic text */ }
    stop(message);
  });
  source.onerror = function () {
    if (source.readyState === EventSource.CLOSED) { status("disconnected", "off"); } else { status("reconnecting…", ""); }
  };
})();
