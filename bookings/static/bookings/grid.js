/* The instrument time grid (EventCalendar): the blocks of /api/v1/instruments/<pk>/grid/ drawn over the week,
   a click or drag on free time choosing start and length (snapped to the slot grid, a click the minimum length),
   the form's start and end fields filled, and the fee and rule check of the request asked for as the selection
   changes. The keyboard and the form's fields do the same as the mouse. Every text comes from the page
   (json_script "time-grid-config"); times are Tokyo wall-clock times throughout (the calendar is given them
   without an offset, so it draws Tokyo hours whatever the browser's zone). Without this script the page shows
   the plain list per day and the form. */
(function () {
  "use strict";
  var configElement = document.getElementById("time-grid-config");
  var element = document.getElementById("time-grid");
  if (!configElement || !element || !window.EventCalendar) return;
  var config = JSON.parse(configElement.textContent);
  var text = config.text;
  var labels = config.grid.labels;
  var startField = document.getElementById(config.fields.start);
  var endField = document.getElementById(config.fields.end);
  var form = startField ? startField.form : null;
  var wrapper = element.closest(".time-grid-js");
  var statusLine = wrapper.querySelector(".grid-status");
  var quotePanel = document.getElementById("live-quote");
  var MINUTE = 60000;
  var DAY = 1440 * MINUTE;
  var slot = config.grid.slot_minutes * MINUTE;
  var shortest = config.grid.min_minutes * MINUTE;
  var longest = config.grid.max_minutes * MINUTE;
  var blocks = [];
  var selection = null;
  var loaded = {from: null, to: null};
  var wanted = null; // a selection moved by keyboard into days not loaded yet: made once they are

  // --- Tokyo wall-clock times -------------------------------------------------------------------------------------
  function wall(text) { // "2026-12-17T10:00:00+09:00" → a Date whose local fields read 2026-12-17 10:00
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(text || "");
    return m ? new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) : null;
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function day(d) { return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function local(d) { return day(d) + "T" + pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function hhmm(d) { return pad(d.getHours()) + ":" + pad(d.getMinutes()); }
  function rfc3339(d) { return local(d) + ":00+09:00"; }
  function plus(d, ms) { // wall-clock arithmetic by fields (no daylight saving of the browser's zone in Tokyo time)
    var minutes = Math.round(ms / MINUTE);
    return new Date(d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes() + minutes);
  }
  function snap(d) { // down to the slot grid, counted from Tokyo midnight
    var minutes = d.getHours() * 60 + d.getMinutes();
    var step = slot / MINUTE;
    return new Date(d.getFullYear(), d.getMonth(), d.getDate(), 0, minutes - (minutes % step));
  }
  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }
  function yen(amount) { return config.yen.replace("{n}", Number(amount).toLocaleString("en-US")); }

  // --- The blocks and the calendar's events ---------------------------------------------------------------------
  function freeAround(start, end) { // the free block holding [start, end), or null
    for (var i = 0; i < blocks.length; i++) {
      var b = blocks[i];
      if (b.kind === "free" && b.start <= start && end <= b.end) return b;
    }
    return null;
  }
  function freeAt(moment) {
    for (var i = 0; i < blocks.length; i++) {
      var b = blocks[i];
      if (b.kind === "free" && b.start <= moment && moment < b.end) return b;
    }
    return null;
  }
  function eventOf(b, n) {
    var kind = b.kind, own = kind === "own_pending" || kind === "own_approved" || kind === "subject";
    var classes = ["g-" + kind];
    if (b.part === "setup" || b.part === "cleanup") classes.push("g-buffer");
    if (own && b.part === "use") {
      return {
        id: "block-" + n, start: b.start, end: b.end, classNames: classes,
        title: labels[kind] + (b.booking ? " #" + b.booking : ""), extendedProps: {url: b.url}
      };
    }
    var title = b.part === "setup" || b.part === "cleanup" ? labels[b.part] : labels[kind];
    if (b.label) title += " · " + b.label;
    return {
      id: "block-" + n, start: b.start, end: b.end, display: "background", classNames: classes, title: title,
      extendedProps: {note: b.label || ""}  // a holiday's name or a downtime's title is written on the grid
    };
  }
  function events() {
    var list = blocks.map(eventOf);
    if (selection) {
      list.push({
        id: "selection", start: selection.start, end: selection.end, classNames: ["g-selection"],
        title: format(text.selected, {start: hhmm(selection.start), end: hhmm(selection.end)})
      });
    }
    return list;
  }
  function redraw() { calendar.setOption("events", events()); }

  function load(from, to) {
    var days = Math.max(1, Math.min(14, Math.round((to - from) / DAY)));
    var url = config.grid_url + "?start=" + day(from) + "&days=" + days + (config.subject ? "&subject=" + config.subject : "");
    var mode = form && field("mode") ? field("mode").value : "";
    if (mode && !config.subject) url += "&mode=" + encodeURIComponent(mode); // assisted, commissioned: operators too
    return fetch(url, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (data) {
        blocks = data.blocks.map(function (b) {
          return {kind: b.kind, start: wall(b.start), end: wall(b.end), label: b.label, part: b.part, booking: b.booking, url: b.url};
        });
        loaded = {from: from, to: to};
        redraw();
        if (wanted) {
          var target = wanted;
          wanted = null;
          if (freeAround(target.start, target.end)) select(target.start, target.end, false); else say(text.not_free);
        }
      })
      .catch(function () { say(text.failed); });
  }
  function take(grid) { // the first grid comes with the page
    blocks = grid.blocks.map(function (b) {
      return {kind: b.kind, start: wall(b.start), end: wall(b.end), label: b.label, part: b.part, booking: b.booking, url: b.url};
    });
  }

  // --- The selection ----------------------------------------------------------------------------------------------
  function say(message) { statusLine.textContent = message; }

  function select(start, end, fromField) {
    selection = {start: start, end: end};
    redraw();
    say(format(text.selected, {start: day(start) + " " + hhmm(start), end: hhmm(end)}));
    if (!fromField && startField && endField) {
      startField.value = local(start);
      endField.value = local(end);
    }
    schedulePreview();
  }

  /* A click (end null) or a drag from `start` to `end`: snapped to the slot grid, at least the minimum and at most
     the maximum length, inside one free block (a click near a block's end starts earlier so the minimum fits). */
  function choose(start, end) {
    var from = snap(start);
    var block = freeAt(from);
    if (!block) { say(text.not_free); return; }
    var length = shortest;
    if (end) {
      var to = snap(plus(end, slot - MINUTE));
      length = Math.max(shortest, Math.min(longest, to - from));
    }
    var until = plus(from, length);
    if (until > block.end) {
      until = block.end;
      if (until - from < shortest) from = plus(block.end, -shortest);
    }
    select(from, until, false);
  }

  function move(steps) { // the same length, one slot earlier or later each step, skipping time that is not free
    if (!selection) return firstFree();
    var length = selection.end - selection.start;
    var start = selection.start;
    for (var i = 0; i < 96; i++) {
      start = plus(start, steps * slot);
      var end = plus(start, length);
      if (freeAround(start, end)) return select(start, end, false);
      if (start < loaded.from || start > loaded.to) break;
    }
    say(text.not_free);
  }
  function moveDays(days) {
    if (!selection) return firstFree();
    var start = plus(selection.start, days * DAY), end = plus(selection.end, days * DAY);
    if (start < loaded.from || start >= loaded.to) {
      wanted = {start: start, end: end};
      calendar.setOption("date", start);
      return;
    }
    if (freeAround(start, end)) {
      calendar.setOption("date", start);
      return select(start, end, false);
    }
    say(text.not_free);
  }
  function resize(steps) {
    if (!selection) return firstFree();
    var end = plus(selection.end, steps * slot);
    if (end - selection.start < shortest || end - selection.start > longest) return;
    if (!freeAround(selection.start, end)) { say(text.not_free); return; }
    select(selection.start, end, false);
  }
  function firstFree() {
    var block = blocks.filter(function (b) { return b.kind === "free"; })[0];
    if (block) choose(block.start, null); else say(text.not_free);
  }

  function fromFields() { // typed in the form: shown on the grid as typed (the check says whether it may be sent)
    var start = wall(startField.value), end = wall(endField.value);
    if (!start || !end || end <= start) return;
    if (start < loaded.from || start >= loaded.to) calendar.setOption("date", start);
    select(start, end, true);
  }

  // --- The fee and rule check -------------------------------------------------------------------------------------
  var timer = null, asked = 0;
  function schedulePreview() {
    if (!config.preview_url || !quotePanel || !form) return;
    clearTimeout(timer);
    timer = setTimeout(preview, 350);
  }
  function field(name) { return form.elements.namedItem(name); }
  function preview() {
    if (!selection) return;
    var number = ++asked;
    var company = field("company");
    var body = {
      start: rfc3339(selection.start), end: rfc3339(selection.end),
      mode: field("mode") ? field("mode").value : "",
      purpose: field("purpose") ? field("purpose").value : "",
      sample: field("sample") ? field("sample").value : "",
      confidential: field("confidential") ? field("confidential").checked : false,
      company: company && company.value ? Number(company.value) : null
    };
    quotePanel.hidden = false;
    quotePanel.textContent = text.loading;
    fetch(config.preview_url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": field("csrfmiddlewaretoken").value},
      body: JSON.stringify(body)
    })
      .then(function (response) {
        return response.json().then(function (data) { return {ok: response.ok, data: data}; });
      })
      .then(function (answer) { if (number === asked) showPreview(answer); })
      .catch(function () { if (number === asked) quotePanel.textContent = text.failed; });
  }
  function row(table, label, amount, strong) {
    var tr = table.insertRow(), left = tr.insertCell(), right = tr.insertCell();
    right.className = "num";
    if (strong) {
      left.appendChild(document.createElement("strong")).textContent = label;
      right.appendChild(document.createElement("strong")).textContent = yen(amount);
    } else {
      left.textContent = label;
      right.textContent = yen(amount);
    }
  }
  function showPreview(answer) {
    quotePanel.textContent = "";
    var data = answer.data;
    if (!answer.ok || !data.allowed) {
      var refusal = answer.ok ? data.refusal : data;
      var p = quotePanel.appendChild(document.createElement("p"));
      p.className = "bad";
      p.textContent = "⚠ " + (refusal.detail || firstError(refusal) || text.failed);
      return;
    }
    var table = quotePanel.appendChild(document.createElement("table"));
    table.className = "data";
    data.quote.lines.forEach(function (line) { row(table, line.label, line.amount_jpy, false); });
    row(table, text.subtotal, data.quote.subtotal_jpy, false);
    row(table, text.tax, data.quote.tax_jpy, false);
    row(table, text.total, data.quote.total_jpy, true);
    var ok = quotePanel.appendChild(document.createElement("p"));
    ok.className = "ok";
    ok.textContent = text.allowed;
  }
  function firstError(data) { // a 400 of the serializer: {field: [message]}
    for (var name in data) if (Array.isArray(data[name]) && data[name].length) return data[name][0];
    return "";
  }

  // --- The calendar -----------------------------------------------------------------------------------------------
  take(config.grid);
  var first = wall(config.grid.start + "T00:00");
  loaded = {from: first, to: plus(first, config.grid.days * DAY)};
  var timeFormat = {hour: "2-digit", minute: "2-digit", hour12: false};
  wrapper.hidden = false;
  var narrow = element.clientWidth < 600; // a phone, or the narrow column of the booking page: three days
  window.KyoyoCalendarRoles.watch(element);
  var calendar = EventCalendar.create(element, {
    view: "timeGridWeek",
    duration: {days: narrow ? 3 : 7},
    date: first,
    firstDay: 1,
    locale: config.locale,
    headerToolbar: {start: "prev,next", center: "title", end: "today"},
    buttonText: {today: text.today},
    allDaySlot: false,
    slotDuration: {minutes: config.grid.slot_minutes},
    slotMinTime: config.grid.opens,
    slotMaxTime: config.grid.closes,
    slotLabelFormat: timeFormat,
    eventTimeFormat: timeFormat,
    dayHeaderFormat: narrow ? {weekday: "short", day: "numeric"} : {weekday: "short", month: "numeric", day: "numeric"},
    selectable: true,
    selectMinDistance: 5,
    selectLongPressDelay: 250,
    unselectAuto: true,
    nowIndicator: false,
    events: events(),
    dateClick: function (info) { choose(info.date, null); },
    select: function (info) { calendar.unselect(); choose(info.start, info.end); },
    eventContent: function (info) { // the words only (the times are on the axis): own bookings, the selection, notes
      var event = info.event;
      if (event.display === "background") return (event.extendedProps && event.extendedProps.note) || "";
      return event.title;
    },
    eventClick: function (info) {
      var url = info.event.extendedProps && info.event.extendedProps.url;
      if (url) window.location.href = url;
    },
    datesSet: function (info) {
      if (loaded.from && info.start >= loaded.from && info.end <= loaded.to) return;
      load(info.start, info.end);
    }
  });
  window.addEventListener("resize", function () { // a phone turned, a window narrowed: three days or seven
    var now = element.clientWidth < 600;
    if (now === narrow) return;
    narrow = now;
    calendar.setOption("duration", {days: narrow ? 3 : 7});
  });
  document.querySelectorAll(".time-grid-plain").forEach(function (plain) { plain.hidden = true; });
  var prevButton = element.querySelector(".ec-prev"), nextButton = element.querySelector(".ec-next");
  if (prevButton) prevButton.setAttribute("aria-label", text.previous);
  if (nextButton) nextButton.setAttribute("aria-label", text.next);

  wrapper.querySelectorAll("[data-grid-move]").forEach(function (button) {
    button.addEventListener("click", function () { move(Number(button.dataset.gridMove)); });
  });
  wrapper.querySelectorAll("[data-grid-resize]").forEach(function (button) {
    button.addEventListener("click", function () { resize(Number(button.dataset.gridResize)); });
  });
  element.addEventListener("keydown", function (event) {
    if (event.target !== element) return;
    var keys = {ArrowUp: -1, ArrowDown: 1, ArrowLeft: -1, ArrowRight: 1};
    if (!(event.key in keys)) return;
    event.preventDefault();
    var step = keys[event.key];
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") moveDays(step);
    else if (event.shiftKey) resize(step);
    else move(step);
  });
  if (startField && endField) {
    startField.addEventListener("change", fromFields);
    endField.addEventListener("change", fromFields);
    if (startField.value && endField.value) fromFields();
  }
  if (form && field("mode") && field("mode").addEventListener) { // another mode, other free time: ask again
    field("mode").addEventListener("change", function () { load(loaded.from, loaded.to); });
  }
  if (form) {
    ["mode", "confidential", "company"].forEach(function (name) {
      var input = field(name);
      if (input && input.addEventListener) input.addEventListener("change", schedulePreview);
    });
  }
})();
