// Batch progress chart: planned vs implemented measures by care action. The table on the page
// carries the same figures; without ECharts nothing is drawn.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.getElementById("batch-chart");
  const source = document.getElementById("batch-chart-data");
  if (!holder || !source || typeof window.echarts === "undefined") {
    if (holder) holder.style.display = "none";
    return;
  }
  const data = JSON.parse(source.textContent);
  const chart = window.echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["计划措施", "已落实"] },
    grid: { left: 40, right: 16, bottom: 80 },
    xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 40 } },
    yAxis: { type: "value" },
    series: [
      { name: "计划措施", type: "bar", data: data.planned, itemStyle: { color: "#0969da" } },
      { name: "已落实", type: "bar", data: data.implemented, itemStyle: { color: "#1a7f37" } },
    ],
  });
  window.addEventListener("resize", () => chart.resize());
});
