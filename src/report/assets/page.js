/* report.html's own script: draws the charts from the embedded report data with the inlined ECharts. */
(function () {
  "use strict";
  var report = JSON.parse(document.getElementById("report-data").textContent);
  var charts = [];

  function bytes(n) {
    if (n == null) return "n/a";
    var units = ["B", "kB", "MB", "GB"], i = 0, v = n;
    while (Math.abs(v) >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    return (i === 0 ? v : v.toFixed(1)) + " " + units[i];
  }
  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    option.animation = false;
    chart.setOption(option);
    charts.push(chart);
  }
  var colors = { original: "#8a94a6", slim: "#2f9e6f" };

  // Size: original vs slim.
  if (document.getElementById("chart-size")) {
    var o = report.original, s = report.slim;
    draw("chart-size", {
      tooltip: { trigger: "item", valueFormatter: bytes },
      grid: { left: 90, right: 30, top: 20, bottom: 30 },
      xAxis: { type: "value", axisLabel: { formatter: bytes } },
      yAxis: { type: "category", data: ["slim", "original"] },
      series: [{
        type: "bar", barWidth: "55%",
        label: { show: true, position: "right", formatter: function (p) { return bytes(p.value); } },
        data: [
          { value: s && s.sizeBytes, itemStyle: { color: colors.slim } },
          { value: o && o.sizeBytes, itemStyle: { color: colors.original } },
        ],
      }],
    });
  }

  // Layers: size per layer and the instruction that made it.
  ["original", "slim"].forEach(function (side) {
    var facts = report[side];
    if (!facts || !facts.layers || !document.getElementById("chart-layers-" + side)) return;
    var layers = facts.layers.slice();
    draw("chart-layers-" + side, {
      tooltip: { trigger: "item", formatter: function (p) { var l = layers[p.dataIndex]; return "layer " + l.index + ": " + bytes(l.sizeBytes) + "<br>" + escapeHtml(l.createdBy).slice(0, 300); } },
      grid: { left: 260, right: 70, top: 10, bottom: 30 },
      xAxis: { type: "value", splitNumber: 3, axisLabel: { formatter: bytes, hideOverlap: true } },
      yAxis: { type: "category", inverse: true, data: layers.map(function (l) { var t = l.createdBy.replace(/^\/bin\/sh -c (#\(nop\)\s*)?/, ""); return l.index + ": " + (t.length > 38 ? t.slice(0, 37) + "…" : t); }) },
      series: [{ type: "bar", data: layers.map(function (l) { return l.sizeBytes; }), itemStyle: { color: colors[side] },
        label: { show: true, position: "right", formatter: function (p) { return bytes(p.value); } } }],
    });
  });

  // Largest directories before and after.
  ["original", "slim"].forEach(function (side) {
    var facts = report[side];
    if (!facts || !facts.dirs || !document.getElementById("chart-dirs-" + side)) return;
    function conv(n) {
      var out = { name: n.name, value: n.sizeBytes, path: n.path };
      if (n.children) out.children = n.children.map(conv);
      return out;
    }
    draw("chart-dirs-" + side, {
      tooltip: { formatter: function (p) { return escapeHtml(p.data.path || p.name) + ": " + bytes(p.value); } },
      series: [{ type: "sunburst", radius: ["12%", "92%"], nodeClick: false, sort: null,
        data: (facts.dirs.children || []).map(conv),
        label: { rotate: "radial", fontSize: 10, minAngle: 12 },
        levels: [{}, { r0: "12%", r: "45%" }, { r0: "45%", r: "72%" }, { r0: "72%", r: "92%", label: { show: false } }] }],
    });
  });

  // Vulnerabilities by severity, before and after.
  if (document.getElementById("chart-vulns")) {
    var sev = ["critical", "high", "medium", "low", "unknown"];
    var series = ["original", "slim"].filter(function (side) { return report[side] && report[side].vulns; }).map(function (side) {
      return { name: side, type: "bar", itemStyle: { color: colors[side] }, label: { show: true, position: "top" },
        data: sev.map(function (k) { return report[side].vulns[k]; }) };
    });
    draw("chart-vulns", {
      tooltip: { trigger: "axis" }, legend: { top: 0 },
      grid: { left: 50, right: 20, top: 35, bottom: 30 },
      xAxis: { type: "category", data: sev }, yAxis: { type: "value", minInterval: 1 },
      series: series,
    });
  }

  // Stage timings.
  if (document.getElementById("chart-stages")) {
    var stages = report.stages.filter(function (s) { return s.status !== "skipped"; });
    draw("chart-stages", {
      tooltip: { trigger: "item", formatter: function (p) { var s = stages[p.dataIndex]; return s.name + ": " + s.seconds.toFixed(1) + " s (" + s.status + ")"; } },
      grid: { left: 70, right: 60, top: 10, bottom: 30 },
      xAxis: { type: "value", name: "s" },
      yAxis: { type: "category", inverse: true, data: stages.map(function (s) { return s.name; }) },
      series: [{ type: "bar", data: stages.map(function (s) { return { value: Number(s.seconds.toFixed(2)), itemStyle: { color: s.status === "failed" ? "#d64545" : s.status === "cached" ? "#7cc4a4" : "#4a78c2" } }; }),
        label: { show: true, position: "right", formatter: function (p) { return p.value + " s"; } } }],
    });
  }

  function escapeHtml(s) {
    return String(s).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute("data-charts", String(charts.length));
})();
