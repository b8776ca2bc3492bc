// The live stand-up's countdowns (EXE-1): between two polls of the server's state (htmx, every 2 s), tick the
// group's and the speaker's clocks from the server's timestamps. Without JavaScript the page shows the seconds
// left when it was loaded and reloads by hand.
(function () {
  "use strict";

  var offset = 0; // server time minus this browser's time, in ms

  function format(seconds) {
    var sign = seconds < 0 ? "−" : "";
    var left = Math.abs(seconds);
    var minutes = Math.floor(left / 60);
    var rest = left % 60;
    return sign + minutes + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tick() {
    var live = document.getElementById("live");
    if (!live) return;
    var now = Date.now() + offset;
    var total = parseInt(live.getAttribute("data-total") || "0", 10);
    var share = parseInt(live.getAttribute("data-share") || "0", 10);
    var clocks = {
      group: [live.getAttribute("data-meeting-started"), total],
      speaker: [live.getAttribute("data-speaker-started"), share],
    };
    live.querySelectorAll("[data-countdown]").forEach(function (element) {
      var clock = clocks[element.getAttribute("data-countdown")];
      if (!clock || !clock[0]) return;
      var left = Math.round(clock[1] - (now - Date.parse(clock[0])) / 1000);
      element.textContent = format(left);
      element.classList.toggle("over", left < 0);
    });
  }

  function sync() {
    var live = document.getElementById("live");
    if (!live || !live.getAttribute("data-now")) return;
    offset = Date.parse(live.getAttribute("data-now")) - Date.now();
    tick();
  }

  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSettle", sync);
  window.setInterval(tick, 250);
})();
