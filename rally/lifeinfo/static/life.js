/* The daily-life list: "Nearest to me" asks for the phone's position only when pressed, then
   sends it in this GET form's query string (never stored by the site). Texts come from the
   page's data attributes (translated server-side). */
(function () {
  "use strict";
  var form = document.getElementById("life-filters");
  var button = document.getElementById("use-location");
  var status = document.getElementById("location-status");
  if (!form || !button) return;
  // A landmark chosen after the phone's position replaces it.
  form.elements.near.addEventListener("change", function () {
    form.elements.lat.value = "";
    form.elements.lng.value = "";
  });
  if (!("geolocation" in navigator)) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = status.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lng.value = position.coords.longitude.toFixed(5);
        form.submit();
      },
      function () { status.textContent = status.dataset.denied; },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
