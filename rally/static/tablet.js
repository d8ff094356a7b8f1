// The counter tablet's code changes every step: fetch the page again at the step boundary
// and swap the QR code and the PIN in place. A whole-page reload (the <noscript> meta
// refresh, for browsers without JavaScript) would reset a screen reader's position and
// fold the staff's PIN every 30 seconds. ES5 and XMLHttpRequest: old tablets run this.
(function () {
  "use strict";
  var box = document.querySelector(".tablet[data-refresh]");
  if (!box || !window.XMLHttpRequest || !window.DOMParser) {
    return;
  }

  function schedule(seconds) {
    window.setTimeout(update, Math.max(1, seconds) * 1000);
  }

  function swap(fresh) {
    var image = box.querySelector(".tablet-qr");
    image.parentNode.replaceChild(document.importNode(fresh.querySelector(".tablet-qr"), true), image);
    var pin = box.querySelector("[data-testid=tablet-pin]");
    var freshPin = fresh.querySelector("[data-testid=tablet-pin]");
    if (pin && freshPin) {
      pin.textContent = freshPin.textContent;
    }
  }

  function update() {
    var request = new XMLHttpRequest();
    request.open("GET", window.location.href);
    request.responseType = "document";
    // A connection that hangs answers neither onload nor onerror: give up and try again.
    request.timeout = 10000;
    request.onload = function () {
      var fresh = request.response && request.response.querySelector(".tablet[data-refresh]");
      if (request.status !== 200 || !fresh) {
        window.location.reload(); // logged out, or the checkpoint is gone: show the page
        return;
      }
      try {
        swap(fresh);
      } catch (error) {
        window.location.reload(); // a page this script does not know: the whole page
        return;
      }
      schedule(parseInt(fresh.getAttribute("data-refresh"), 10) || 1);
    };
    request.onerror = request.ontimeout = function () {
      schedule(5); // the network is back soon; the old code stays valid for one more step
    };
    request.send();
  }

  schedule(parseInt(box.getAttribute("data-refresh"), 10) || 1);
})();
