/* The district map: a plain list first; Leaflet and tiles only when the visitor asks.
   Every text shown here comes from the page's data attributes (translated server-side). */
(function () {
  "use strict";
  var tools = document.getElementById("map-tools");
  var mapBox = document.getElementById("district-map");
  var list = document.getElementById("places");
  var status = document.getElementById("map-status");
  var showButton = document.getElementById("show-map");
  var sortButton = document.getElementById("sort-distance");
  if (!tools || !mapBox || !list) return;
  tools.hidden = false;
  if (!("geolocation" in navigator)) sortButton.hidden = true;

  var places = Array.prototype.map.call(list.querySelectorAll("li[data-lat]"), function (li) {
    return { li: li, lat: parseFloat(li.dataset.lat), lon: parseFloat(li.dataset.lon) };
  });
  var map = null;
  var markers = {};
  var numberFormat = new Intl.NumberFormat(document.documentElement.lang, { maximumFractionDigits: 1 });

  function say(text) { status.textContent = text; }

  function openMap() {
    if (map) return;
    mapBox.hidden = false;
    showButton.setAttribute("aria-expanded", "true");
    showButton.hidden = true;
    var center = [parseFloat(mapBox.dataset.centerLat), parseFloat(mapBox.dataset.centerLon)];
    map = L.map(mapBox).setView(center, 16);
    L.tileLayer(mapBox.dataset.tiles, { attribution: mapBox.dataset.attribution, maxZoom: 19 }).addTo(map);
    var bounds = [];
    places.forEach(function (place) {
      if (isNaN(place.lat) || isNaN(place.lon)) return;
      var link = document.createElement("a");
      link.href = place.li.dataset.url;
      link.textContent = place.li.dataset.name;
      var marker = L.circleMarker([place.lat, place.lon], {
        radius: 8, weight: 2,
        color: place.li.dataset.type === "spot" ? "#1a7f37" : "#b3261e"
      }).bindPopup(link).addTo(map);
      markers[place.li.id] = marker;
      bounds.push([place.lat, place.lon]);
    });
    if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 17 });
    var focus = window.location.hash.slice(1);
    if (markers[focus]) {
      map.setView(markers[focus].getLatLng(), 17);
      markers[focus].openPopup();
    }
  }

  function distanceKm(lat1, lon1, lat2, lon2) {
    var rad = Math.PI / 180, dLat = (lat2 - lat1) * rad, dLon = (lon2 - lon1) * rad;
    var a = Math.sin(dLat / 2) * Math.sin(dLat / 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) * Math.sin(dLon / 2);
    return 6371 * 2 * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  }

  function sortFrom(lat, lon) {
    places.forEach(function (place) { place.km = distanceKm(lat, lon, place.lat, place.lon); });
    places.sort(function (a, b) { return a.km - b.km; });
    places.forEach(function (place) {
      place.li.querySelector(".distance").textContent =
        status.dataset.distance.replace("{km}", numberFormat.format(place.km));
      list.appendChild(place.li);
    });
    say(status.dataset.sorted);
  }

  showButton.addEventListener("click", openMap);
  sortButton.addEventListener("click", function () {
    say(status.dataset.locating);
    navigator.geolocation.getCurrentPosition(
      function (position) { sortFrom(position.coords.latitude, position.coords.longitude); },
      function () { say(status.dataset.denied); },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 60000 }
    );
  });
})();
