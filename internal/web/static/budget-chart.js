// Draws the budget-vs-actual chart from the data attribute of its canvas (no inline
// script: the page's Content-Security-Policy allows only files served by congquy).
(function () {
  "use strict";
  function draw(canvas) {
    var data;
    try { data = JSON.parse(canvas.getAttribute("data-chart")); } catch (e) { return; }
    if (!data || !data.labels || !data.labels.length || typeof Chart === "undefined") { return; }
    var colors = ["#1d4f91", "#f2b705", "#1f7a3d"];
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (name, i) {
          return { label: name, data: data.values[i].map(Number), backgroundColor: colors[i % colors.length] };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { y: { beginAtZero: true, title: { display: true, text: data.unit } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }
  function init() { document.querySelectorAll("canvas[data-chart]").forEach(draw); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
