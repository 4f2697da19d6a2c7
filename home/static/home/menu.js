// The header's menu on phones: the nav folds behind the "Menu" button. Without this script the button stays hidden
// and the nav open (it wraps), so every link is reachable without JavaScript. The button's text is the template's.
(function () {
  "use strict";
  var button = document.querySelector("header.site .menu-toggle");
  var nav = document.getElementById("main-nav");
  if (!button || !nav) return;
  document.documentElement.classList.add("menu-ready");
  button.hidden = false;
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
  }
  button.addEventListener("click", function () {
    set(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      set(false);
      button.focus();
    }
  });
})();
