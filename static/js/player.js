// The waveform under the recording's player, drawn by wavesurfer.js from server-made peaks.
import WaveSurfer from "../vendor/wavesurfer/wavesurfer.esm.js";

export async function createWaveform(container, media, options = {}) {
  const url = container.dataset.peaksUrl;
  if (!url) return null;
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  if (!response.ok) return null;
  const data = await response.json();
  const split = data.peaks.length > 1;
  const narrow = window.matchMedia("(max-width: 640px)").matches; // the docked player stays small
  return WaveSurfer.create({
    container,
    media,
    peaks: data.peaks,
    duration: data.duration,
    height: split ? (narrow ? 30 : 48) : (narrow ? 44 : 72),
    splitChannels: split ? [{ waveColor: "#93b8e8", progressColor: "#1d6fd1" },
                            { waveColor: "#f0b48f", progressColor: "#c2410c" }] : undefined,
    waveColor: "#93b8e8",
    progressColor: "#1d6fd1",
    cursorColor: "#0f172a",
    normalize: true,
    dragToSeek: true,
    // its shadow DOM gets a <style>; the page's Content-Security-Policy allows it by nonce
    cspNonce: document.querySelector('meta[name="csp-nonce"]')?.content,
    ...options,
  });
}

const container = document.getElementById("waveform");
const media = document.getElementById("media");
if (container && media && !container.dataset.manual) {
  createWaveform(container, media).then((ws) => { window.coachlabWaveform = ws; });
}
