// An open circle or thread page shows new posts without a reload: every few seconds
// (data-live-seconds) it asks the server for the posts newer than the last one it shows
// (data-live-url, an HTML fragment checked like the page itself) and adds them to the list
// (data-live-list), telling screen readers how many came (the aria-live status). The
// fragment's data-last-post-id is where the next question starts. It waits while the tab is
// hidden and can be paused (a moving page must offer it); an answer refused (logged out,
// removed from the circle) stops it, a server or network failure is tried again. Without
// JavaScript the "Show new posts" link reloads the page.
(function () {
  "use strict";
  var controls = document.querySelector("[data-live-url]");
  var list = document.querySelector("[data-live-list]");
  if (!controls || !list || !window.XMLHttpRequest || !window.DOMParser) {
    return;
  }
  var url = controls.getAttribute("data-live-url");
  var seconds = parseInt(controls.getAttribute("data-live-seconds"), 10) || 10;
  var status = controls.querySelector("[data-live-status]");
  var link = controls.querySelector("[data-testid=show-new]");
  var toggle = controls.querySelector("[data-live-toggle]");
  var paused = false;
  var newestFirst = list.tagName === "UL"; // a circle's threads; a thread's replies are in order
  var timer = null;
  if (link) {
    link.hidden = true;
  }
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      paused = !paused;
      toggle.textContent = toggle.getAttribute(paused ? "data-resume" : "data-pause");
      if (paused) {
        window.clearTimeout(timer);
      } else {
        update();
      }
    });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(update, seconds * 1000);
  }

  function announce(count) {
    if (!status || !count) {
      return;
    }
    var text = count === 1 ? controls.getAttribute("data-announce-one")
      : controls.getAttribute("data-announce-many").replace("{n}", String(count));
    status.textContent = text;
  }

  function add(root) {
    var box = root.firstElementChild;
    var items = box ? Array.prototype.slice.call(box.children) : [];
    if (newestFirst) {
      items.reverse();
    }
    items.forEach(function (item) {
      var key = item.getAttribute("data-thread-id") || item.getAttribute("data-post-id");
      var old = key && list.querySelector(
        "[data-thread-id='" + key + "'], [data-post-id='" + key + "']");
      if (old) {
        old.parentNode.removeChild(old);
      }
      var fresh = document.importNode(item, true);
      if (newestFirst) {
        list.insertBefore(fresh, list.firstChild);
      } else {
        list.appendChild(fresh);
      }
    });
    if (items.length) {
      var empty = document.querySelector("[data-live-empty]");
      if (empty) {
        empty.hidden = true;
      }
    }
    return items.length;
  }

  function update() {
    if (paused) {
      return;
    }
    if (document.hidden) {
      schedule();
      return;
    }
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.responseType = "document";
    request.timeout = 20000;
    request.onload = function () {
      if (request.status >= 500) {
        schedule();
        return;
      }
      var root = request.response && request.response.querySelector("[data-last-post-id]");
      if (request.status !== 200 || !root) {
        if (link) {
          link.hidden = false; // stopped: a reload is the way to see more
        }
        if (toggle) {
          toggle.hidden = true;
        }
        return;
      }
      announce(add(root));
      url = url.replace(/\/since\/\d+$/, "/since/" + root.getAttribute("data-last-post-id"));
      if (!paused) {
        schedule();
      }
    };
    request.onerror = request.ontimeout = schedule;
    request.send();
  }

  schedule();
})();
