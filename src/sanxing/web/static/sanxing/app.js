/* sanxing: the little JavaScript the shell needs. Everything works without it. */
(function () {
  "use strict";
  var toggle = document.getElementById("menu-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      nav.classList.toggle("is-open", !open);
    });
  }
  // Move focus to the error summary so screen-reader and keyboard users hear it first.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
})();
