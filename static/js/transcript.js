// Transcript beside the player: highlight the word being spoken, click a word to seek.
(function () {
  const media = document.getElementById("media");
  const list = document.getElementById("segments");
  if (!media) return;

  const params = new URLSearchParams(window.location.search);
  const startAt = parseFloat(params.get("t"));
  if (!Number.isNaN(startAt)) {
    const seekOnce = () => { media.currentTime = startAt; };
    if (media.readyState >= 1) seekOnce(); else media.addEventListener("loadedmetadata", seekOnce, { once: true });
  }
  if (!list) return;

  // Opened at a moment (a search hit, a clip's "from the call" link): show its words,
  // below the player, which stays in view.
  if (!Number.isNaN(startAt)) {
    const at = Array.from(list.querySelectorAll(".w")).find((w) => parseFloat(w.dataset.end) >= startAt);
    if (at) {
      at.classList.add("current");
      window.requestAnimationFrame(() => at.scrollIntoView({ block: "center" }));
    }
  }

  const words = Array.from(list.querySelectorAll(".w"));
  const times = words.map((w) => [parseFloat(w.dataset.start), parseFloat(w.dataset.end)]);
  let current = null;

  function wordAt(t) {
    // binary search on start times
    let lo = 0, hi = times.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid][0] <= t) { found = mid; lo = mid + 1; } else { hi = mid - 1; }
    }
    return found >= 0 && t <= times[found][1] + 0.15 ? found : -1;
  }

  function highlight() {
    const index = wordAt(media.currentTime);
    const word = index >= 0 ? words[index] : null;
    if (word === current) return;
    if (current) current.classList.remove("current");
    current = word;
    if (word) {
      word.classList.add("current");
      if (!media.paused && !selecting) {  // never move the words under a dragging mouse
        const box = list.getBoundingClientRect(), r = word.getBoundingClientRect();
        if (r.top < box.top || r.bottom > box.bottom) word.scrollIntoView({ block: "center", behavior: "smooth" });
      }
    }
  }

  let selecting = false;  // the mouse is down in the transcript: the user chooses words
  list.addEventListener("mousedown", () => { selecting = true; });
  document.addEventListener("mouseup", () => { selecting = false; });

  function loop() { highlight(); if (!media.paused) window.requestAnimationFrame(loop); }
  media.addEventListener("play", () => window.requestAnimationFrame(loop));
  media.addEventListener("seeked", highlight);
  media.addEventListener("timeupdate", highlight);

  list.addEventListener("click", (event) => {
    const target = event.target.closest(".w, [data-seek]");
    if (!target) return;
    media.currentTime = parseFloat(target.dataset.seek || target.dataset.start);
    media.play().catch(() => {});
  });
})();
