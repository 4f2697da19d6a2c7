/* EventCalendar marks its views up with table roles (row, rowgroup, rowheader, columnheader) whose structure is
   incomplete for assistive technology (rows without cells, a rowheader outside a row): axe-core reports them as
   critical. Wrong ARIA is worse than none, so the calendar's table roles are removed with the attributes only
   such parts may carry (aria-colindex, …), now and whenever it redraws;
   what it shows is reachable otherwise (the form's start and end fields, the keyboard keys, the legend and the
   plain list of each day). Buttons keep their role. */
(function () {
  "use strict";
  var TABLE_ROLES = ["table", "grid", "row", "rowgroup", "rowheader", "columnheader", "cell", "gridcell"];
  // Attributes that only a table's parts may carry: without the roles they are errors of their own.
  var TABLE_ATTRIBUTES = ["aria-colindex", "aria-rowindex", "aria-colspan", "aria-rowspan", "aria-colcount",
    "aria-rowcount"];
  var SELECTOR = "[role]," + TABLE_ATTRIBUTES.map(function (name) { return "[" + name + "]"; }).join(",");

  function strip(root) {
    if (root.nodeType !== 1) return;
    var all = [root].concat(Array.prototype.slice.call(root.querySelectorAll(SELECTOR)));
    all.forEach(function (element) {
      if (TABLE_ROLES.indexOf(element.getAttribute("role")) !== -1) element.removeAttribute("role");
      TABLE_ATTRIBUTES.forEach(function (name) { element.removeAttribute(name); });
    });
  }

  window.KyoyoCalendarRoles = {
    watch: function (container) {
      strip(container);
      new MutationObserver(function (changes) {
        changes.forEach(function (change) {
          if (change.type === "attributes") strip(change.target);
          Array.prototype.forEach.call(change.addedNodes, strip);
        });
      }).observe(container, { childList: true, subtree: true, attributes: true, attributeFilter: ["role"].concat(TABLE_ATTRIBUTES) });
    },
  };
})();
