// 连心 charts: <div class="chart" data-chart="bar|pie|stacked" data-source="json-script-id" data-title="…">.
// The figures are always also on the page as a table; without ECharts this does nothing.
(function () {
  function render(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach((el) => {
      const source = document.getElementById(el.dataset.source);
      if (!source || window.echarts.getInstanceByDom(el)) return;
      const data = JSON.parse(source.textContent);
      const chart = window.echarts.init(el);
      const kind = el.dataset.chart;
      const title = { text: el.dataset.title || "", left: "center", textStyle: { fontSize: 14 } };
      if (kind === "pie") {
        chart.setOption({ title, tooltip: { trigger: "item" }, series: [{ type: "pie", radius: ["35%", "65%"], top: 30, data }] });
      } else if (kind === "stacked") {
        chart.setOption({
          title, tooltip: { trigger: "axis" }, legend: { top: 24 }, grid: { top: 60, containLabel: true },
          xAxis: { type: "category", data: data.categories }, yAxis: { type: "value" },
          series: data.series.map((s) => Object.assign({}, s, { type: "bar", stack: "total" })),
        });
      } else {
        chart.setOption({
          title, tooltip: { trigger: "axis" }, grid: { top: 40, containLabel: true },
          xAxis: { type: "category", data: data.map((d) => d.name), axisLabel: { interval: 0, rotate: data.length > 4 ? 30 : 0 } },
          yAxis: { type: "value" }, series: [{ type: "bar", data: data.map((d) => d.value), itemStyle: { color: "#b7282e" } }],
        });
      }
      window.addEventListener("resize", () => chart.resize());
    });
  }
  document.addEventListener("DOMContentLoaded", () => render(document));
  document.addEventListener("htmx:afterSettle", (event) => render(event.target));
})();
