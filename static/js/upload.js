// Upload with a progress bar. Without JavaScript the form posts normally.
(function () {
  const form = document.getElementById("upload-form");
  if (!form || !window.XMLHttpRequest) return;
  const bar = document.getElementById("upload-progress");
  const text = document.getElementById("upload-progress-text");
  const button = document.getElementById("upload-submit");

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      const percent = Math.round((100 * e.loaded) / e.total);
      bar.hidden = false;
      bar.value = percent;
      text.textContent = percent < 100 ? "Uploading… " + percent + "%" : "Checking the files…";
    });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href && xhr.status < 400) {
        window.location.assign(xhr.responseURL);
      } else {
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    });
    xhr.addEventListener("error", function () {
      button.disabled = false;
      text.textContent = "The upload was interrupted. Check your connection and try again.";
    });
    button.disabled = true;
    bar.hidden = false;
    text.textContent = "Uploading…";
    xhr.send(new FormData(form));
  });
})();
