// The dashboard's import pages (dashboard/import_pages.py), enhanced: a file over the size limit is
// refused before it is sent, and a running import's progress is read every second from
// progress.json (without this script, reloading the page shows the same figures).
"use strict";

(function () {
  function refuseLargeFiles(input) {
    var limit = Number(input.dataset.maxBytes);
    var message = document.getElementById("file-error");
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooLarge = file && limit && file.size > limit;
      var text = tooLarge
        ? "The file is larger than " + (limit / 1024 / 1024).toFixed(1) + " MB: split it into smaller files."
        : "";
      input.setCustomValidity(text);
      if (tooLarge) {
        input.setAttribute("aria-invalid", "true");
      } else {
        input.removeAttribute("aria-invalid");
      }
      if (message) {
        message.textContent = text;
        message.hidden = !text;
      }
    });
  }

  function figure(section, name) {
    return section.querySelector('[data-figure="' + name + '"]');
  }

  function show(section, progress) {
    var bar = section.querySelector("progress");
    bar.max = Math.max(progress.total, 1);
    bar.value = progress.done + progress.failed;
    bar.textContent = bar.value + " of " + progress.total;
    figure(section, "done").textContent = progress.done;
    figure(section, "total").textContent = progress.total;
    figure(section, "failed-text").textContent = progress.failed ? ", " + progress.failed + " failed" : "";
    figure(section, "rate").textContent = progress.rows_per_second
      ? progress.rows_per_second + " rows a second."
      : "";
    figure(section, "left").textContent =
      progress.seconds_left === null ? "" : "About " + progress.seconds_left + " seconds left.";
  }

  function follow(section) {
    var url = section.dataset.progressUrl;
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (progress) {
          show(section, progress);
          if (progress.finished) {
            window.location.reload(); // the summary is drawn by the server
          } else {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000); // the server may be restarting: try again later
        });
    }
    window.setTimeout(poll, 1000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var input = document.querySelector("input[type=file][data-max-bytes]");
    if (input) {
      refuseLargeFiles(input);
    }
    var section = document.querySelector("[data-progress-url][data-running]");
    if (section) {
      follow(section);
    }
  });
})();
