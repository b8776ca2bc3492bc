// Small progressive enhancements; every page works without them. No inline handlers in the templates (a
// Content-Security-Policy without inline script): the markup says what it wants with data-* attributes.
(function () {
  "use strict";

  // <select data-autosubmit> (or a check box): choosing an option sends its form (the language switcher,
  // cycle pickers, report filters); without JavaScript the form's own button does.
  document.addEventListener("change", function (event) {
    var field = event.target;
    var control = field instanceof HTMLSelectElement || (field instanceof HTMLInputElement && field.type === "checkbox");
    if (control && field.hasAttribute("data-autosubmit") && field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  });

  // <select data-kind-switch> inside [data-kind-scope]: only the scope's [data-kinds="a b"] elements that list
  // the chosen kind are shown (a key result's fields by its kind). Without JavaScript every field is shown and
  // the server ignores those the kind does not use.
  function showKindFields(select) {
    var scope = select.closest("[data-kind-scope]");
    if (!scope) return;
    var kind = select.value;
    scope.querySelectorAll("[data-kinds]").forEach(function (element) {
      element.hidden = element.getAttribute("data-kinds").split(" ").indexOf(kind) < 0;
    });
  }
  function showAllKindFields(root) {
    root.querySelectorAll("select[data-kind-switch]").forEach(showKindFields);
  }
  document.addEventListener("change", function (event) {
    if (event.target instanceof HTMLSelectElement && event.target.hasAttribute("data-kind-switch")) {
      showKindFields(event.target);
    }
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { showAllKindFields(document); });
  } else {
    showAllKindFields(document);
  }

  function firstField(region) {
    return region.querySelector("[autofocus], input:not([type=hidden]), select, textarea, button");
  }

  // A field given the focus by the page has its value selected, as Tab would: typing replaces it.
  var TEXT_TYPES = /^(text|search|number|tel|email|url)?$/;
  function focusField(field) {
    field.focus();
    if (field instanceof HTMLInputElement && TEXT_TYPES.test(field.getAttribute("type") || "")) field.select();
  }

  // <button data-disclosure aria-controls="ID" aria-expanded="…">: once the region ID is on the page, the
  // button shows and hides it (and the request that would fetch it is not sent again); before, the button's
  // form asks the server for it (with htmx into the page, else as a page of its own).
  document.addEventListener("click", function (event) {
    var control = event.target.closest ? event.target.closest("[data-disclosure]") : null;
    if (!control) return;
    var region = document.getElementById(control.getAttribute("aria-controls"));
    if (!region) return;
    event.preventDefault();
    var open = control.getAttribute("aria-expanded") !== "true";
    control.setAttribute("aria-expanded", open ? "true" : "false");
    region.hidden = !open;
    if (open) {
      var field = firstField(region);
      if (field) focusField(field);
    }
  });

  // Escape inside an opened region closes it and puts the focus back on its control.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !event.target.closest) return;
    var region = event.target.closest("[id]");
    while (region) {
      var control = document.querySelector('[data-disclosure][aria-controls="' + CSS.escape(region.id) + '"]');
      if (control && control.getAttribute("aria-expanded") === "true") {
        control.setAttribute("aria-expanded", "false");
        region.hidden = true;
        control.focus();
        return;
      }
      region = region.parentElement ? region.parentElement.closest("[id]") : null;
    }
  });

  // The menu's search box: its dropdown of results closes on Escape (the focus back in the field, which keeps
  // what was typed) and when the focus leaves the box; typing or new results open it again.
  function searchDropdown(element) {
    var box = element && element.closest ? element.closest(".search-box") : null;
    return box ? box.querySelector(".search-dropdown") : null;
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var dropdown = searchDropdown(event.target);
    if (!dropdown || dropdown.hidden || !dropdown.firstElementChild) return;
    event.preventDefault(); // a search field would clear itself and search again
    dropdown.hidden = true;
    var field = dropdown.closest(".search-box").querySelector("input[type=search]");
    if (field) field.focus();
  });
  document.addEventListener("focusout", function (event) {
    var dropdown = searchDropdown(event.target);
    if (!dropdown) return;
    var next = event.relatedTarget;
    if (next && dropdown.closest(".search-box").contains(next)) return;
    if (dropdown.matches(":hover")) return; // a click on a result, in a browser that does not focus links
    dropdown.hidden = true;
  });
  document.addEventListener("input", function (event) {
    var dropdown = searchDropdown(event.target);
    if (dropdown) dropdown.hidden = false;
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail && event.detail.target;
    if (target && target.classList && target.classList.contains("search-dropdown")) target.hidden = false;
  });

  // htmx focuses the [autofocus] field of what it swaps in (the check-in form): its value is selected as it
  // gets the focus, before a key can be typed.
  document.addEventListener("focusin", function (event) {
    var field = event.target;
    if (field instanceof HTMLInputElement && field.hasAttribute("autofocus") && TEXT_TYPES.test(field.getAttribute("type") || "")) {
      field.select();
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    var box = document.getElementById("htmx-error");
    if (!box) {
      box = document.createElement("p");
      box.id = "htmx-error";
      box.className = "error";
      box.setAttribute("role", "alert");
      document.getElementById("main").prepend(box);
    }
    box.textContent = event.detail.xhr.status + " " + event.detail.xhr.statusText;
  });
})();
