// Queue: J/K move through the rows, Enter opens the dossier.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr"));
  var i = -1;
  function mark(n) {
    if (n < 0 || n >= rows.length) { return; }
    if (i >= 0) { rows[i].classList.remove("current"); }
    i = n;
    rows[i].classList.add("current");
    rows[i].querySelector("a").focus();
  }
  document.addEventListener("keydown", function (e) {
    if (e.target.matches("input, select, textarea") || e.ctrlKey || e.metaKey || e.altKey) { return; }
    if (e.key === "j") { mark(i + 1); } else if (e.key === "k") { mark(i - 1); }
  });
  if (rows.length) { mark(0); }
})();
