// The credential page's verification panel: asks the server to verify the credential's signed
// form now and shows each check. Without JavaScript the panel links to the same result.
(function () {
  "use strict";
  var panel = document.querySelector(".live-verification[data-live]");
  if (!panel) return;
  var verdict = panel.querySelector(".verdict");
  var list = panel.querySelector(".checks-list");
  var labels = {};
  var template = document.getElementById("check-labels");
  if (template) {
    template.content.querySelectorAll("[data-check]").forEach(function (node) {
      labels[node.dataset.check] = node.textContent;
    });
  }

  function show(result) {
    verdict.className = "verdict " + (result.valid ? "valid" : "invalid");
    var title = document.createElement("strong");
    title.className = "verdict-title";
    title.textContent = result.valid ? "Verified just now" : "Does not verify";
    verdict.replaceChildren(title);
    list.replaceChildren();
    (result.checks || []).forEach(function (check) {
      var item = document.createElement("li");
      item.className = "check-" + check.outcome;
      item.dataset.check = check.name;
      var name = document.createElement("span");
      name.className = "check-name";
      name.textContent = labels[check.name] || check.name;
      var outcome = document.createElement("span");
      outcome.className = "check-outcome";
      outcome.textContent = check.outcome;
      item.append(name, ": ", outcome);
      if (check.outcome === "failed") {
        var why = document.createElement("span");
        why.className = "muted";
        why.textContent = " (" + check.reason + ")";
        item.appendChild(why);
      }
      list.appendChild(item);
    });
    list.hidden = false;
  }

  verdict.querySelector(".verdict-title").textContent = "Checking…";
  // The header tells the server this is the page's own check, not a verification to count.
  var headers = {Accept: "application/json", "X-Plaudit-Panel": "1"};
  fetch(panel.dataset.live, {headers: headers, credentials: "same-origin"})
    .then(function (response) { return response.json(); })
    .then(show)
    .catch(function () {
      verdict.querySelector(".verdict-title").textContent = "The check could not be run now.";
    });
}());
