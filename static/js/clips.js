// Cutting a clip on the recording page: a region on the waveform (wavesurfer's regions
// plugin on the page's one waveform), word selection in the transcript, numeric start/end
// fields with ±0.1 s nudges, and previews of suggested moments. All of them stay in sync.
import RegionsPlugin from "../vendor/wavesurfer/regions.esm.js";

const panel = document.getElementById("clips");
const form = document.getElementById("clip-form");
const media = document.getElementById("media");

if (panel && form && media) init();

function waitForWaveform(timeout = 15000) {
  // player.js sets window.coachlabWaveform (null when there are no peaks) once it is built.
  return new Promise((resolve) => {
    const started = performance.now();
    (function check() {
      if (window.coachlabWaveform !== undefined) resolve(window.coachlabWaveform);
      else if (performance.now() - started > timeout) resolve(null);
      else window.setTimeout(check, 50);
    })();
  });
}

function init() {
  const duration = parseFloat(panel.dataset.duration) || 0;
  const startInput = form.querySelector("input[name$='start']");
  const endInput = form.querySelector("input[name$='end']");
  const playButton = document.getElementById("clip-play");
  const color = "rgba(29, 111, 209, 0.22)";
  let regions = null;
  let region = null;
  let stopAt = null;
  const selection = { start: null, end: null };

  const clamp = (t) => Math.min(Math.max(t, 0), duration || t);
  const round = (t) => Math.round(t * 100) / 100;

  function show(skipInput) {
    if (selection.start === null) return;
    if (skipInput !== startInput) startInput.value = selection.start.toFixed(2);
    if (skipInput !== endInput) endInput.value = selection.end.toFixed(2);
    if (!regions) return;
    if (region && !region.isRemoved) region.setOptions({ start: selection.start, end: selection.end });
    else region = regions.addRegion({ start: selection.start, end: selection.end, color, drag: true, resize: true, id: "clip-selection" });
  }

  // Choosing a region opens the new-clip form and names the region in its summary; a
  // region drawn on the waveform also brings the form into view (the other ways keep the
  // reader where they are: in the transcript or the suggestions).
  const details = document.getElementById("clip-new");
  const rangeLabel = document.getElementById("clip-new-range");
  const fmt = (t) => `${Math.floor(t / 60)}:${(t % 60).toFixed(1).padStart(4, "0")}`;
  function openForm(reveal) {
    if (rangeLabel && selection.start !== null) rangeLabel.textContent = `${fmt(selection.start)}–${fmt(selection.end)}`;
    if (!details || details.open) return;
    details.open = true;
    if (reveal) details.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }

  function select(start, end, skipInput, reveal = false) {
    start = round(clamp(start));
    end = round(clamp(end));
    if (end < start) [start, end] = [end, start];
    selection.start = start;
    selection.end = end;
    panel.dataset.selection = `${start.toFixed(2)}-${end.toFixed(2)}`;
    show(skipInput);
    openForm(reveal);
  }

  // Typed times are never swapped or capped: an impossible region is marked invalid (the
  // browser shows why and does not submit), and the server refuses it with a message too.
  function typedProblem(start, end) {
    if (start < 0) return "The clip cannot start before the beginning of the recording.";
    if (end <= start) return "The clip must end after it starts.";
    if (duration && end > duration + 0.05) return `The recording is only ${duration.toFixed(2)} s long.`;
    return "";
  }

  function fromInputs(changed) {
    const start = parseFloat(startInput.value);
    const end = parseFloat(endInput.value);
    if (Number.isNaN(start) || Number.isNaN(end)) return;
    const problem = typedProblem(start, end);
    startInput.setCustomValidity("");
    endInput.setCustomValidity("");
    changed.setCustomValidity(problem);
    if (problem) { changed.reportValidity(); return; }
    selection.start = start;
    selection.end = end;
    panel.dataset.selection = `${start.toFixed(2)}-${end.toFixed(2)}`;
    show(changed);
    openForm(false);
  }

  startInput.addEventListener("input", () => fromInputs(startInput));
  endInput.addEventListener("input", () => fromInputs(endInput));

  form.addEventListener("click", (event) => {
    const button = event.target.closest("[data-nudge]");
    if (!button) return;
    const by = parseFloat(button.dataset.by);
    if (selection.start === null) select(media.currentTime || 0, (media.currentTime || 0) + 5);
    if (button.dataset.nudge === "start") select(Math.min(selection.start + by, selection.end - 0.1), selection.end);
    else select(selection.start, Math.max(selection.end + by, selection.start + 0.1));
  });

  function play(start, end) {
    stopAt = end;
    media.currentTime = start;
    media.play().catch(() => {});
  }
  media.addEventListener("timeupdate", () => {
    if (stopAt !== null && media.currentTime >= stopAt) { media.pause(); stopAt = null; }
  });
  media.addEventListener("seeking", () => {
    if (stopAt !== null && (media.currentTime < (selection.start ?? 0) - 0.5 || media.currentTime > stopAt)) stopAt = null;
  });
  playButton?.addEventListener("click", () => {
    if (selection.start !== null) play(selection.start, selection.end);
  });

  // Select words in the transcript (mouse or Shift+arrows): the region covers them.
  function fromTranscript() {
    const list = document.getElementById("segments");
    const sel = window.getSelection();
    if (!list || !sel || sel.isCollapsed || sel.rangeCount === 0) return;
    const range = sel.getRangeAt(0);
    if (!list.contains(range.commonAncestorContainer)) return;
    const words = Array.from(list.querySelectorAll(".w")).filter((w) => sel.containsNode(w, true));
    if (words.length < 1) return;
    const start = parseFloat(words[0].dataset.start);
    const end = parseFloat(words[words.length - 1].dataset.end);
    if (Number.isNaN(start) || Number.isNaN(end)) return;
    select(start, Math.max(end, start + 0.1));
  }
  document.addEventListener("mouseup", () => window.setTimeout(fromTranscript, 0));
  document.addEventListener("keyup", (event) => { if (event.shiftKey) fromTranscript(); });

  // Suggested moments: clicking one shows its region and plays it.
  panel.addEventListener("click", (event) => {
    const button = event.target.closest(".suggestion-preview");
    if (!button) return;
    const start = parseFloat(button.dataset.start);
    const end = parseFloat(button.dataset.end);
    select(start, end);
    play(start, end);
  });

  waitForWaveform().then(async (ws) => {
    if (!ws) return;
    if (!ws.getDuration()) await new Promise((resolve) => ws.once("ready", resolve));
    ws.setOptions({ dragToSeek: false }); // a drag draws the clip region instead
    regions = ws.registerPlugin(RegionsPlugin.create());
    regions.enableDragSelection({ color });
    regions.on("region-created", (created) => {
      if (created === region) return;
      if (region && !region.isRemoved) region.remove();
      region = created;
      select(created.start, created.end, undefined, true);
    });
    regions.on("region-updated", (updated) => {
      if (updated === region) select(updated.start, updated.end);
    });
    window.coachlabClipRegions = regions;
    show();
    panel.dataset.ready = "true";
  });
  if (!document.getElementById("waveform")?.dataset.peaksUrl) panel.dataset.ready = "true";
}
