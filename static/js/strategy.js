// The strategy's small enhancements (VIS-1, VIS-2); every page works without them. Loaded by the strategy page and
// the objective editor only.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  // The editor's [data-levels="company"] fields show only while the form's level is one of those listed (a
  // strategic goal is a company objective's). Without JavaScript they are always shown; the server ignores them.
  function showLevelFields(form) {
    var level = form.querySelector('select[name="level"]');
    if (!level) return;
    form.querySelectorAll("[data-levels]").forEach(function (element) {
      element.hidden = element.getAttribute("data-levels").split(" ").indexOf(level.value) < 0;
    });
  }
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field instanceof HTMLSelectElement && field.name === "level" && field.form) showLevelFields(field.form);
  });

  // <details data-fold-narrow open>: folded on a narrow screen, where it would push the form down; open on a
  // wide one, beside the form (and everywhere without JavaScript).
  function foldOnNarrow() {
    if (!window.matchMedia("(max-width: 859px)").matches) return;
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (details) {
      details.open = false;
    });
  }

  // <ol data-goal-list>: a goal dragged onto another takes its place (the server renumbers them all); the arrow
  // buttons do the same one place at a time, with or without JavaScript.
  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }
  function bindGoalList(list) {
    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      dragged = event.target.closest ? event.target.closest("li[data-move-url]") : null;
      if (dragged && event.dataTransfer) {
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", dragged.id);
        dragged.classList.add("dragging");
      }
    });
    list.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("dragging");
      dragged = null;
    });
    list.addEventListener("dragover", function (event) {
      if (dragged) event.preventDefault();
    });
    list.addEventListener("drop", function (event) {
      var target = event.target.closest ? event.target.closest("li[data-move-url]") : null;
      if (!dragged || !target || target === dragged) return;
      event.preventDefault();
      var items = Array.prototype.slice.call(list.querySelectorAll(":scope > li[data-move-url]"));
      var body = new URLSearchParams({ place: String(items.indexOf(target) + 1) });
      fetch(dragged.getAttribute("data-move-url"), {
        method: "POST",
        body: body,
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      }).then(function () {
        window.location.reload();
      });
    });
  }

  ready(function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (form.querySelector("[data-levels]")) showLevelFields(form);
    });
    foldOnNarrow();
    document.querySelectorAll("[data-goal-list]").forEach(bindGoalList);
  });
})();
