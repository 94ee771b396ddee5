// 热线指标图：数据来自页面中的 json_script，图表下方始终有同样数据的表格。
// 横向条形图：单位名称较长，放在纵轴上；图高随分组数增加，不会被压扁。
document.addEventListener("DOMContentLoaded", () => {
  const el = document.getElementById("rates-chart");
  const data = document.getElementById("rates-data");
  if (!el || !data || typeof echarts === "undefined") return;
  const chart = JSON.parse(data.textContent);
  const keys = Object.keys(chart.series);
  const rows = Math.max(chart.labels.length, 1);
  el.style.height = Math.max(360, rows * keys.length * 14 + rows * 12 + 110) + "px";
  const series = keys.map((key) => ({
    name: chart.names[key], type: "bar", data: chart.series[key],
  }));
  const instance = echarts.init(el);
  instance.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { containLabel: true, left: 8, right: 24, top: 40, bottom: 8 },
    yAxis: { type: "category", data: chart.labels, inverse: true, axisLabel: { width: 220, overflow: "truncate" } },
    xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series,
  });
  window.addEventListener("resize", () => instance.resize());
});
