// 热线指标图：数据来自页面中的 json_script，图表下方始终有同样数据的表格。
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("rates-chart");
  const data = document.getElementById("rates-data");
  if (!el || !data || typeof echarts === "undefined") return;
  const chart = JSON.parse(data.textContent);
  const series = Object.keys(chart.series).map((key) => ({
    name: chart.names[key], type: "bar", data: chart.series[key],
  }));
  echarts.init(el).setOption({
    tooltip: { trigger: "axis" },
    legend: {},
    grid: { containLabel: true },
    xAxis: { type: "category", data: chart.labels, axisLabel: { rotate: 30 } },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series,
  });
});
