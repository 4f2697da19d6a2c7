/* What every page may do with JavaScript, switched on by data attributes: the Content-Security-Policy runs
   no inline script or on...= handler (backend/headers.py). Every page works without it too.
   data-autosubmit  on a <select>: its form is sent when the choice changes;
   data-confirm     on a <form>: the text is asked before the form is sent;
   data-copy="id"   on a <button>: the value of the field #id is copied, and data-copied replaces the label. */
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches("select[data-autosubmit]") && select.form) select.form.submit();
  });
  document.addEventListener("submit", function (event) {
    var question = event.target.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-copy]");
    if (!button) return;
    var field = document.getElementById(button.dataset.copy);
    if (field && navigator.clipboard) navigator.clipboard.writeText(field.value);
    if (button.dataset.copied) button.textContent = button.dataset.copied;
  });
})();
