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

  // the link or control that had focus, found again after the swap (same href or id)
  function focusKey() {
    const el = document.activeElement;
    if (!el || !box.contains(el)) return null;
    return el.id ? `#${CSS.escape(el.id)}` : el.getAttribute("href") ? `[href="${CSS.escape(el.getAttribute("href"))}"]` : null;
  }

  async function refresh() {
    const page = await fetch(window.location.href, { headers: { Accept: "text/html" } });
    if (!page.ok) return;
    const doc = new DOMParser().parseFromString(await page.text(), "text/html");
    const fresh = doc.getElementById("home-cards");
    if (!fresh) return;
    const key = focusKey();
    box.innerHTML = fresh.innerHTML;
    stamp = fresh.dataset.stamp;
    box.dataset.stamp = stamp;
    if (key) {
      const again = box.querySelector(key);
      if (again) again.focus();
    }
    // the unread count in the menu
    const link = document.getElementById("nav-notifications");
    const freshLink = doc.getElementById("nav-notifications");
    if (link && freshLink) link.innerHTML = freshLink.innerHTML;
    if (status && fresh.dataset.updated) status.textContent = `Updated at ${fresh.dataset.updated}.`;
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
