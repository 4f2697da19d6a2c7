/* Instrument page: picking a free slot fills the request form in place (the link works without JavaScript too). */
(function () {
  "use strict";
  document.querySelectorAll("a.slot.free").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var start = document.getElementById("id_start"), end = document.getElementById("id_end");
      if (!start || !end) return;
      event.preventDefault();
      start.value = link.dataset.start; end.value = link.dataset.end;
      document.getElementById("request").scrollIntoView({behavior: "smooth"});
      start.focus();
    });
  });
})();
