// A dashboard whose period runs to today fetches its page again every few seconds
// (data-live) and swaps the figures in place: no reload, so the filters, the scroll
// position, an opened "As a table" and the focus stay where they were. The updates can be
// paused (a moving page must offer it); they wait while the tab is hidden and catch up
// when it shows again. An answer without figures (logged out, a period refused) stops
// them and says so; a server or network failure is tried again.
(function () {
  "use strict";
  var box = document.querySelector(".dashboard-figures[data-live]");
  var controls = document.querySelector("[data-testid=live-controls]");
  if (!box || !controls || !window.XMLHttpRequest || !window.DOMParser) {
    return;
  }
  var seconds = parseInt(box.getAttribute("data-live"), 10) || 60;
  var toggle = controls.querySelector("button");
  var status = controls.querySelector("[role=status]");
  var paused = false;
  var stopped = false;
  var timer = null;
  var lastRead = Date.now();
  var FOCUSABLE = "summary, a[href], button, input, select, textarea, [tabindex]";
  controls.hidden = false;

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, delay);
  }

  function swap(fresh) {
    var open = [];
    var details = box.querySelectorAll("details");
    for (var i = 0; i < details.length; i++) {
      open.push(details[i].open);
    }
    var focused = -1;
    if (box.contains(document.activeElement)) {
      focused = Array.prototype.indexOf.call(
        box.querySelectorAll(FOCUSABLE), document.activeElement);
    }
    box.innerHTML = fresh.innerHTML;
    details = box.querySelectorAll("details");
    for (var j = 0; j < details.length && j < open.length; j++) {
      details[j].open = open[j];
    }
    var again = focused >= 0 && box.querySelectorAll(FOCUSABLE)[focused];
    if (again) {
      again.focus({preventScroll: true});
    }
  }

  function stop() {
    stopped = true;
    window.clearTimeout(timer);
    toggle.hidden = true;
    status.textContent = status.getAttribute("data-failed");
  }

  function update() {
    if (paused || stopped) {
      return;
    }
    if (document.hidden) {
      schedule(seconds * 1000);
      return;
    }
    var request = new XMLHttpRequest();
    request.open("GET", window.location.href);
    request.responseType = "document";
    request.timeout = 20000;
    request.onload = function () {
      if (request.status >= 500) {
        schedule(seconds * 1000); // the server is back soon: try again
        return;
      }
      var fresh = request.response && request.response.querySelector(".dashboard-figures");
      if (request.status !== 200 || !fresh) {
        stop();
        return;
      }
      swap(fresh);
      lastRead = Date.now();
      if (fresh.hasAttribute("data-live")) {
        schedule(seconds * 1000);
      } else {
        controls.hidden = true; // the period no longer runs to today
      }
    };
    request.onerror = request.ontimeout = function () {
      schedule(seconds * 1000);
    };
    request.send();
  }

  toggle.addEventListener("click", function () {
    paused = !paused;
    toggle.textContent = toggle.getAttribute(paused ? "data-resume" : "data-pause");
    if (!paused) {
      update();
    }
  });
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden && !paused && !stopped && Date.now() - lastRead >= seconds * 1000) {
      update();
    }
  });
  schedule(seconds * 1000);
})();
