// Poll a recording's processing state and reload the page when it settles.
(function () {
  const section = document.getElementById("processing");
  if (!section) return;
  const waiting = ["uploaded", "queued", "processing"];
  if (!waiting.includes(section.dataset.status)) return;
  const bar = document.getElementById("processing-bar");
  const text = document.getElementById("processing-text");

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(response.statusText);
      const state = await response.json();
      if (!waiting.includes(state.status)) { window.location.reload(); return; }
      if (bar) bar.value = state.progress;
      if (text) text.textContent = (state.step || "Waiting for a worker") + "… " + state.progress + "%";
    } catch (err) {
      if (text) text.textContent = "Lost contact with the server; retrying…";
    }
    window.setTimeout(poll, 1500);
  }
  window.setTimeout(poll, 1000);
})();
