/* The national / province map: one simplified level at a time from /api/levels/<level>.json.
 * Provinsi -> kabupaten/kota -> kecamatan -> desa by clicking an area (drill down); the
 * path above the map goes back up. Nothing loads more than one parent's children at once. */
(function (window, document) {
  "use strict";
  var CHILD = { provinsi: "kabupaten", kabupaten: "kecamatan", kecamatan: "desa" };
  var node = document.getElementById("levels-map");
  if (!node || !window.L) { return; }
  var L = window.L, data = node.dataset, cache = {}, layer = null, path = [];
  node.style.height = "70vh";
  var map = L.map(node).setView([-2.5, 118], 5);
  if (data.tiles) { L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map); }

  function url(level, parent) {
    var u = data.levelsUrl.replace("LEVEL", encodeURIComponent(level));
    return parent ? u + "?parent=" + encodeURIComponent(parent) : u;
  }
  function fetchLevel(level, parent) {
    var key = url(level, parent);
    if (!cache[key]) {
      cache[key] = window.fetch(key, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); });
    }
    return cache[key];
  }
  function drawPath() {
    var list = document.getElementById("levels-path");
    list.textContent = "";
    [{ nama: data.allLabel, level: data.startLevel, parent: data.startParent }].concat(path)
      .forEach(function (step, i, all) {
        var li = document.createElement("li"), a = document.createElement("a");
        a.href = "#"; a.textContent = step.nama;
        a.setAttribute("data-testid", "levels-path-" + i);
        a.addEventListener("click", function (e) {
          e.preventDefault(); path = path.slice(0, i); show(step.level, step.parent);
        });
        li.appendChild(i === all.length - 1 ? document.createTextNode(step.nama) : a);
        list.appendChild(li);
      });
  }
  function onFeature(level) {
    return function (feature, lyr) {
      var p = feature.properties;
      var tip = document.createElement("span");
      tip.textContent = p.nama + " (" + p.kode + ")";     /* names are data: never HTML */
      lyr.bindTooltip(tip, { sticky: true });
      lyr.on("add", function () {          /* SVG paths named for keyboards, tests and axe */
        var el = lyr.getElement && lyr.getElement();
        if (el) { el.setAttribute("data-kode", p.kode); el.setAttribute("aria-label", p.nama); }
      });
      lyr.on("click", function () {
        if (CHILD[level]) {
          path.push({ nama: p.nama, level: CHILD[level], parent: p.kode });
          show(CHILD[level], p.kode);
        } else {
          window.location.href = data.profileUrl + encodeURIComponent(p.kode);
        }
      });
    };
  }
  function show(level, parent) {
    var status = document.getElementById("levels-status");
    status.textContent = "…";
    drawPath();
    return fetchLevel(level, parent).then(function (geojson) {
      if (layer) { map.removeLayer(layer); }
      layer = L.geoJSON(geojson, { style: { weight: 1, color: "#333", fillOpacity: 0.15 },
                                   onEachFeature: onFeature(level) }).addTo(map);
      if (geojson.features.length) { map.fitBounds(layer.getBounds()); }
      node.setAttribute("data-level", level);
      node.setAttribute("data-parent", parent || "");
      status.textContent = geojson.features.length + " × " + level;
    }).catch(function (err) { status.textContent = String(err); });
  }
  show(data.startLevel, data.startParent);
}(window, document));
