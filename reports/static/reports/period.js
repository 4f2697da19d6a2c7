/* Report form: show only the inputs of the chosen kind of period. */
(function () {
  "use strict";
  var form = document.getElementById("period");
  if (!form) return;
  function sync() {
    var kind = (form.querySelector("input[name=kind]:checked") || {}).value || "fy";
    [["fy", ["fy"]], ["month", ["month"]], ["range", ["start", "end"]]].forEach(function (pair) {
      pair[1].forEach(function (name) {
        var field = document.getElementById("id_" + name).closest(".field");
        field.hidden = pair[0] !== kind;
      });
    });
  }
  form.addEventListener("change", sync);
  sync();
})();
