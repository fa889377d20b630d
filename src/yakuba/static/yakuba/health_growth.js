// Growth charts of a child's page (yakuba.health): the reference band (3rd–97th percentile), the
// median, and the child's own measurements, from the page's JSON (#growth-data). No data leaves the page.
(function () {
  "use strict";
  function draw() {
    var node = document.getElementById("growth-data");
    if (!node || typeof Chart === "undefined") { return; }
    var data = JSON.parse(node.textContent);
    document.querySelectorAll("canvas[data-growth-chart]").forEach(function (canvas) {
      var m = data.measures[Number(canvas.dataset.growthChart)];
      var xy = function (rows) { return rows.map(function (r) { return { x: r[0], y: r[1] }; }); };
      new Chart(canvas, {
        type: "line",
        data: { datasets: [
          { label: "3パーセンタイル", data: xy(m.curves.p3), borderColor: "#9ab", pointRadius: 0, borderWidth: 1 },
          { label: "97パーセンタイル", data: xy(m.curves.p97), borderColor: "#9ab", pointRadius: 0, borderWidth: 1,
            fill: "-1", backgroundColor: "rgba(0, 102, 204, 0.08)" },
          { label: "50パーセンタイル", data: xy(m.curves.p50), borderColor: "#57a", pointRadius: 0, borderWidth: 1,
            borderDash: [4, 4] },
          { label: "測定値", data: xy(m.points), borderColor: "#c00", backgroundColor: "#c00", showLine: true,
            pointRadius: 4 }
        ] },
        options: { animation: false, parsing: false,
          scales: { x: { type: "linear", title: { display: true, text: "月齢" }, min: 0, max: 48 },
                    y: { title: { display: true, text: m.label + " (" + m.unit + ")" } } } }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
