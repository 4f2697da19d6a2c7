/* The institution timeline of staff (/staff/calendar/): EventCalendar's resource timeline, a row per instrument,
   from GET /api/v1/staff/timeline/. Clicking a booking opens its page; dragging a pending request along its row
   opens its page with the proposal form filled in (?start=…&end=…, RFC 3339, Tokyo time). Without JavaScript the
   page's plain table stays; every text shown here comes from the page (#timeline-config). */
(function () {
  "use strict";
  var holder = document.getElementById("timeline");
  var configElement = document.getElementById("timeline-config");
  if (!holder || !configElement || typeof EventCalendar === "undefined") return;
  var config = JSON.parse(configElement.textContent);
  var labels = config.labels;
  var answers = {};
  var hours = {opens: config.opens, closes: config.closes};
  var calendar;

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // The calendar hands out Dates whose local fields are the wall-clock time of its zone (+09:00).
  function tokyo(date) {
    return date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + "T" +
      pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":00+09:00";
  }

  function load(startStr, endStr) {
    var first = startStr.slice(0, 10);
    var days = Math.round((Date.parse(endStr.slice(0, 10)) - Date.parse(first)) / 86400000);
    days = Math.max(1, Math.min(7, days || 1));
    var key = first + "/" + days;
    if (!answers[key]) {
      answers[key] = fetch(config.api + "?start=" + first + "&days=" + days, {
        credentials: "same-origin",
        headers: {"Accept": "application/json"}
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      });
      answers[key].catch(function () { delete answers[key]; failed(); });
    }
    return answers[key];
  }

  function failed() {
    var note = document.getElementById("timeline-failed");
    if (note) return;
    note = document.createElement("p");
    note.id = "timeline-failed";
    note.className = "bad";
    note.setAttribute("role", "alert");
    note.textContent = labels.failed;
    holder.parentNode.insertBefore(note, holder);
    document.getElementById("plain-schedule").hidden = false;
  }

  function widen(answer) {  // hours of other days may run longer: widen the axis, never narrow it
    var opens = answer.opens < hours.opens ? answer.opens : hours.opens;
    var closes = answer.closes > hours.closes ? answer.closes : hours.closes;
    if (opens !== hours.opens || closes !== hours.closes) {
      hours = {opens: opens, closes: closes};
      calendar.setOption("slotMinTime", opens);
      calendar.setOption("slotMaxTime", closes);
    }
  }

  function resources(answer) {
    var byInstitution = [], groups = {};
    answer.instruments.forEach(function (instrument) {
      var id = instrument.institution.id;
      if (!groups[id]) {
        groups[id] = {id: "institution-" + id, title: instrument.institution.name, children: []};
        byInstitution.push(groups[id]);
      }
      groups[id].children.push({id: String(instrument.id), title: instrument.name});
    });
    return byInstitution.length > 1 ? byInstitution : (byInstitution.length ? byInstitution[0].children : []);
  }

  function operatorText(booking) { // the operator assigned ("lent" marked), or the warning that none is
    if (booking.operator) return " · " + booking.operator.name + (booking.operator.lent ? " (" + labels.lent + ")" : "");
    return booking.operator_missing ? " · ⚠ " + labels.no_operator : "";
  }

  function events(answer) {
    var found = answer.bookings.map(function (booking) {
      return {
        id: "booking-" + booking.id,
        resourceIds: [String(booking.instrument)],
        start: booking.start,
        end: booking.end,
        title: booking.who + " · " + booking.status_label + operatorText(booking),
        classNames: ["tl-" + booking.status].concat(booking.operator_missing ? ["tl-no-operator"] : []),
        startEditable: booking.status === "pending",
        extendedProps: {url: booking.url, proposeUrl: booking.propose_url}
      };
    });
    return found.concat(answer.downtimes.map(function (downtime) {
      return {
        id: "downtime-" + downtime.id,
        resourceIds: [String(downtime.instrument)],
        start: downtime.start,
        end: downtime.end,
        title: downtime.title,
        classNames: ["tl-downtime"],
        extendedProps: {}
      };
    }));
  }

  function buttons(period) {
    return function (text) {
      var own = {};
      Object.keys(text).forEach(function (name) { own[name] = text[name]; });
      own.today = labels.today;
      own.resourceTimelineDay = labels.day;
      own.resourceTimelineWeek = labels.week;
      own.prev = labels["previous_" + period];
      own.next = labels["next_" + period];
      own.expand = labels.expand;
      own.collapse = labels.collapse;
      return own;
    };
  }

  var narrow = window.matchMedia("(max-width: 40rem)").matches;

  function minutes(clock) { return 60 * parseInt(clock.slice(0, 2), 10) + parseInt(clock.slice(3, 5), 10); }

  // Slots as wide as the room allows (a day fills the page on a desktop); past the smallest width, the timeline
  // scrolls sideways inside itself.
  function slotWidth(days, slotMinutes, smallest) {
    var slots = days * (minutes(hours.closes) - minutes(hours.opens)) / slotMinutes;
    var room = holder.parentNode.clientWidth - (narrow ? 130 : 260);
    return Math.max(smallest, Math.floor(room / Math.max(slots, 1)));
  }
  window.KyoyoCalendarRoles.watch(holder);
  calendar = EventCalendar.create(holder, {
    view: narrow && !config.chosen ? "resourceTimelineDay" : config.view,
    date: config.date,
    timeZone: "+09:00",
    locale: config.locale,
    firstDay: 1,
    height: "auto",
    slotMinTime: hours.opens,
    slotMaxTime: hours.closes,
    snapDuration: "00:30",
    nowIndicator: true,
    headerToolbar: {start: "prev,next today", center: "title", end: "resourceTimelineDay,resourceTimelineWeek"},
    buttonText: buttons("day"),
    views: {
      resourceTimelineDay: {buttonText: buttons("day"), slotDuration: "00:30", slotWidth: slotWidth(1, 30, 36)},
      resourceTimelineWeek: {
        buttonText: buttons("week"),
        slotDuration: "01:00",
        slotWidth: slotWidth(7, 60, 32),
        slotLabelInterval: "02:00",  // a label every other hour: room for it
        slotLabelFormat: {hour: "numeric"}
      }
    },
    refetchResourcesOnNavigate: true,
    resources: function (info) {
      return load(info.startStr, info.endStr).then(resources);
    },
    eventSources: [{
      events: function (info) {
        return load(info.startStr, info.endStr).then(function (answer) { widen(answer); return events(answer); });
      }
    }],
    editable: false,
    eventStartEditable: false,
    eventDurationEditable: false,
    eventLongPressDelay: 400,
    dragConstraint: function (info) { return !info.newResource; },  // a proposal keeps its instrument
    eventDidMount: function (info) {  // the whole text on hover, where a short slot cuts it
      info.el.setAttribute("title", info.event.title);
    },
    eventClick: function (info) {
      if (info.event.extendedProps.url) window.location.assign(info.event.extendedProps.url);
    },
    eventDrop: function (info) {
      var target = info.event.extendedProps.proposeUrl;
      if (!target || info.newResource) { info.revert(); return; }
      window.location.assign(target + "?start=" + encodeURIComponent(tokyo(info.event.start)) +
        "&end=" + encodeURIComponent(tokyo(info.event.end)));
    }
  });
  holder.hidden = false;
  document.getElementById("plain-schedule").hidden = true;
  document.getElementById("timeline-table-link").hidden = false;
})();
