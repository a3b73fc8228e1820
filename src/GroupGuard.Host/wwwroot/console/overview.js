// Draws the overview's incidents-per-day chart from the JSON block the page writes (no inline
// script: the console's CSP allows scripts from its own files only).
(function () {
  "use strict";
  var source = document.getElementById("per-day-data");
  var canvas = document.getElementById("per-day");
  if (!source || !canvas || typeof Chart === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent || "{}");
  // Colours come with the data: the same as the picture in the digests.
  (data.datasets || []).forEach(function (set) {
    set.borderWidth = 0;
  });
  canvas.chart = new Chart(canvas, {
    type: "bar",
    data: data,
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } }
    }
  });
  canvas.setAttribute("data-drawn", "true");
})();
