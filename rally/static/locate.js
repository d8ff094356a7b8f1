// Geofenced rallies: ask the phone's position once and post it with the stamp request.
// Texts come from the form's data attributes (translated in the template).
(function () {
  "use strict";
  var form = document.getElementById("locate-form");
  if (!form || !navigator.geolocation) { return; }
  var share = document.getElementById("locate-share");
  var status = document.getElementById("locate-status");
  share.hidden = false;
  share.addEventListener("click", function () {
    status.textContent = form.dataset.waiting;
    share.disabled = true;
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=latitude]").value = position.coords.latitude;
      form.querySelector("[name=longitude]").value = position.coords.longitude;
      form.querySelector("[name=accuracy]").value = position.coords.accuracy;
      form.submit();
    }, function () {
      status.textContent = form.dataset.refused;
      share.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
