// Sizes the talk-time bar's parts from their data-share (percent). Set through the CSSOM,
// since the Content-Security-Policy refuses style attributes in the HTML.
document.querySelectorAll(".ratio-bar [data-share]").forEach((part) => {
  part.style.width = `${Number(part.dataset.share)}%`;
});
