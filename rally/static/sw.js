// Rally's service worker, served at /sw.js (rally/push/views.py) so its scope is the whole
// site. It only shows notifications: it caches nothing and answers no fetch.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

// The message is JSON made by rally/push/operations.py (encode_payload): title, body, url
// (a path on this site) and tag (a newer message with the same tag replaces the older).
self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = { body: event.data ? event.data.text() : "" };
  }
  var options = {
    body: data.body || "",
    icon: "/static/icon-192.png",
    badge: "/static/icon-192.png",
    data: { url: data.url || "/" }
  };
  if (data.tag) {
    options.tag = data.tag;
    options.renotify = true;
  }
  event.waitUntil(self.registration.showNotification(data.title || self.location.host, options));
});

// Opens the message's page, or focuses a tab already on it. Only this site's pages: a url
// from anywhere else opens the home page.
self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var target = new URL((event.notification.data && event.notification.data.url) || "/",
    self.location.origin);
  if (target.origin !== self.location.origin) target = new URL("/", self.location.origin);
  event.waitUntil(
    self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (list) {
      for (var i = 0; i < list.length; i++) {
        if (list[i].url === target.href && "focus" in list[i]) return list[i].focus();
      }
      return self.clients.openWindow(target.href);
    })
  );
});
