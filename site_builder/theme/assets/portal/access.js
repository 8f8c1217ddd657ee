/* Every page: the 适老化 (care) switch — larger text and higher contrast, remembered in this
   browser (localStorage) — and, on phones, the header's search icon opening the search box
   in the header with the cursor in it (without JavaScript the icon is a link to /search/).
   Loaded in <head> so that the page is drawn in the chosen mode from the start; requests nothing. */
(function () {
  "use strict";
  var KEY = "portal-care";
  var root = document.documentElement;

  function remembered() {
    try { return window.localStorage.getItem(KEY) === "on"; } catch (err) { return false; }
  }

  function show(on) {
    root.classList.toggle("portal-care", on);
    var switches = document.querySelectorAll("[data-portal-care]");
    for (var i = 0; i < switches.length; i++) {
      switches[i].setAttribute("aria-pressed", on ? "true" : "false");
    }
  }

  function toggle() {
    var on = !root.classList.contains("portal-care");
    try { window.localStorage.setItem(KEY, on ? "on" : "off"); } catch (err) { /* private mode: this page only */ }
    show(on);
  }

  /* Phones: the header's search form is hidden; its icon shows it and focuses the box during
     the tap itself, so that the phone opens its keyboard. */
  function openSearch(event) {
    var link = event.target && event.target.closest && event.target.closest(".portal-header-search__link");
    var form = document.querySelector("[data-portal-header-search]");
    if (!link || !form || getComputedStyle(form).display !== "none") { return; }
    event.preventDefault();
    form.classList.add("portal-header-search--open");
    var input = form.querySelector("input[name=q]");
    input.focus();
    input.addEventListener("blur", function close() {
      if (!input.value) { form.classList.remove("portal-header-search--open"); }
      input.removeEventListener("blur", close);
    });
  }

  root.classList.add("portal-js");
  show(remembered());
  document.addEventListener("DOMContentLoaded", function () {
    show(root.classList.contains("portal-care"));
    document.addEventListener("click", function (event) {
      var target = event.target;
      if (target && target.closest && target.closest("[data-portal-care]")) {
        toggle();
      }
      openSearch(event);
    });
  });
  window.addEventListener("storage", function (event) {  // switched in another tab
    if (event.key === KEY) { show(event.newValue === "on"); }
  });
})();
