// Weekly meetings (EXE-5): the countdown of the meeting's current part, from the end time the server gives.
// Each participant's screen counts down to the same time; htmx swaps the timer when a part ends.
(function () {
  "use strict";
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function tick() {
    document.querySelectorAll("time.clock[data-ends-at]").forEach(function (clock) {
      var ends = Date.parse(clock.getAttribute("data-ends-at"));
      if (isNaN(ends)) { return; }
      var left = Math.round((ends - Date.now()) / 1000);
      var over = left < 0;
      var seconds = Math.abs(left);
      var text = pad(Math.floor(seconds / 60)) + ":" + pad(seconds % 60);
      clock.textContent = over ? "−" + text + " " + (clock.getAttribute("data-over") || "") : text;
      clock.classList.toggle("over", over);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { tick(); window.setInterval(tick, 1000); });
}());
