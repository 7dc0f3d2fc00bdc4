// Session metrics charts (Chart.js): sessions held per coach a month, and the shares of
// sessions uninterrupted / acknowledged / with an advisor aware of their own metrics.
(function () {
  const data = document.getElementById("metrics-data");
  if (!data || !window.Chart) return;
  const chart = JSON.parse(data.textContent);
  const palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000"];
  const styled = (sets) => sets.map((d, i) => Object.assign(d, {
    borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length],
    tension: 0.2, spanGaps: true, borderWidth: 2 + (i % 3),
  }));
  const options = (yTitle, max, wholeNumbers) => ({
    responsive: true, maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    scales: { y: { beginAtZero: true, max, title: { display: true, text: yTitle },
                   ticks: wholeNumbers ? { precision: 0 } : {} } },
  });
  const held = document.getElementById("held-chart");
  if (held) {
    new window.Chart(held, { type: "line", data: { labels: chart.labels, datasets: styled(chart.held) },
                             options: options("sessions held", undefined, true) });
  }
  const shares = document.getElementById("shares-chart");
  if (shares) {
    new window.Chart(shares, { type: "line", data: { labels: chart.labels, datasets: styled(chart.shares) },
                               options: options("% of sessions", 100) });
  }
})();
