// The map of a search's results or of one listing: progressive enhancement (the list beside it
// holds the same listings). Tiles when the page names a tile server (data-tiles, from MAP_TILES_URL);
// without one, or when its tiles cannot load, the department outlines the app serves (data-outlines).
(function () {
  "use strict";
  var element = document.getElementById("carte");
  if (!element || typeof L === "undefined") { return; }
  var map = L.map(element, { scrollWheelZoom: false, minZoom: 4, maxZoom: 18 });
  var outlinesShown = false;
  function showOutlines() {
    var url = element.getAttribute("data-outlines");
    if (outlinesShown || !url) { return; }
    outlinesShown = true;
    fetch(url).then(function (r) { return r.ok ? r.json() : null; }).then(function (shapes) {
      if (!shapes) { return; }
      var layer = L.geoJSON(shapes, { interactive: false,
        style: { color: "#5f6b66", weight: 1, fill: true, fillColor: "#eef3f0", fillOpacity: 0.6 } });
      layer.addTo(map);
      layer.bringToBack();
      element.classList.add("map-outlines");
    });
  }
  var tiles = element.getAttribute("data-tiles");
  if (tiles) {
    L.tileLayer(tiles, { attribution: element.getAttribute("data-attribution") || "" })
      .on("tileerror", showOutlines).addTo(map);
  } else {
    showOutlines();
  }
  var points = [];
  var own = element.getAttribute("data-lat");
  if (own) {
    points.push({ lat: +own, lon: +element.getAttribute("data-lon"), title: "", url: "" });
  }
  document.querySelectorAll("#resultats [data-lat]").forEach(function (item) {
    points.push({ lat: +item.dataset.lat, lon: +item.dataset.lon, title: item.dataset.title, url: item.dataset.url });
  });
  if (!points.length) { map.setView([46.6, 2.4], 5); return; }
  var bounds = L.latLngBounds(points.map(function (p) { return [p.lat, p.lon]; }));
  map.fitBounds(bounds, { maxZoom: 11, padding: [20, 20] });  // clusters need the view first
  var layer = typeof L.markerClusterGroup === "function" ? L.markerClusterGroup() : L.layerGroup();
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lon], { radius: 8, color: "#0b6b4f", weight: 2, fillOpacity: 0.6 });
    if (p.url) {
      var link = document.createElement("a");
      link.href = p.url;
      link.textContent = p.title;
      marker.bindPopup(link);
    }
    layer.addLayer(marker);
  });
  layer.addTo(map);
})();
