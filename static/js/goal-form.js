// The goal form: the microskill field shows only for a metric that needs one (a per-call
// rate), switching as the metric changes. Without JavaScript it always shows and the server
// ignores it for the other metrics.
(function () {
  const form = document.getElementById("goal-form");
  const metric = form && form.querySelector("select[name$=metric]");
  const part = form && form.querySelector("[data-goal-microskill]");
  if (!metric || !part) return;
  const needing = part.dataset.metrics.split(" ");

  function show() {
    part.hidden = needing.indexOf(metric.value) === -1;
  }

  metric.addEventListener("change", show);
  show();
})();
