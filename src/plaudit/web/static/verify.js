// The verify page without a reload: drop or choose a file, or paste a credential, and the
// result appears below. Without JavaScript the form posts and the server renders the same result.
(function () {
  "use strict";
  var form = document.getElementById("verify-form");
  var zone = document.getElementById("drop-zone");
  var input = document.getElementById("verify-file");
  var text = document.getElementById("verify-text");
  var out = document.getElementById("verify-result");
  if (!form || !zone || !input || !text || !out) return;
  var labels = {proof: "Signature", issuer: "Issuer's key", status: "Not revoked or suspended",
    validity: "Validity dates", schema: "Open Badges 3.0 schema"};
  var verdicts = {valid: "Verified", invalid: "Not verified", unchecked: "Could not be checked"};
  var outcomes = {unchecked: "could not be checked"};

  function el(tag, className, content) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  function render(result) {
    out.replaceChildren();
    var state = result.verdict || (result.valid ? "valid" : "invalid");
    var verdict = el("div", "verdict " + state);
    verdict.setAttribute("role", "status");
    verdict.appendChild(el("strong", "verdict-title", verdicts[state] || "Not verified"));
    var about = result.credential || {};
    var what = about.achievement || about.name || "";
    if (about.issuer_name) what += " · issued by " + about.issuer_name;
    if (what) verdict.appendChild(el("span", "verdict-what", what));
    out.appendChild(verdict);
    if (result.checks && result.checks.length) {
      var table = el("table", "checks");
      var head = el("thead");
      var row = el("tr");
      ["Check", "Result", "Why"].forEach(function (title) {
        var th = el("th", "", title);
        th.scope = "col";
        row.appendChild(th);
      });
      head.appendChild(row);
      table.appendChild(head);
      var body = el("tbody");
      result.checks.forEach(function (check) {
        var tr = el("tr", "check-" + check.outcome);
        tr.dataset.check = check.name;
        var th = el("th", "", labels[check.name] || check.name);
        th.scope = "row";
        tr.appendChild(th);
        tr.appendChild(el("td", "", outcomes[check.outcome] || check.outcome));
        tr.appendChild(el("td", "", check.reason));
        body.appendChild(tr);
      });
      table.appendChild(body);
      out.appendChild(table);
    } else {
      out.appendChild(el("p", "verdict-error", (result.errors || []).join("; ")));
    }
    if (result.format) {
      out.appendChild(el("p", "muted", "Read as " + result.format + " from " + result.source + "."));
    }
    out.hidden = false;
  }

  function submit() {
    var data = new FormData();
    if (input.files && input.files.length) data.append("file", input.files[0]);
    else data.append("credential", text.value);
    out.hidden = false;
    out.replaceChildren(el("p", "muted", "Verifying…"));
    fetch(form.action, {method: "POST", body: data, headers: {Accept: "application/json"}})
      .then(function (response) { return response.json(); })
      .then(render)
      .catch(function () {
        render({valid: false, checks: [], errors: ["The verification could not be run. Try again."]});
      });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit();
  });
  input.addEventListener("change", function () {
    if (input.files && input.files.length) {
      text.value = "";
      submit();
    }
  });
  ["dragenter", "dragover"].forEach(function (name) {
    zone.addEventListener(name, function (event) {
      event.preventDefault();
      zone.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    zone.addEventListener(name, function () { zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      text.value = "";
      submit();
    }
  });
}());
