// Dossier screen: keyboard-first review, live validation, zoom and pan of the page image.
// No framework, no inline script (CSP script-src 'self').
(function () {
  "use strict";
  var root = document.getElementById("review");
  if (!root) { return; }
  var csrf = root.getAttribute("data-csrf");
  var svg = document.getElementById("page-view");
  var fields = Array.prototype.slice.call(document.querySelectorAll(".field"));
  var current = -1;
  var full = null;
  var view = null;

  var pageImage = document.getElementById("page-image");
  function setView(v) {
    view = v;
    if (!svg) { return; }
    svg.setAttribute("viewBox", v.join(" "));
    // zoomed in past the preview's resolution: fetch the full scan once
    if (pageImage && full && v[2] < full[2] * 0.3 && pageImage.getAttribute("data-full")) {
      pageImage.setAttribute("href", pageImage.getAttribute("data-full"));
      pageImage.removeAttribute("data-full");
    }
  }
  if (svg) {
    full = [0, 0, +svg.getAttribute("data-width"), +svg.getAttribute("data-height")];
    setView(full.slice());
  }

  function zoomTo(name) {
    var box = document.getElementById("box-" + name);
    document.querySelectorAll("rect.box.current").forEach(function (r) { r.classList.remove("current"); });
    if (!box || !full) { return; }
    box.classList.add("current");
    var x = +box.getAttribute("x"), y = +box.getAttribute("y");
    var w = +box.getAttribute("width"), h = +box.getAttribute("height");
    var vw = Math.max(w * 2.5, full[2] / 3), vh = vw * full[3] / full[2];
    setView([x + w / 2 - vw / 2, y + h / 2 - vh / 2, vw, vh]);
  }

  function select(i, edit) {
    if (i < 0 || i >= fields.length) { return; }
    if (current >= 0) { fields[current].classList.remove("current"); }
    current = i;
    var f = fields[i];
    f.classList.add("current");
    f.scrollIntoView({block: "nearest"});
    zoomTo(f.getAttribute("data-field"));
    var input = f.querySelector("input.value");
    if (input && !input.disabled) {
      input.focus();
      if (edit) { input.select(); } else { input.setSelectionRange(input.value.length, input.value.length); }
    }
  }

  function indexOf(name) {
    for (var i = 0; i < fields.length; i++) { if (fields[i].getAttribute("data-field") === name) { return i; } }
    return -1;
  }

  function zoom(factor) {
    if (!view) { return; }
    var cx = view[0] + view[2] / 2, cy = view[1] + view[3] / 2;
    var w = Math.min(full[2] * 2, view[2] * factor), h = w * full[3] / full[2];
    setView([cx - w / 2, cy - h / 2, w, h]);
  }

  var timers = {};
  function validate(input) {
    var name = input.getAttribute("data-field");
    var out = document.getElementById("live-" + name);
    if (!out) { return; }
    clearTimeout(timers[name]);
    timers[name] = setTimeout(function () {
      fetch("/api/fields/validate", {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf},
        body: JSON.stringify({field: name, value: input.value, dossier_id: root.getAttribute("data-dossier")})
      }).then(function (r) { return r.ok ? r.json() : null; }).then(function (v) {
        if (!v) { return; }
        out.className = "live " + (v.ok ? "good" : "bad");
        out.textContent = v.ok ? "✓ " + (v.value || "") : "✗ " + v.messages.join("; ");
        if (v.ok && v.messages.length) { out.textContent += " (" + v.messages.join("; ") + ")"; }
        if (v.warnings && v.warnings.length) { out.textContent += " ⚠ " + v.warnings.join("; "); }
      });
    }, 200);
  }

  document.addEventListener("input", function (e) {
    if (e.target.matches && e.target.matches("input.value")) { validate(e.target); }
  });

  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var inField = t.matches && t.matches("input, textarea, select");
    if (inField) {
      if (e.key === "Escape") { t.blur(); }
      if (e.key === "ArrowDown" && t.matches("input.value")) { e.preventDefault(); select(current + 1, false); }
      if (e.key === "ArrowUp" && t.matches("input.value")) { e.preventDefault(); select(current - 1, false); }
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var k = e.key.toLowerCase();
    if (k === "e") { e.preventDefault(); select(current < 0 ? 0 : current, true); }
    else if (k === "j") { select(current + 1, false); }
    else if (k === "k") { select(current - 1, false); }
    else if (k === "a") {
      var b = document.getElementById("approve");
      if (b && !b.disabled) { b.form.submit(); }
    }
    else if (k === "n") { var n = document.getElementById("next-dossier"); if (n) { n.click(); } }
    else if (k === "+" || k === "=") { zoom(0.8); }
    else if (k === "-") { zoom(1.25); }
    else if (k === "0" && full) { setView(full.slice()); }
    else if (k === "enter" && current >= 0) { fields[current].querySelector("form").submit(); }
  });

  if (svg) {
    svg.addEventListener("wheel", function (e) { e.preventDefault(); zoom(e.deltaY < 0 ? 0.85 : 1.15); },
                         {passive: false});
    var drag = null;
    svg.addEventListener("mousedown", function (e) { drag = [e.clientX, e.clientY, view.slice()]; });
    window.addEventListener("mouseup", function () { drag = null; });
    window.addEventListener("mousemove", function (e) {
      if (!drag) { return; }
      var s = drag[2][2] / svg.clientWidth;
      setView([drag[2][0] - (e.clientX - drag[0]) * s, drag[2][1] - (e.clientY - drag[1]) * s, drag[2][2], drag[2][3]]);
    });
  }

  fields.forEach(function (f, i) {
    f.addEventListener("focusin", function () { if (current !== i) { select(i, false); } });
  });

  var focus = root.getAttribute("data-focus");
  if (focus === "approve" || (!focus && document.getElementById("approve"))) {
    var ab = document.getElementById("approve");
    if (ab && !ab.disabled) { ab.focus(); }
  } else if (focus && indexOf(focus) >= 0) {
    select(indexOf(focus), false);
    var input = fields[current].querySelector("input.value");
    if (input && document.getElementById("live-" + focus).textContent === "") { validate(input); }
  }
})();
