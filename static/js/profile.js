// The microskill trend chart (Chart.js) on an advisor's profile: a line per microskill; the
// checkboxes under the chart (reachable by keyboard) choose which lines are drawn.
(function () {
  const canvas = document.getElementById("trend-chart");
  const data = document.getElementById("trend-data");
  if (!canvas || !data || !window.Chart) return;
  // Okabe-Ito, a colour-blind-safe palette (without its yellow, too pale on white); past
  // seven lines the colours come back dashed, then dotted.
  const palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"];
  const dashes = [[], [6, 4], [2, 3]];
  const swatchLines = ["solid", "dashed", "dotted"];
  const points = ["circle", "rect", "triangle", "rectRot", "crossRot", "star", "rectRounded"];
  // Chart.js draws the first line on top: each later one a little wider, so a line lying on
  // another still shows as a coloured edge around it (and its own point shape).
  const widths = [2, 3.5, 5, 6.5];
  const chart = JSON.parse(data.textContent);
  const titles = chart.titles || [];
  chart.datasets.forEach((d, i) => {
    const colour = palette[i % palette.length];
    Object.assign(d, {
      borderColor: colour, backgroundColor: colour,
      borderDash: dashes[Math.floor(i / palette.length) % dashes.length],
      pointStyle: points[i % points.length], pointRadius: 3 + widths[i % widths.length] / 2,
      borderWidth: widths[i % widths.length],
      tension: 0.2, spanGaps: true,
    });
  });
  const trend = new window.Chart(canvas, {
    type: "line",
    data: { labels: chart.labels, datasets: chart.datasets },
    options: {
      responsive: true, maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      plugins: {
        legend: { display: false }, // the checkboxes are the legend
        tooltip: { callbacks: { title: (items) => (items.length ? titles[items[0].dataIndex] : "") } },
      },
      scales: {
        x: { title: { display: true, text: "Week starting" } },
        y: { beginAtZero: true, title: { display: true, text: "per call" } },
      },
    },
  });
  const picker = document.getElementById("trend-picker");
  if (!picker) return;
  picker.querySelectorAll("input[data-dataset]").forEach((box) => {
    const i = Number(box.dataset.dataset);
    const swatch = box.parentElement.querySelector(".trend-swatch");
    if (swatch) { // styled here: the page's CSP allows no style attributes
      const line = swatchLines[Math.floor(i / palette.length) % swatchLines.length];
      Object.assign(swatch.style, { display: "inline-block", width: "1.8em", verticalAlign: "middle",
                                    borderTop: `3px ${line} ${chart.datasets[i].borderColor}` });
    }
    box.checked = trend.isDatasetVisible(i);
    box.addEventListener("change", () => {
      trend.setDatasetVisibility(i, box.checked);
      trend.update();
    });
  });
  picker.hidden = false;
})();
