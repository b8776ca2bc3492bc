// Drag and drop on a large screen (WS-4): a note card dragged onto a column posts the same form as the
// select-and-assign beside it (the note, its version, the column), so both ways take one path on the server and a
// stale move is refused the same way. Phones and keyboards use the select; nothing here is needed for them.
(function () {
  "use strict";

  function csrfHeaders() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (ignored) {
      return {};
    }
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest("[data-move-url]");
    if (!card) { return; }
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", JSON.stringify({
      url: card.dataset.moveUrl, note: card.dataset.note, version: card.dataset.version
    }));
  });

  document.addEventListener("dragover", function (event) {
    var target = event.target.closest && event.target.closest("[data-drop-column]");
    if (target) {
      event.preventDefault();
      target.classList.add("ws-drop");
    }
  });

  document.addEventListener("dragleave", function (event) {
    var target = event.target.closest && event.target.closest("[data-drop-column]");
    if (target) { target.classList.remove("ws-drop"); }
  });

  document.addEventListener("drop", function (event) {
    var target = event.target.closest && event.target.closest("[data-drop-column]");
    if (!target) { return; }
    event.preventDefault();
    target.classList.remove("ws-drop");
    var moved;
    try {
      moved = JSON.parse(event.dataTransfer.getData("text/plain"));
    } catch (ignored) {
      return;
    }
    window.htmx.ajax("POST", moved.url, {
      target: "#room-live",
      swap: "outerHTML",
      values: { note: moved.note, version: moved.version, column: target.dataset.dropColumn },
      headers: csrfHeaders()
    });
  });
})();
