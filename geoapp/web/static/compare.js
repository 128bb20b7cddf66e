/* The compare page's maps (Leaflet, served by the app): A and B side by side with their
   views kept in step, or one swipe map (B over A, cut at the slider), and the change map.
   Fills are computed on the server (geoapp.figures.change_payload); this only draws them.
   Texts go into the page as text (textContent / Leaflet tooltips of escaped strings). */
(function () {
  "use strict";
  var dataNode = document.getElementById("compare-data");
  if (!dataNode || typeof L === "undefined") { return; }
  var data = JSON.parse(dataNode.textContent);
  var config = document.getElementById("compare-config").dataset;
  var section = document.getElementById("compare-maps");
  var NODATA = "#ffffff";

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = String(text);
    return span.innerHTML;
  }

  function latlngs(feature) {
    return feature.rings.map(function (ring) {
      return ring.map(function (p) { return [p[1], p[0]]; });
    });
  }

  function tooltip(feature, which) {
    var value = { fa: feature.a, fb: feature.b, fc: feature.d + " · " + feature.p }[which];
    return escapeText(feature.n + " (" + feature.c + "): " + value);
  }

  function addPolygons(map, fillKey, pane, opaque) {
    var group = L.featureGroup();
    data.features.forEach(function (f) {
      var fill = f[fillKey];
      var poly = L.polygon(latlngs(f), {
        pane: pane || "overlayPane", color: "#4d4d4d", weight: 0.6,
        fillColor: fill || NODATA, fillOpacity: opaque ? 1 : (fill ? 0.85 : 0.6),
        dashArray: fill ? null : "3 3"
      });
      poly.bindTooltip(tooltip(f, fillKey), { sticky: true });
      group.addLayer(poly);
    });
    group.addTo(map);
    return group;
  }

  function newMap(id) {
    var map = L.map(id, { zoomSnap: 0.25 });
    if (config.tiles) {
      L.tileLayer(config.tiles, { attribution: escapeText(config.attribution || ""),
                                  maxZoom: 19 }).addTo(map);
    }
    var b = data.bounds;
    map.fitBounds([[b[1], b[0]], [b[3], b[2]]]);
    return map;
  }

  var allMaps = [];
  var syncing = false;
  function follow(map) {
    allMaps.push(map);
    map.on("move", function () {
      if (syncing) { return; }
      syncing = true;
      allMaps.forEach(function (target) {
        if (target !== map) { target.setView(map.getCenter(), map.getZoom(), { animate: false }); }
      });
      syncing = false;
    });
  }

  function sideBySide() {
    var a = newMap("map-a"), b = newMap("map-b");
    addPolygons(a, "fa");
    addPolygons(b, "fb");
    return [a, b];
  }

  function swipe() {
    var map = newMap("map-swipe");
    map.createPane("pane-a").style.zIndex = 400;
    var paneB = map.createPane("pane-b");
    paneB.style.zIndex = 410;
    paneB.classList.add("pane-b");
    addPolygons(map, "fa", "pane-a", true);
    addPolygons(map, "fb", "pane-b", true);
    var range = document.getElementById("swipe-range");
    var line = document.createElement("div");
    line.className = "swipe-line";
    line.setAttribute("aria-hidden", "true");
    map.getContainer().appendChild(line);
    function clip() {
      var size = map.getSize();
      var x = size.x * Number(range.value) / 100;
      var nw = map.containerPointToLayerPoint([0, 0]);
      var se = map.containerPointToLayerPoint(size);
      var left = map.containerPointToLayerPoint([x, 0]).x;
      line.style.left = x + "px";
      paneB.style.clipPath = "polygon(" + left + "px " + nw.y + "px," + se.x + "px " + nw.y +
        "px," + se.x + "px " + se.y + "px," + left + "px " + se.y + "px)";
    }
    range.addEventListener("input", clip);
    map.on("move zoom resize", clip);
    clip();
    return [map];
  }

  // Side by side or swipe: switched in place (the form's select; the URL keeps the choice).
  var built = {};
  var current = [];
  function showView(view) {
    section.dataset.view = view;
    document.querySelector(".compare-swipe").hidden = view !== "swipe";
    document.querySelectorAll(".compare-side").forEach(function (el) {
      el.hidden = view === "swipe";
    });
    if (!built[view]) {
      built[view] = view === "swipe" ? swipe() : sideBySide();
      built[view].forEach(function (m) {
        if (change) { m.setView(change.getCenter(), change.getZoom(), { animate: false }); }
        follow(m);
      });
    }
    built[view].forEach(function (m) { m.invalidateSize(); });
    current = built[view];
    if (window.geoappCompare) { window.geoappCompare.maps = current; }
  }
  var change = null;
  showView(section.dataset.view === "swipe" ? "swipe" : "side");
  change = newMap("map-change");
  addPolygons(change, "fc");
  follow(change);
  window.geoappCompare = { maps: current, change: change, show: showView };
  var select = document.querySelector("[data-testid=compare-view]");
  if (select) {
    select.addEventListener("change", function () {
      showView(select.value);
      var url = new URL(window.location.href);
      url.searchParams.set("view", select.value);
      window.history.replaceState(null, "", url.pathname + url.search);
    });
  }

  // The print links carry the change map's current view (bbox, EPSG:4326).
  function printView() {
    var b = change.getBounds();
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]
      .map(function (v) { return v.toFixed(5); }).join(",");
    document.querySelectorAll("[data-testid^=compare-print-]").forEach(function (a) {
      var url = new URL(a.getAttribute("href"), window.location.href);
      url.searchParams.set("bbox", bbox);
      a.setAttribute("href", url.pathname + url.search);
    });
  }
  change.on("moveend", printView);
  printView();
}());
