// A resident's logout form (data-push-logout, rally/visitors): before it goes, this
// browser's push subscription is read, its endpoint put in the form (the server forgets
// that device for the account) and the browser unsubscribed, so a shared tablet stops
// receiving the previous account's notifications. Without this script the server still
// forgets the device, known by its cookie.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-push-logout]");
  if (!forms.length || !("serviceWorker" in navigator) || !("PushManager" in window)) return;
  Array.prototype.forEach.call(forms, function (form) {
    var sent = false;
    function send() {
      if (sent) return;
      sent = true;
      form.submit(); // does not fire "submit" again
    }
    form.addEventListener("submit", function (event) {
      if (sent) return;
      event.preventDefault();
      var field = form.querySelector("input[name=push_endpoint]");
      var timer = setTimeout(send, 3000); // never keep anybody from logging out
      navigator.serviceWorker.getRegistration("/").then(function (reg) {
        return reg ? reg.pushManager.getSubscription() : null;
      }).then(function (subscription) {
        if (!subscription) return null;
        if (field) field.value = subscription.endpoint;
        return subscription.unsubscribe();
      }).catch(function () { /* the cookie still tells the server */ })
        .then(function () { clearTimeout(timer); send(); });
    });
  });
})();
