// Reads a redemption QR code with the device camera where the browser can (BarcodeDetector),
// then looks the code up. Every text comes from the page's data attributes (translated there).
(function () {
  "use strict";
  var box = document.getElementById("camera");
  if (!box || !navigator.mediaDevices || !("BarcodeDetector" in window)) {
    return; // typing the code stays available
  }
  var toggle = document.getElementById("camera-toggle");
  var video = document.getElementById("camera-video");
  var message = document.getElementById("camera-message");
  var form = document.getElementById("lookup-form");
  var input = form.querySelector("input[name=code]");
  var stream = null;
  var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
  box.hidden = false;
  toggle.textContent = box.dataset.startLabel;

  function stop() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null;
    video.hidden = true;
    toggle.textContent = box.dataset.startLabel;
  }

  function scan() {
    if (!stream) { return; }
    detector.detect(video).then(function (codes) {
      if (codes.length) {
        input.value = codes[0].rawValue;
        stop();
        form.submit();
      } else {
        window.requestAnimationFrame(scan);
      }
    }).catch(function () { window.requestAnimationFrame(scan); });
  }

  toggle.addEventListener("click", function () {
    if (stream) { stop(); return; }
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
      .then(function (s) {
        stream = s;
        video.srcObject = s;
        video.hidden = false;
        toggle.textContent = box.dataset.stopLabel;
        return video.play();
      })
      .then(scan)
      .catch(function () { message.textContent = box.dataset.denied; stop(); });
  });
})();
