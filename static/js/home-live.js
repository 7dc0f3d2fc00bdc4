// The start page keeps itself current: it asks the server every few seconds whether one of
// the user's calls finished processing (or a notification arrived) and, if so, fetches the
// page again and swaps in the new cards, without a reload and without losing the scroll.
(function () {
  const box = document.getElementById("home-cards");
  const status = document.getElementById("home-updated");
  if (!box || !box.dataset.changes) return;
  let stamp = box.dataset.stamp;
  const every = Math.max(2, Number(box.dataset.every) || 15) * 1000;
  let busy = false;

  async function refresh() {
    const page = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!page.ok) return;
    const fresh = new DOMParser().parseFromString(await page.text(), "text/html")
      .getElementById("home-cards");
    if (!fresh) return;
    box.innerHTML = fresh.innerHTML;
    stamp = fresh.dataset.stamp;
    box.dataset.stamp = stamp;
    if (status) status.textContent = `Updated at ${new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}: a call finished processing.`;
  }

  async function check() {
    if (busy || document.hidden) return;
    busy = true;
    try {
      const answer = await fetch(box.dataset.changes, { headers: { Accept: "application/json" } });
      if (answer.ok) {
        const data = await answer.json();
        if (data.stamp !== stamp) await refresh();
      }
    } catch (err) {
      // offline for a moment: try again at the next tick
    } finally {
      busy = false;
    }
  }

  window.setInterval(check, every);
})();
