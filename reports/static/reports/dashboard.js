/* 督办看板: draws the ECharts of a dashboard page from the JSON embedded by json_script
   (#dashboard-data). Each chart container carries its own aria-label and points to a table
   or list with the same figures; a click on a bar follows the link behind it. */
(function () {
  "use strict";
  var L = {};
  var COLORS = { red: "#c62828", yellow: "#e0a800", green: "#2f7d32" };

  function go(url) { if (url) { window.location.assign(url); } }

  var builders = {
    documents: function (rows) {
      var names = rows.map(function (r) { return r.name; });
      function series(key, label) {
        return { name: label, type: "bar", stack: "lights", itemStyle: { color: COLORS[key] },
          data: rows.map(function (r) { return r[key]; }) };
      }
      return {
        option: {
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
          legend: { top: 0 },
          grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
          xAxis: { type: "value", minInterval: 1 },
          yAxis: { type: "category", data: names, inverse: true,
            axisLabel: { width: 140, overflow: "truncate" } },
          series: [series("red", L.red), series("yellow", L.yellow), series("green", L.green)]
        },
        urls: rows.map(function (r) { return r.url; }),
        count: rows.length
      };
    },
    trend: function (rows) {
      return {
        option: {
          tooltip: { trigger: "axis" },
          grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
          xAxis: { type: "category", data: rows.map(function (r) { return r.week.slice(5); }) },
          yAxis: { type: "value", minInterval: 1 },
          series: [{ name: L.overdue, type: "line", areaStyle: { opacity: 0.15 },
            itemStyle: { color: COLORS.red }, data: rows.map(function (r) { return r.count; }) }]
        },
        count: rows.length
      };
    },
    units: function (rows) {
      return {
        option: {
          tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } },
          grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
          xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
            axisLabel: { width: 120, overflow: "truncate" } },
          series: [{ name: L.on_time, type: "bar", itemStyle: { color: "#1f5fa8" }, cursor: "pointer",
            data: rows.map(function (r) { return r.rate; }) }]
        },
        urls: rows.map(function (r) { return r.url; }),
        count: rows.length
      };
    },
    completion: function (rows) {
      return {
        option: {
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
          xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
          yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
          series: [
            { name: L.closed, type: "line", data: rows.map(function (r) { return r.closed_rate; }) },
            { name: L.mean_percent, type: "line", connectNulls: true, data: rows.map(function (r) { return r.mean_percent; }) }
          ]
        },
        count: rows.length
      };
    },
    lights: function (rows) {
      return {
        option: {
          tooltip: { trigger: "item" },
          series: [{ type: "pie", radius: ["40%", "70%"],
            data: rows.map(function (r) { return { name: r.name, value: r.value, itemStyle: { color: COLORS[r.light] } }; }) }]
        },
        count: rows.filter(function (r) { return r.value > 0; }).length
      };
    }
  };

  function draw() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    L = data.labels || {};
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      var build = builders[kind];
      if (!build || !data[kind]) { return; }
      var spec = build(data[kind]);
      el.setAttribute("data-count", String(spec.count));
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(spec.option);
      if (spec.urls) {
        chart.on("click", function (params) { go(spec.urls[params.dataIndex]); });
      }
      el.setAttribute("data-rendered", "true");
      charts.push(chart);
    });
    window.addEventListener("resize", function () {
      charts.forEach(function (c) { c.resize(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
