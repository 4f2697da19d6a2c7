/* Referral form: show only the chosen institution's instruments and experts, and untick the others' (without the
   script, all are listed and the service refuses a mismatch next to the field). */
(function () {
  "use strict";
  var institution = document.getElementById("id_institution");
  if (!institution) return;
  function follow() {
    var chosen = institution.options[institution.selectedIndex];
    var name = chosen && chosen.value ? chosen.text : "";
    ["id_instruments", "id_experts"].forEach(function (id) {
      var box = document.getElementById(id);
      if (!box) return;
      var groups = box.querySelectorAll(".check-group[data-group]");
      var anyShown = false;
      Array.prototype.forEach.call(groups, function (group) {
        var shown = !name || group.getAttribute("data-group") === name;
        group.hidden = !shown;
        anyShown = anyShown || shown;
        if (!shown) {
          Array.prototype.forEach.call(group.querySelectorAll("input[type=checkbox]"), function (c) {
            c.checked = false;
          });
        }
      });
      var field = box.closest("fieldset.field");
      if (field) field.hidden = !anyShown;
    });
  }
  institution.addEventListener("change", follow);
  follow();
})();
