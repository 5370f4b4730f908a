/* The embedded design editor (web/designer.py). An issuer starts from the design as it is, an
   uploaded SVG template or a background image, places merge fields on it, previews it with
   sample data (a PNG drawn by Plaudit) and saves it. Every request carries the editor's token in
   a header; a save is posted to the embedding window as {completed, status, design}. */
(function () {
  "use strict";

  var root = document.getElementById("main");
  var token = root.getAttribute("data-token");
  var tokenHeader = root.getAttribute("data-token-header");
  var kind = root.getAttribute("data-kind");
  var maxSvgBytes = Number(root.getAttribute("data-max-svg-bytes"));
  var maxImageBytes = Number(root.getAttribute("data-max-image-bytes"));
  var QR_FIELD = "credential.url";

  var stage = document.getElementById("stage");
  var preview = document.getElementById("preview");
  var markers = document.getElementById("markers");
  var statusLine = document.getElementById("status");
  var placedList = document.getElementById("placed");
  var placedTemplate = document.getElementById("placed-template");
  var nameInput = document.getElementById("design-name");
  var fieldSelect = document.getElementById("field-name");
  var baseNote = document.getElementById("base-note");

  var state = { base: "current", svg: null, image: null, fields: [] };
  var previewUrl = null;
  var previewSerial = 0;
  var previewTimer = null;

  function say(text, isError) {
    statusLine.textContent = text;
    statusLine.classList.toggle("error", Boolean(isError));
  }

  function describe(errors) {
    if (typeof errors === "string") {
      return errors;
    }
    return Object.keys(errors || {})
      .map(function (name) {
        return name + ": " + [].concat(errors[name]).join(", ");
      })
      .join("; ");
  }

  function value(id) {
    var element = document.getElementById(id);
    return element ? element : null;
  }

  function documentBody() {
    var body = {
      name: nameInput.value,
      base: state.base,
      fields: state.fields.map(function (field) {
        return {
          name: field.name,
          x: field.x,
          y: field.y,
          size: field.size / 100,
          color: field.color,
          anchor: field.anchor,
          font: field.font,
          bold: field.bold
        };
      })
    };
    if (kind === "certificate") {
      body.orientation = value("design-orientation").value;
      body.size = value("design-size").value;
      body.background_bleeds = value("design-bleeds").checked;
    }
    if (state.base === "svg") {
      body.svg = state.svg;
    }
    if (state.base === "image") {
      body.image = state.image;
    }
    return body;
  }

  function post(path) {
    var headers = { "Content-Type": "application/json" };
    headers[tokenHeader] = token;
    return fetch(path, {
      method: "POST",
      headers: headers,
      credentials: "same-origin",
      body: JSON.stringify(documentBody())
    });
  }

  function failed(response, what) {
    return response
      .json()
      .then(function (body) {
        say(what + ": " + describe(body.errors), true);
      })
      .catch(function () {
        say("Something went wrong (" + response.status + ").", true);
      });
  }

  function refreshPreview() {
    window.clearTimeout(previewTimer); // this drawing supersedes a scheduled one
    var serial = ++previewSerial;
    say("Drawing the preview…");
    return post("/designer/preview")
      .then(function (response) {
        if (!response.ok) {
          return failed(response, "No preview");
        }
        return response.blob().then(function (blob) {
          if (serial !== previewSerial) {
            return;
          }
          var old = previewUrl;
          previewUrl = URL.createObjectURL(blob);
          return new Promise(function (resolve) {
            preview.onload = function () {
              stage.classList.remove("empty");
              if (old) {
                URL.revokeObjectURL(old);
              }
              say("Preview up to date.");
              resolve();
            };
            preview.src = previewUrl;
          });
        });
      })
      .catch(function () {
        say("The preview could not be drawn. Check your connection.", true);
      });
  }

  function schedulePreview() {
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(refreshPreview, 400);
  }

  function clamp(number) {
    return Math.min(1, Math.max(0, number));
  }

  function place(marker, field) {
    marker.style.left = field.x * 100 + "%";
    marker.style.top = field.y * 100 + "%";
  }

  function renderMarkers() {
    markers.textContent = "";
    state.fields.forEach(function (field) {
      var marker = document.createElement("button");
      marker.type = "button";
      marker.className = "marker";
      marker.textContent = field.name === QR_FIELD ? "QR code" : field.name;
      marker.setAttribute("aria-label", "Move " + marker.textContent);
      place(marker, field);
      marker.addEventListener("pointerdown", function (event) {
        marker.setPointerCapture(event.pointerId);
        marker.classList.add("dragging");
      });
      marker.addEventListener("pointermove", function (event) {
        if (!marker.hasPointerCapture(event.pointerId)) {
          return;
        }
        var box = markers.getBoundingClientRect();
        field.x = clamp((event.clientX - box.left) / box.width);
        field.y = clamp((event.clientY - box.top) / box.height);
        place(marker, field);
      });
      marker.addEventListener("pointerup", function (event) {
        marker.releasePointerCapture(event.pointerId);
        marker.classList.remove("dragging");
        schedulePreview();
      });
      marker.addEventListener("keydown", function (event) {
        var step = event.shiftKey ? 0.05 : 0.01;
        var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
        var move = moves[event.key];
        if (!move) {
          return;
        }
        event.preventDefault();
        field.x = clamp(field.x + move[0]);
        field.y = clamp(field.y + move[1]);
        place(marker, field);
        schedulePreview();
      });
      markers.appendChild(marker);
    });
  }

  function renderPlaced() {
    placedList.textContent = "";
    state.fields.forEach(function (field, index) {
      var item = placedTemplate.content.firstElementChild.cloneNode(true);
      item.querySelector(".placed-name").textContent = field.name;
      var inputs = {
        size: item.querySelector(".f-size"),
        color: item.querySelector(".f-color"),
        anchor: item.querySelector(".f-anchor"),
        font: item.querySelector(".f-font"),
        bold: item.querySelector(".f-bold")
      };
      inputs.size.value = field.size;
      inputs.color.value = field.color;
      inputs.anchor.value = field.anchor;
      inputs.font.value = field.font;
      inputs.bold.checked = field.bold;
      Object.keys(inputs).forEach(function (key) {
        inputs[key].addEventListener("change", function () {
          if (key === "bold") {
            field.bold = inputs.bold.checked;
          } else if (key === "size") {
            field.size = Math.min(50, Math.max(1, Number(inputs.size.value) || 5));
          } else {
            field[key] = inputs[key].value;
          }
          schedulePreview();
        });
      });
      item.querySelector(".f-remove").addEventListener("click", function () {
        state.fields.splice(index, 1);
        renderPlaced();
        schedulePreview();
      });
      placedList.appendChild(item);
    });
    renderMarkers();
  }

  function addField() {
    var name = fieldSelect.value;
    var offset = (state.fields.length % 5) * 0.08;
    state.fields.push({
      name: name,
      x: name === QR_FIELD ? 0.85 : 0.5,
      y: name === QR_FIELD ? 0.8 : clamp(0.3 + offset),
      size: name === QR_FIELD ? 18 : 5,
      color: "#1d2733",
      anchor: "middle",
      font: "Source Serif Pro",
      bold: false
    });
    renderPlaced();
    schedulePreview();
  }

  function readFile(input, maxBytes, types, asText, apply) {
    var file = input.files && input.files[0];
    if (!file) {
      return;
    }
    if (file.size > maxBytes) {
      say(file.name + " is too large (the limit is " + Math.round(maxBytes / 1048576) + " MB).", true);
      input.value = "";
      return;
    }
    if (types && types.indexOf(file.type) < 0) {
      say(file.name + " is not a PNG or JPEG image.", true);
      input.value = "";
      return;
    }
    var reader = new FileReader();
    reader.onload = function () {
      apply(reader.result, file.name);
      refreshPreview();
    };
    reader.onerror = function () {
      say(file.name + " could not be read.", true);
    };
    if (asText) {
      reader.readAsText(file);
    } else {
      reader.readAsDataURL(file);
    }
  }

  function save() {
    // A preview scheduled before the save would overwrite its confirmation when it fires.
    window.clearTimeout(previewTimer);
    say("Saving…");
    return post("/designer/save")
      .then(function (response) {
        if (!response.ok) {
          return failed(response, "Not saved");
        }
        return response.json().then(function (body) {
          state = { base: "current", svg: null, image: null, fields: [] };
          document.getElementById("svg-file").value = "";
          document.getElementById("image-file").value = "";
          baseNote.textContent = "Starting from the design as saved.";
          renderPlaced();
          if (window.parent !== window) {
            window.parent.postMessage({ completed: true, status: "saved", design: body.design }, "*");
          }
          return refreshPreview().then(function () {
            say("Saved “" + body.design.name + "”.");
          });
        });
      })
      .catch(function () {
        say("The design could not be saved. Check your connection.", true);
      });
  }

  document.getElementById("svg-file").addEventListener("change", function (event) {
    readFile(event.target, maxSvgBytes, null, true, function (text, name) {
      state.base = "svg";
      state.svg = text;
      state.image = null;
      baseNote.textContent = "Using the SVG template " + name + ".";
    });
  });
  document.getElementById("image-file").addEventListener("change", function (event) {
    readFile(event.target, maxImageBytes, ["image/png", "image/jpeg"], false, function (uri, name) {
      state.base = "image";
      state.image = uri;
      state.svg = null;
      baseNote.textContent = "Using the background image " + name + ".";
    });
  });
  ["design-orientation", "design-size", "design-bleeds"].forEach(function (id) {
    var element = value(id);
    if (element) {
      element.addEventListener("change", schedulePreview);
    }
  });
  document.getElementById("add-field").addEventListener("click", addField);
  document.getElementById("preview-button").addEventListener("click", refreshPreview);
  document.getElementById("save-button").addEventListener("click", save);
  document.getElementById("design-form").addEventListener("submit", function (event) {
    event.preventDefault();
  });

  stage.classList.add("empty");
  refreshPreview();
})();
