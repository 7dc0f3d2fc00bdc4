// Performance dashboard charts (Chart.js): NPS per week or month, shares, the NPS split and
// the audit bands. The data come from the page's JSON block (no inline script: CSP).
(function () {
  const data = document.getElementById("performance-data");
  if (!data || !window.Chart) return;
  const chart = JSON.parse(data.textContent);
  const palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9"];
  const line = (label, values, i) => ({
    label, data: values, borderColor: palette[i], backgroundColor: palette[i],
    tension: 0.2, spanGaps: true, borderWidth: 2 + (i % 3),
  });
  const options = (yTitle, min, max) => ({
    responsive: true, maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    scales: { y: { min, max, title: { display: true, text: yTitle } } },
  });
  const make = (id, config) => {
    const canvas = document.getElementById(id);
    if (canvas) new window.Chart(canvas, config);
  };
  make("nps-chart", { type: "line", data: { labels: chart.labels, datasets: [
    line("NPS", chart.nps, 0), line("NPS, new customers ×10", chart.nps_weighted, 1)] },
    options: options("NPS", -100, 100) });
  make("shares-chart", { type: "line", data: { labels: chart.labels, datasets: [
    line("First-contact resolution %", chart.fcr, 2), line("Conversion %", chart.conversion, 3),
    line("Replies within target %", chart.within_target, 4),
    line("Communication Quality % (lower is better)", chart.quality, 5)] },
    options: options("%", 0, 100) });
  make("split-chart", { type: "bar", data: { labels: ["Promoters", "Passives", "Detractors"],
    datasets: [{ label: "scores", data: chart.split,
                 backgroundColor: ["#009E73", "#999999", "#D55E00"] }] },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } } });
  make("bands-chart", { type: "bar", data: { labels: chart.band_labels,
    datasets: [{ label: "audits", data: chart.bands,
                 backgroundColor: ["#2e7d32", "#1565c0", "#f9a825"] }] },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { display: false } } } });
})();
