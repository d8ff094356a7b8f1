// /me/push: turn notifications on or off on this device (rally/push). Without this script,
// or in a browser without Web Push, the page's explanation stays. Permission is asked only
// when the button is pressed; the page's messages come from its data-msg-* attributes.
(function () {
  "use strict";
  var box = document.getElementById("push-device");
  if (!box) return;
  var on = box.querySelector("[data-push-on]");
  var off = box.querySelector("[data-push-off]");
  var status = box.querySelector("[data-push-status]");
  var ios = /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (navigator.platform === "MacIntel" && navigator.maxTouchPoints > 1);
  var standalone = window.matchMedia("(display-mode: standalone)").matches ||
    navigator.standalone === true;

  if (ios && !standalone) box.querySelector("[data-push-ios]").hidden = false;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window)) {
    return; // the explanation stays
  }
  box.querySelector("[data-push-unsupported]").hidden = true;

  function say(key) { status.textContent = box.dataset[key] || ""; }

  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrfToken },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
  }

  function applicationServerKey() {
    var text = box.dataset.publicKey.replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(text + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }

  function registration() {
    return navigator.serviceWorker.register(box.dataset.workerUrl, { scope: "/" })
      .then(function () { return navigator.serviceWorker.ready; });
  }

  function show(subscribed) {
    on.hidden = subscribed;
    off.hidden = !subscribed;
  }

  registration().then(function (reg) {
    return reg.pushManager.getSubscription();
  }).then(function (subscription) {
    show(Boolean(subscription) && Notification.permission === "granted");
    if (Notification.permission === "denied") say("msgDenied");
  }).catch(function () { show(false); });

  on.addEventListener("click", function () {
    say("msgWorking");
    on.disabled = true;
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") {
        say(permission === "denied" ? "msgDenied" : "msgOff");
        throw null;
      }
      return registration();
    }).then(function (reg) {
      return reg.pushManager.getSubscription().then(function (existing) {
        return existing || reg.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: applicationServerKey()
        });
      });
    }).then(function (subscription) {
      return post(box.dataset.subscribeUrl, subscription.toJSON());
    }).then(function () {
      say("msgOn");
      window.location.reload(); // the list of devices shows this one
    }).catch(function (error) {
      if (error !== null) say("msgFailed");
    }).then(function () { on.disabled = false; });
  });

  off.addEventListener("click", function () {
    off.disabled = true;
    registration().then(function (reg) {
      return reg.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return post(box.dataset.unsubscribeUrl, { endpoint: endpoint });
      });
    }).then(function () {
      say("msgOff");
      window.location.reload();
    }).catch(function () { say("msgFailed"); })
      .then(function () { off.disabled = false; });
  });
})();
