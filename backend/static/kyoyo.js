/* What every page may do with JavaScript, switched on by data attributes: the Content-Security-Policy runs
   no inline script or on...= handler (backend/headers.py). Every page works without it too.
   data-autosubmit  on a <select>: its form is sent when the choice changes;
   data-confirm     on a <form>: the text is asked before the form is sent;
   data-copy="id"   on a <button>: the value of the field #id is copied, and data-copied replaces the label;
   data-counts="id" on an element (includes/field.html, for a text area with a limit): it shows the characters
                    left (data-left) or how far over the limit the text is (data-over); the text area then takes
                    more than its limit, so a paste is never cut short silently, and a form over a limit is not sent.
   Every POST form: its buttons are disabled while it is sending (a second click sends nothing), and enabled again
   when the page comes back from the back-forward cache.
   The language switch (select[name=language]) keeps what is typed in the page's forms: they are saved in
   sessionStorage before the switch and put back on the page in the new language.
   #kept-input (JSON, backend/kept_input.py): a form's fields kept while the user logged in again, put back once. */
(function () {
  "use strict";
  var SAVED = "kyoyo-forms:" + location.pathname;

  function isLanguageForm(form) {
    return !!form.querySelector("select[name=language]");
  }

  function keptFields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && !field.disabled && field.name !== "csrfmiddlewaretoken" &&
        ["password", "file", "submit", "button", "reset", "image"].indexOf(field.type) < 0;
    });
  }

  function pageForms() {
    return Array.prototype.filter.call(document.forms, function (form) { return !isLanguageForm(form); });
  }

  function saveForms() {
    var saved = pageForms().map(function (form) {
      var values = {};
      keptFields(form).forEach(function (field) {
        if (field.type === "checkbox" || field.type === "radio") {
          if (field.checked) (values[field.name] = values[field.name] || []).push(field.value);
          else values[field.name] = values[field.name] || [];
        } else if (field.multiple) {
          values[field.name] = Array.prototype.filter.call(field.options, function (o) { return o.selected; })
            .map(function (o) { return o.value; });
        } else {
          (values[field.name] = values[field.name] || []).push(field.value);
        }
      });
      return values;
    });
    try { sessionStorage.setItem(SAVED, JSON.stringify(saved)); } catch (e) { /* storage off: nothing kept */ }
  }

  function fill(form, values) {
    var seen = {};
    keptFields(form).forEach(function (field) {
      var wanted = values[field.name];
      if (!wanted) return;
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = wanted.indexOf(field.value) >= 0;
      } else if (field.multiple) {
        Array.prototype.forEach.call(field.options, function (o) { o.selected = wanted.indexOf(o.value) >= 0; });
      } else {
        var n = seen[field.name] || 0;
        if (n < wanted.length && field.type !== "hidden") field.value = wanted[n];
        seen[field.name] = n + 1;
      }
      field.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  function restoreForms() {
    var saved = null;
    try {
      saved = JSON.parse(sessionStorage.getItem(SAVED) || "null");
      sessionStorage.removeItem(SAVED);
    } catch (e) { saved = null; }
    if (saved) pageForms().forEach(function (form, i) { if (saved[i]) fill(form, saved[i]); });
    var kept = document.getElementById("kept-input");
    if (kept) {
      var fields = JSON.parse(kept.textContent);
      var names = Object.keys(fields);
      pageForms().filter(function (form) { return form.method === "post"; }).some(function (form) {
        var hits = names.filter(function (name) { return form.elements[name]; }).length;
        if (hits && hits >= names.length / 2) { fill(form, fields); return true; }
        return false;
      });
    }
  }

  // --- Counters of long text ---------------------------------------------------------------------------------------
  function counted(counter) {
    return document.getElementById(counter.dataset.counts);
  }

  function count(counter) {
    var area = counted(counter);
    if (!area) return true;
    var max = parseInt(counter.dataset.max, 10);
    var length = area.value.length;
    var over = length > max;
    counter.textContent = (over ? counter.dataset.over : counter.dataset.left)
      .replace("{n}", String(max - length)).replace("{count}", String(length)).replace("{max}", String(max));
    counter.classList.toggle("bad", over);
    if (over) area.setAttribute("aria-invalid", "true"); else area.removeAttribute("aria-invalid");
    return !over;
  }

  document.querySelectorAll("[data-counts]").forEach(function (counter) {
    var area = counted(counter);
    if (!area) return;
    area.removeAttribute("maxlength");
    area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    count(counter);
  });

  document.addEventListener("input", function (event) {
    if (!event.target.id) return;
    var counter = document.querySelector('[data-counts="' + event.target.id + '"]');
    if (counter) count(counter);
  });

  // --- Existing behaviours -----------------------------------------------------------------------------------------
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches("select[name=language]")) saveForms();
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

  // --- Sending once ------------------------------------------------------------------------------------------------
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) return;
    if (isLanguageForm(form)) saveForms();
    var over = Array.prototype.filter.call(form.querySelectorAll("[data-counts]"), function (c) {
      return !count(c);
    });
    if (over.length) {
      event.preventDefault();
      counted(over[0]).focus();
      return;
    }
    if (form.method !== "post") return;
    if (form.dataset.sending) {
      event.preventDefault();
      return;
    }
    form.dataset.sending = "1";
    form.setAttribute("aria-busy", "true");
    // After this turn: the button that was clicked is still part of what the form sends (a disabled one is not).
    setTimeout(function () {
      form.querySelectorAll("button, input[type=submit]").forEach(function (button) { button.disabled = true; });
    }, 0);
    // A form answered by a download leaves the page as it is: its buttons come back after a while.
    setTimeout(function () { ready(form); }, 15000);
  });

  function ready(form) {
    delete form.dataset.sending;
    form.removeAttribute("aria-busy");
    form.querySelectorAll("button, input[type=submit]").forEach(function (button) { button.disabled = false; });
  }

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) document.querySelectorAll("form[data-sending]").forEach(ready);
  });

  restoreForms();
})();
