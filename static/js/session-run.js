// The session's meeting page: one agenda moment at a time (n / p, or the buttons), space
// plays or pauses it, and a timer against the planned length.
(function () {
  const items = Array.from(document.querySelectorAll(".run-items > li"));
  const position = document.getElementById("item-position");
  let current = 0;

  function show(index) {
    if (!items.length) return;
    items[current].querySelector("audio")?.pause();
    current = Math.max(0, Math.min(items.length - 1, index));
    items.forEach((item, i) => { item.hidden = i !== current; });
    if (position) position.textContent = `${current + 1} of ${items.length}`;
  }

  document.getElementById("prev-item")?.addEventListener("click", () => show(current - 1));
  document.getElementById("next-item")?.addEventListener("click", () => show(current + 1));
  document.addEventListener("keydown", (event) => {
    // n / p work everywhere but in fields; on a button or a player, space keeps its own meaning
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "n") show(current + 1);
    else if (event.key === "p") show(current - 1);
    else if (event.key === " " && items.length && !event.target.closest("button, audio, a")) {
      const audio = items[current].querySelector("audio");
      if (!audio) return;
      event.preventDefault();
      if (audio.paused) audio.play().catch(() => {}); else audio.pause();
    } else return;
  });

  const timer = document.getElementById("timer");
  const clock = document.getElementById("timer-clock");
  const toggle = document.getElementById("timer-toggle");
  if (!timer || !clock || !toggle) return;
  const planned = parseInt(timer.dataset.minutes, 10) * 60;
  let started = null, elapsed = 0, tick = null;
  const fmt = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
  function draw() {
    const total = elapsed + (started ? (Date.now() - started) / 1000 : 0);
    clock.textContent = fmt(total);
    timer.classList.toggle("over", total > planned);
  }
  toggle.addEventListener("click", () => {
    if (started) {
      elapsed += (Date.now() - started) / 1000; started = null;
      window.clearInterval(tick); toggle.textContent = "Resume";
    } else {
      started = Date.now(); tick = window.setInterval(draw, 500); toggle.textContent = "Pause";
    }
    draw();
  });
})();
