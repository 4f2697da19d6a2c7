/* Referral form: show only the chosen institution's instruments and experts (without the script, all are
   listed and the service refuses a mismatch next to the field). */
(function () {
  "use strict";
  var institution = document.getElementById("id_institution");
  if (!institution) return;
  function follow() {
    var chosen = institution.options[institution.selectedIndex];
    var name = chosen && chosen.value ? chosen.text : "";
    ["id_instruments", "id_experts"].forEach(function (id) {
      var select = document.getElementById(id);
      if (!select) return;
      Array.prototype.forEach.call(select.getElementsByTagName("optgroup"), function (group) {
        var shown = !name || group.label === name;
        group.hidden = !shown;
        if (!shown) Array.prototype.forEach.call(group.children, function (o) { o.selected = false; });
      });
    });
  }
  institution.addEventListener("change", follow);
  follow();
})();
