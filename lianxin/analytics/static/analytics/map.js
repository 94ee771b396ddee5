// Choropleth of Ningxia's counties (issue #20). Draws only when ECharts and the boundary file
// (fetched at setup, never from a CDN) are present; the table below the map always shows the
// same figures. Clicking a county opens its dashboard.
(function () {
  "use strict";
  var el = document.getElementById("ningxia-map");
  var data = document.getElementById("map-values");
  if (!el || !data || typeof window.echarts === "undefined") { if (el) { el.hidden = true; } return; }
  var values = JSON.parse(data.textContent);
  fetch(el.dataset.geo, {credentials: "same-origin"}).then(function (r) {
    if (!r.ok) { throw new Error("no map"); }
    return r.json();
  }).then(function (geo) {
    var shown = {};
    values.forEach(function (v) { shown[v.code] = true; });
    var features = geo.features.filter(function (f) { return shown[f.properties.code]; });
    if (features.length) { geo = {type: "FeatureCollection", features: features}; }
    window.echarts.registerMap("ningxia", geo);
    var byName = {};
    values.forEach(function (v) { byName[v.name] = v; });
    var max = Math.max.apply(null, values.map(function (v) { return v.value || 0; }).concat([1]));
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: {trigger: "item", formatter: function (p) { return p.name + "：" + (p.value == null ? "—" : p.value); }},
      visualMap: {min: 0, max: max, left: "left", bottom: 10, text: ["高", "低"], calculable: true},
      series: [{type: "map", map: "ningxia", roam: false, label: {show: true, fontSize: 10},
        data: values.map(function (v) { return {name: v.name, value: v.value, code: v.code}; })}]
    });
    chart.on("click", function (p) {
      var v = byName[p.name];
      if (v) { window.location.href = el.dataset.drill + v.code + "/"; }
    });
    document.getElementById("map-attribution").hidden = false;
  }).catch(function () { el.hidden = true; });
})();
