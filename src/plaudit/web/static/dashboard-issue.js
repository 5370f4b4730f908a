// The issue form's live preview (/dashboard/issue): a moment after the form changes, the
// certificate and badge images are drawn again from its values. Without this script the
// form's "Preview" button does the same with a round trip.
(function () {
  "use strict";

  var WAIT_MS = 400;
  var FIELDS = [
    "achievement",
    "recipient_name",
    "recipient_email",
    "issued_on",
    "expired_on",
    "grade",
    "attribute_key",
    "attribute_value",
  ];

  var form = document.getElementById("issue-form");
  var preview = document.getElementById("issue-preview");
  if (!form || !preview) {
    return;
  }
  var path = preview.getAttribute("data-preview-path");
  var images = Array.prototype.slice.call(preview.querySelectorAll("img[data-kind]"));
  var empty = document.getElementById("preview-empty");
  var status = document.getElementById("preview-status");
  var timer = null;

  function parameters() {
    var data = new FormData(form);
    var query = new URLSearchParams();
    FIELDS.forEach(function (name) {
      data.getAll(name).forEach(function (value) {
        query.append(name, value);
      });
    });
    return query;
  }

  function refresh() {
    var query = parameters();
    var chosen = Boolean(query.get("achievement"));
    empty.hidden = chosen;
    images.forEach(function (image) {
      if (!chosen) {
        image.hidden = true;
        image.removeAttribute("src");
        return;
      }
      var url = path + "/" + image.getAttribute("data-kind") + ".png?" + query.toString();
      if (image.getAttribute("src") !== url) {
        preview.setAttribute("aria-busy", "true");
        image.src = url;
      }
      image.hidden = false;
    });
  }

  function loaded() {
    if (images.every(function (image) { return image.hidden || image.complete; })) {
      preview.removeAttribute("aria-busy");
      status.textContent = "Preview updated.";
    }
  }

  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, WAIT_MS);
  }

  images.forEach(function (image) {
    image.addEventListener("load", loaded);
    image.addEventListener("error", loaded);
  });
  form.addEventListener("input", later);
  form.addEventListener("change", later);
})();
