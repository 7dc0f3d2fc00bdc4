// The clip page: comments pre-fill the player's second, comment times play from there,
// and "Copy link" copies the clip's address (access is checked whoever opens it).
(function () {
  const media = document.getElementById("media");
  const at = document.getElementById("at_second");
  let followPlayer = true;

  if (media && at) {
    const follow = () => { if (followPlayer) at.value = media.currentTime.toFixed(1); };
    media.addEventListener("timeupdate", follow);
    media.addEventListener("seeked", follow);
    at.addEventListener("input", () => { followPlayer = false; });
    if (media.currentTime > 0) follow();  // the player may have moved before this script ran
  }

  document.addEventListener("click", (event) => {
    const time = event.target.closest(".comment-time");
    if (!time || !media) return;
    media.currentTime = parseFloat(time.dataset.seek);
    media.play().catch(() => {});
  });

  const copy = document.getElementById("copy-link");
  if (copy) {
    copy.addEventListener("click", async () => {
      const url = copy.dataset.url;
      let done = false;
      try {
        if (navigator.clipboard && window.isSecureContext) {
          await navigator.clipboard.writeText(url);
          done = true;
        }
      } catch (err) { done = false; }
      if (!done) {
        const field = document.createElement("input");
        field.value = url;
        document.body.appendChild(field);
        field.select();
        try { done = document.execCommand("copy"); } catch (err) { done = false; }
        field.remove();
      }
      copy.textContent = done ? "Link copied" : url;
      copy.dataset.copied = done ? "true" : "false";
      window.setTimeout(() => { copy.textContent = "Copy link"; }, 4000);
    });
  }
})();
