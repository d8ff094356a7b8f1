// A dashboard whose period runs to today fetches its page again every few seconds
// (data-live) and swaps the figures in place: no reload, so the filters, the scroll
// position, an opened "As a table" and the focus stay where they were. A round is skipped
// while the tab is hidden.
(function () {
  "use strict";
  var box = document.querySelector(".dashboard-figures[data-live]");
  if (!box || !window.XMLHttpRequest || !window.DOMParser) {
    return;
  }
  var seconds = parseInt(box.getAttribute("data-live"), 10) || 60;

  function openTables() {
    var open = [];
    var all = box.querySelectorAll("details");
    for (var i = 0; i < all.length; i++) {
      open.push(all[i].open);
    }
    return open;
  }

  var FOCUSABLE = "summary, a[href], button, input, select, textarea, [tabindex]";

  function swap(fresh) {
    var open = openTables();
    var focused = -1;
    if (box.contains(document.activeElement)) {
      focused = Array.prototype.indexOf.call(
        box.querySelectorAll(FOCUSABLE), document.activeElement);
    }
    box.innerHTML = fresh.innerHTML;
    var all = box.querySelectorAll("details");
    for (var i = 0; i < all.length && i < open.length; i++) {
      all[i].open = open[i];
    }
    var again = focused >= 0 && box.querySelectorAll(FOCUSABLE)[focused];
    if (again) {
      again.focus({preventScroll: true});
    }
  }

  function update() {
    if (document.hidden) {
      window.setTimeout(update, seconds * 1000);
      return;
    }
    var request = new XMLHttpRequest();
    request.open("GET", window.location.href);
    request.responseType = "document";
    request.timeout = 20000;
    request.onload = function () {
      var fresh = request.response && request.response.querySelector(".dashboard-figures");
      if (request.status === 200 && fresh) {
        swap(fresh);
      }
      if (request.status === 200 && fresh && fresh.hasAttribute("data-live")) {
        window.setTimeout(update, seconds * 1000);
      }
    };
    request.onerror = request.ontimeout = function () {
      window.setTimeout(update, seconds * 1000);
    };
    request.send();
  }

  window.setTimeout(update, seconds * 1000);
})();
