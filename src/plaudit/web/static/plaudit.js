/* Plaudit's pages need one script: the "Copy" button next to a credential's link. It copies the
   link, says so to screen readers, and tells Plaudit (a beacon) so that the share is counted.
   Without this script the link stays in its read-only field, ready to copy by hand. */
(function () {
  "use strict";

  function copyText(input) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(input.value);
    }
    return new Promise(function (resolve, reject) {
      input.focus();
      input.select();
      try {
        if (document.execCommand("copy")) {
          resolve();
          return;
        }
      } catch (error) {
        /* fall through to reject */
      }
      reject(new Error("copy refused"));
    });
  }

  document.querySelectorAll("[data-copy-from]").forEach(function (button) {
    var input = document.getElementById(button.getAttribute("data-copy-from"));
    var group = button.closest(".copy");
    var status = group ? group.querySelector(".copy-status") : null;
    if (!input || !status) {
      return;
    }
    button.hidden = false;
    input.addEventListener("focus", function () {
      input.select();
    });
    button.addEventListener("click", function () {
      copyText(input).then(
        function () {
          status.textContent = "Link copied.";
        },
        function () {
          input.focus();
          input.select();
          status.textContent = "Press Ctrl+C (or \u2318C) to copy the selected link.";
        }
      );
      var beacon = button.getAttribute("data-beacon");
      if (beacon && navigator.sendBeacon) {
        navigator.sendBeacon(beacon);
      }
    });
  });
})();
