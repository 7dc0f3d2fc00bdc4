// The microskill trend chart (Chart.js) on an advisor's profile.
(function () {
  const canvas = document.getElementById("trend-chart");
  const data = document.getElementById("trend-data");
  if (!canvas || !data || !window.Chart) return;
  const palette = ["#1d6fd1", "#c2410c", "#15803d", "#7c3aed", "#b45309", "#0e7490"];
  const chart = JSON.parse(data.textContent);
  chart.datasets.forEach((d, i) => { d.borderColor = palette[i % palette.length]; d.tension = 0.3; });
  new window.Chart(canvas, {
    type: "line",
    data: chart,
    options: { responsive: true, maintainAspectRatio: false,
               scales: { y: { beginAtZero: true, title: { display: true, text: "per call" } } } },
  });
})();
