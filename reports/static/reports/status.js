/* A report being built: poll its status (the same API the programs use) until it is done. The texts come from
   the page (data-done-text, data-failed-text), in the reader's language. */
(function () {
  "use strict";
  var box = document.getElementById("report-status");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") return;
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        document.getElementById("progress").value = data.progress;
        if (data.status === "done") {
          document.getElementById("status-text").textContent = box.dataset.doneText;
          document.getElementById("downloads").hidden = false;
        } else if (data.status === "failed") {
          document.getElementById("status-text").textContent = box.dataset.failedText + " " + (data.error || "");
        } else { setTimeout(poll, 1500); }
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
