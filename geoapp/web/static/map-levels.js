/* The national / province map: one simplified level at a time from /api/levels/<level>.json,
 * coloured with the chosen layer's figures from /api/levels/<level>/figures.json (classified
 * on the server like the city map; styles and legend drawn by map.js's own functions).
 *
 * Provinsi -> kabupaten/kota -> kecamatan -> desa, two ways:
 * - by click: an area's children are shown (the "focus"), and the view fits the area;
 * - by zoom: two zoom steps in from where a level was entered show the next level, for the
 *   parents visible in the view (never below the level's minimum zoom, MIN_ZOOM, unless an
 *   area was clicked); zooming out goes back up.
 * Only the children of visible parents are loaded, one request per parent (cached).
 * The URL holds the state: layer, year, scheme, k, the level shown, the clicked area and the view
 * (z, c = "lat,lng"); ``lang`` is kept. As on the city map (map-page.js), a person's choices
 * (layer, scheme, classes, a click into an area, a step up the path above the map) add a
 * history entry (history.pushState); panning and zooming, and the levels they show, only
 * replace the current one (replaceState). After "Share", the next move starts a new entry,
 * so Back returns to the view that was shared. Opening a link and the Back/Forward buttons
 * (popstate) restore the state without a reload and without adding entries; values that do
 * not fit (unknown layer, bad numbers, foreign codes, a year the layer's program does not
 * hold) fall back to the page's defaults. The year select offers "all years" (the default,
 * as on the city map) and the years of the chosen layer's program (its option's data-years).
 * Figures are asked for again each time they are drawn (the server answers 304 when they
 * did not change): a layer seen earlier in the page shows data imported since, as a layer
 * seen for the first time does. Shapes (boundaries) stay cached for the page's life.
 * Requests in flight are counted on <html data-fetching> (tests wait for "0").
 * Point layers (KWT, ecofarm, kampung tematik; the "Places" checkboxes) show the places under
 * the area drawn (the common code of the areas shown, at most a kecamatan) from
 * /api/levels/points/<key>.json, with map.js's icons, popups and legends; switched-off
 * layers are in the URL as on the city map (hide=key,key). */
(function (window, document) {
  "use strict";
  var ORDER = ["provinsi", "kabupaten", "kecamatan", "desa"];
  var STEP = 2;
  var MIN_ZOOM = { provinsi: 0, kabupaten: 8, kecamatan: 10, desa: 12 };
  var MAX_PARENTS = 40;
  var OUTLINE = { weight: 1, color: "#333333", fillOpacity: 0.15 };
  var node = document.getElementById("levels-map");
  if (!node || !window.L || !window.geoappMap) { return; }
  var L = window.L, gm = window.geoappMap, data = node.dataset, cache = {}, root = document.documentElement;
  var names = JSON.parse(data.levelNames || "{}");
  var startIdx = Math.max(0, ORDER.indexOf(data.startLevel));
  var state = { anchor: { idx: startIdx, zoom: 0 }, focus: null, token: 0, drawn: "", layer: null,
                shapes: {}, start: null, restoring: true, choosing: false, keep: false, restores: 0 };
  node.style.height = "70vh";
  var map = L.map(node).setView([-2.5, 118], 5);
  if (data.tiles) { L.tileLayer(data.tiles, { attribution: data.attribution, maxZoom: 18 }).addTo(map); }
  window.geoappLevels = { map: map };            /* for benchmarks and the console */
  gm.ensureHatch();
  var legend = gm.legendBox(map, data.legendTitle || "Legenda");
  legend.box.hidden = true;
  // on a phone the legend starts folded (its title stays), so it does not cover the map
  legend.box.open = !(window.matchMedia && window.matchMedia("(max-width: 700px)").matches);

  function $(id) { return document.getElementById(id); }
  function control(id) { var el = $(id); return el ? el.value : ""; }

  /* ---- requests ---- */
  function pending(change) {
    root.dataset.fetching = String((parseInt(root.dataset.fetching || "0", 10) || 0) + change);
  }
  function getJSON(url, fresh) {
    if (fresh) { delete cache[url]; }
    if (!cache[url]) {
      pending(1);
      cache[url] = window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" },
                                       cache: fresh ? "no-cache" : "default" })
        .then(function (r) {
          if (!r.ok) { delete cache[url]; throw new Error(String(r.status)); }
          return r.json();
        });
      cache[url].then(function () { pending(-1); }, function () { pending(-1); });
    }
    return cache[url];
  }
  function levelUrl(level, parent) {
    var u = data.levelsUrl.replace("LEVEL", encodeURIComponent(level));
    return parent ? u + "?parent=" + encodeURIComponent(parent) : u;
  }
  function figuresUrl(level, parents) {
    var q = new URLSearchParams({ parent: parents.join(","), layer: control("levels-layer"),
                                  scheme: control("levels-scheme"), k: control("levels-k") });
    if (control("levels-year")) { q.set("year", control("levels-year")); }
    if (root.lang) { q.set("lang", root.lang); }          /* the page's own: always valid */
    return data.figuresUrl.replace("LEVEL", encodeURIComponent(level)) + "?" + q.toString();
  }
  function figures(level, parents) {
    if (!$("levels-layer")) { return Promise.resolve(null); }      /* no data yet: outlines */
    return getJSON(figuresUrl(level, parents), true).catch(function (err) {
      state.error = String(err);                  /* the outlines are still drawn */
      return null;
    });
  }

  /* ---- shapes: bounds and names of every area loaded ---- */
  function bbox(coords, b) {
    if (typeof coords[0] === "number") {
      b[0] = Math.min(b[0], coords[1]); b[1] = Math.min(b[1], coords[0]);
      b[2] = Math.max(b[2], coords[1]); b[3] = Math.max(b[3], coords[0]);
    } else { coords.forEach(function (c) { bbox(c, b); }); }
    return b;
  }
  function remember(geojson) {
    geojson.features.forEach(function (f) {
      var p = f.properties;
      if (!state.shapes[p.kode]) {
        var b = bbox(f.geometry.coordinates, [90, 180, -90, -180]);
        state.shapes[p.kode] = { nama: p.nama, bounds: L.latLngBounds([b[0], b[1]], [b[2], b[3]]) };
      }
    });
    return geojson;
  }
  function layers(level, parents) {
    return Promise.all(parents.map(function (p) { return getJSON(levelUrl(level, p)).then(remember); }));
  }

  /* ---- which level and which parents the view shows ---- */
  function levelIndex(zoom) {
    var idx = state.anchor.idx + Math.trunc((zoom - state.anchor.zoom) / STEP);
    idx = Math.max(startIdx, Math.min(ORDER.length - 1, idx));
    var free = state.focus ? state.focus.idx : startIdx;     /* a clicked level has no minimum */
    while (idx > free && zoom < MIN_ZOOM[ORDER[idx]]) { idx -= 1; }
    return idx;
  }
  function visible(codes) {
    var view = map.getBounds(), center = map.getCenter();
    var out = codes.filter(function (k) { return view.intersects(state.shapes[k].bounds); });
    out.sort(function (a, b) {
      return center.distanceTo(state.shapes[a].bounds.getCenter()) -
             center.distanceTo(state.shapes[b].bounds.getCenter());
    });
    return out.slice(0, MAX_PARENTS).sort();
  }
  function parentsFor(idx) {
    if (idx === startIdx) { return Promise.resolve([data.startParent]); }
    if (state.focus && idx === state.focus.idx) { return Promise.resolve([state.focus.parent]); }
    return parentsFor(idx - 1).then(function (parents) {
      return layers(ORDER[idx - 1], parents).then(function (list) {
        var codes = [];
        list.forEach(function (g) { g.features.forEach(function (f) { codes.push(f.properties.kode); }); });
        return visible(codes);
      });
    });
  }

  /* ---- drawing ---- */
  function tooltip(p, level, figs, i) {
    var tip = document.createElement("div");              /* names are data: never HTML */
    function line(cls, text) {
      var el = document.createElement("div"); el.className = cls; el.textContent = text; tip.appendChild(el);
    }
    line("levels-tip-name", p.nama);
    line("levels-tip-level", (names[level] || level) + " · " + p.kode);
    if (figs && i !== undefined) {
      var v = figs.chor.v[i];
      line("levels-tip-value", figs.chor.title + ": " + (v === null ? data.noData : v));
    }
    return tip;
  }
  function onFeature(level, figs, index) {
    var idx = ORDER.indexOf(level);
    return function (feature, lyr) {
      var p = feature.properties;
      lyr.bindTooltip(tooltip(p, level, figs, index[p.kode]), { sticky: true });
      function open() {
        if (idx < ORDER.length - 1) { drill(p.kode, idx + 1); }
        else { window.location.href = data.profileUrl + encodeURIComponent(p.kode); }
      }
      lyr.on("add", function () {          /* SVG paths named for keyboards, tests and axe */
        var el = lyr.getElement && lyr.getElement();
        if (el) {
          el.setAttribute("data-kode", p.kode); el.setAttribute("aria-label", p.nama);
          el.setAttribute("role", "button"); el.setAttribute("tabindex", "0");
          el.addEventListener("keydown", function (ev) {      /* Enter/Space: as a click */
            if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); open(); }
          });
          if (figs && index[p.kode] !== undefined) { el.setAttribute("data-class", String(figs.chor.c[index[p.kode]])); }
        }
      });
      lyr.on("click", open);
    };
  }
  function styleFor(figs, index) {
    return function (feature) {
      var i = figs ? index[feature.properties.kode] : undefined;
      if (i === undefined) { return OUTLINE; }
      var c = figs.chor.c[i];
      return gm.pathStyle(c >= 0 ? figs.chor.styles[c] : figs.chor.nodata);
    };
  }
  function showLegend(level, figs) {
    state.legendOf = { level: level, figs: figs };
    renderLegend();
  }
  function renderLegend() {
    var level = state.legendOf ? state.legendOf.level : "", figs = state.legendOf ? state.legendOf.figs : null;
    legend.body.textContent = "";
    var shown = pointBoxes().filter(function (b) { return points.data[b.value]; });
    legend.box.hidden = !figs && !shown.length;
    shown.forEach(function (b) { legend.body.appendChild(gm.pointLegend(points.data[b.value])); });
    if (!figs) { return; }
    var box = gm.choroplethLegend(figs.chor);
    var lvl = document.createElement("div");
    lvl.className = "geoapp-legend-label";
    lvl.textContent = names[level] || level;
    box.insertBefore(lvl, box.children[1] || null);
    if (figs.year_label) {                      /* "Tahun 2024" / "Semua tahun (2023–2024)" */
      var yr = document.createElement("div");
      yr.className = "geoapp-legend-label"; yr.setAttribute("data-testid", "levels-legend-year");
      yr.textContent = figs.year_label;
      box.insertBefore(yr, lvl.nextSibling);
    }
    if (figs.sample) {
      var note = document.createElement("div");
      note.className = "geoapp-legend-note"; note.textContent = data.sampleText;
      box.appendChild(note);
    }
    legend.body.insertBefore(box, legend.body.firstChild);
  }

  /* ---- point layers: the places under the area drawn ---- */
  var points = { data: {}, shown: {}, parent: null, drawn: "", token: 0 };
  function pointBoxes() { return Array.prototype.slice.call(document.querySelectorAll("input[name=points]")); }
  function pointsUrl(key, parent) {
    var q = new URLSearchParams();
    if (parent) { q.set("parent", parent); }
    if (root.lang) { q.set("lang", root.lang); }
    return data.pointsUrl.replace("KEY", encodeURIComponent(key)) + "?" + q.toString();
  }
  /* ``parents`` drawn (none: the same area again, after a checkbox change) */
  function drawPoints(parents) {
    if (!data.pointsUrl || !pointBoxes().length) { return Promise.resolve(); }
    if (parents) {
      var parts = parents[0] ? common(parents) : [];
      points.parent = parts.slice(0, 3).join(".") || data.startParent || "";
    }
    if (points.parent === null) { return Promise.resolve(); }
    var on = pointBoxes().filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    var drawn = points.parent + "|" + on.join(","), mine = ++points.token;
    if (drawn === points.drawn) { return Promise.resolve(); }
    return Promise.all(on.map(function (key) {
      return getJSON(pointsUrl(key, points.parent), true).catch(function () { return null; });
    })).then(function (list) {
      if (mine !== points.token) { return; }
      Object.keys(points.shown).forEach(function (k) { map.removeLayer(points.shown[k]); });
      points.shown = {}; points.data = {}; points.drawn = drawn;
      var notes = [];
      list.forEach(function (layer, i) {
        if (!layer) { points.drawn = ""; return; }              /* failed: asked again next time */
        points.data[on[i]] = layer;
        points.shown[on[i]] = gm.pointLayer(layer).addTo(map);
        if (layer.note) { notes.push(layer.title + ": " + layer.note); }
      });
      var box = $("levels-points-note");
      if (box) { box.textContent = notes.join(" "); }
      node.setAttribute("data-points", Object.keys(points.data).map(function (k) {
        return k + ":" + points.data[k].p.length; }).join(","));
      renderLegend();
    });
  }
  function showPanel(figs) {
    var sample = document.querySelector("[data-testid=levels-sample]"), empty = $("levels-empty-area");
    if (sample) { sample.hidden = !(figs && figs.sample); }
    if (empty) { empty.hidden = !(figs && figs.empty); empty.textContent = figs && figs.empty ? figs.empty : ""; }
    ["geojson", "csv"].forEach(function (fmt) {
      var a = $("levels-export-" + fmt);
      if (a && figs) { a.href = figs.links[fmt]; }
    });
  }
  function draw(level, parents, list, figs) {
    var all = [], index = {};
    list.forEach(function (g) { all = all.concat(g.features); });
    if (figs) { figs.kode.forEach(function (k, i) { index[k] = i; }); }
    if (state.layer) {            /* a tooltip left open would outlive its shape */
      map.eachLayer(function (l) { if (l instanceof L.Tooltip) { map.removeLayer(l); } });
      map.removeLayer(state.layer);
    }
    state.layer = L.geoJSON({ type: "FeatureCollection", features: all },
                            { style: styleFor(figs, index), onEachFeature: onFeature(level, figs, index) }).addTo(map);
    node.setAttribute("data-level", level);
    node.setAttribute("data-parent", parents.join(","));
    node.setAttribute("data-layer", figs ? figs.layer : "");
    node.setAttribute("data-year", figs && figs.year ? figs.year : "");
    showLegend(level, figs);
    showPanel(figs);
    drawPath(parents);
    drawPoints(parents);
    $("levels-status").textContent = all.length + " × " + (names[level] || level) +
      (state.error ? " (" + state.error + ")" : "");
    state.error = "";
  }
  /* ---- the state in the URL ---- */
  var CONTROLS = { layer: "levels-layer", year: "levels-year", scheme: "levels-scheme", k: "levels-k" };
  /* The year select offers only the years of the chosen layer's program (else "all"). */
  function syncYears() {
    var layer = $("levels-layer"), year = $("levels-year");
    if (!layer || !year) { return; }
    var opt = layer.options[layer.selectedIndex];
    var years = ((opt && opt.getAttribute("data-years")) || "").split(",");
    Array.prototype.forEach.call(year.options, function (o) {
      var off = o.value !== "" && years.indexOf(o.value) < 0;
      o.disabled = off; o.hidden = off;
    });
    if (year.selectedIndex < 0 || year.options[year.selectedIndex].disabled) { year.value = ""; }
  }
  var defaults = {};                                  /* the page's own choices, before any URL */
  Object.keys(CONTROLS).forEach(function (n) { if ($(CONTROLS[n])) { defaults[n] = control(CONTROLS[n]); } });
  /* ``push``: a person's choice, a new history entry; else the current entry is replaced. */
  function writeUrl(push) {
    if (state.restoring) { return; }
    var old = new URLSearchParams(window.location.search), q = new URLSearchParams();
    if (old.get("lang") && old.get("lang") === root.lang) { q.set("lang", root.lang); }
    Object.keys(CONTROLS).forEach(function (n) { if (control(CONTROLS[n])) { q.set(n, control(CONTROLS[n])); } });
    var off = pointBoxes().filter(function (b) { return !b.checked; }).map(function (b) { return b.value; });
    if (off.length) { q.set("hide", off.join(",")); }
    var centre = map.getCenter();
    q.set("level", ORDER[levelIndex(map.getZoom())]);
    if (state.focus) { q.set("area", state.focus.parent); }
    q.set("z", String(map.getZoom()));
    q.set("c", centre.lat.toFixed(5) + "," + centre.lng.toFixed(5));
    var url = window.location.pathname + "?" + q.toString();
    if (url !== window.location.pathname + window.location.search) {
      window.history[push || state.keep ? "pushState" : "replaceState"]({ geoappLevels: true }, "", url);
      state.keep = false;
    }
    document.querySelectorAll("[data-testid=lang-switch] a[hreflang]").forEach(function (a) {
      q.set("lang", a.getAttribute("hreflang"));          /* another language: the same map */
      a.setAttribute("href", window.location.pathname + "?" + q.toString());
    });
  }
  function restoreControls(q) {
    var hide = (q.get("hide") || "").split(",");
    pointBoxes().forEach(function (b) { b.checked = hide.indexOf(b.value) < 0; });
    Object.keys(CONTROLS).forEach(function (n) {
      var el = $(CONTROLS[n]), value = q.get(n);
      if (!el) { return; }
      el.value = value === null ? defaults[n] : value;
      if (el.selectedIndex < 0 || el.value !== value) { el.value = defaults[n]; }   /* missing or not an option */
      if (n === "layer") { syncYears(); }          /* the year is checked against its layer */
      else if (el.selectedIndex >= 0 && el.options[el.selectedIndex].disabled) { el.value = defaults[n]; }
    });
  }
  function readView(q) {
    var z = q.get("z") || "", c = (q.get("c") || "").split(","), num = /^-?\d{1,3}(\.\d{1,12})?$/;
    if (!/^\d{1,2}$/.test(z) || c.length !== 2 || !num.test(c[0]) || !num.test(c[1])) { return null; }
    var lat = parseFloat(c[0]), lng = parseFloat(c[1]), zoom = parseInt(z, 10);
    if (Math.abs(lat) > 85 || Math.abs(lng) > 180 || zoom > 18) { return null; }
    return { center: [lat, lng], zoom: zoom };
  }
  /* The clicked area of a link: a code under the working area whose shape can be loaded,
     level by level from the top (only codes seen in a loaded level are asked for). */
  function loadArea(kode) {
    var skip = data.startParent ? data.startParent.split(".").length : 0, parts = kode.split(".");
    if (!/^\d{2}(\.\d{2}){0,2}$/.test(kode) || parts.length <= skip ||
        (data.startParent && kode.indexOf(data.startParent + ".") !== 0)) { return Promise.resolve(null); }
    function step(n) {
      var code = parts.slice(0, n).join(".");
      return layers(ORDER[n - 1], [parts.slice(0, n - 1).join(".")]).then(function () {
        if (!state.shapes[code]) { return null; }
        return n === parts.length ? code : step(n + 1);
      });
    }
    return step(skip + 1);
  }
  /* The state of the URL: on opening the page and on Back/Forward (popstate). Nothing is
     written to the history until it is drawn; then the URL is only tidied (replaceState). */
  function restore() {
    var q = new URLSearchParams(window.location.search), view = readView(q);
    var level = ORDER.indexOf(q.get("level") || ""), mine = ++state.restores;
    state.restoring = true;
    state.keep = false;
    restoreControls(q);
    return loadArea(q.get("area") || "").catch(function () { return null; }).then(function (area) {
      if (mine !== state.restores) { return null; }     /* another Back/Forward came first */
      var bounds = area ? state.shapes[area].bounds : state.start, idx = area ? area.split(".").length : startIdx;
      state.focus = area ? { idx: idx, parent: area } : null;
      state.anchor = { idx: idx, zoom: map.getBoundsZoom(bounds) };
      if (view) {
        if (level >= idx) { state.anchor = { idx: level, zoom: view.zoom }; }
        map.setView(view.center, view.zoom, { animate: false });
      } else {
        map.fitBounds(bounds, { animate: false });
      }
      state.restoring = false;
      return update().then(function () { return drawPoints(null); });
    });
  }

  function update(push) {
    var token = ++state.token, zoom = map.getZoom(), idx = levelIndex(zoom);
    node.setAttribute("data-zoom", String(zoom));
    if (state.focus && idx < state.focus.idx) { state.focus = null; idx = levelIndex(zoom); }
    var level = ORDER[idx];
    writeUrl(push === true);
    return parentsFor(idx).then(function (parents) {
      var key = [level, parents.join(","), control("levels-layer"), control("levels-year"),
                 control("levels-scheme"), control("levels-k")].join("|");
      if (!parents.length || key === state.drawn) { return null; }
      return Promise.all([layers(level, parents), figures(level, parents)]).then(function (res) {
        if (token !== state.token) { return; }               /* a newer view came first */
        state.drawn = res[1] || !$("levels-layer") ? key : "";   /* failed figures: retry */
        draw(level, parents, res[0], res[1]);
      });
    }).catch(function (err) { $("levels-status").textContent = String(err); });
  }

  /* ---- click drill-down and the path above the map ---- */
  /* A click into an area or up the path: one new history entry for the new view (the
     "moveend" of fitBounds is not a pan of its own). */
  function fitTo(bounds, idx) {
    state.anchor = { idx: idx, zoom: map.getBoundsZoom(bounds) };
    state.choosing = true;
    try { map.fitBounds(bounds, { animate: false }); } finally { state.choosing = false; }
    update(true);
  }
  function drill(kode, idx) {
    state.focus = { idx: idx, parent: kode };
    fitTo(state.shapes[kode].bounds, idx);
  }
  function common(parents) {
    var parts = parents[0].split(".");
    parents.forEach(function (p) {
      var other = p.split("."), n = 0;
      while (n < parts.length && parts[n] === other[n]) { n += 1; }
      parts = parts.slice(0, n);
    });
    return parts;
  }
  function drawPath(parents) {
    var list = $("levels-path"), steps = [{ nama: data.allLabel, kode: "" }];
    var parts = parents[0] ? common(parents) : [];
    var skip = data.startParent ? data.startParent.split(".").length : 0;
    for (var n = skip + 1; n <= parts.length; n += 1) {
      var kode = parts.slice(0, n).join(".");
      if (state.shapes[kode]) { steps.push({ nama: state.shapes[kode].nama, kode: kode }); }
    }
    list.textContent = "";
    steps.forEach(function (step, i) {
      var li = document.createElement("li");
      if (i === steps.length - 1) { li.appendChild(document.createTextNode(step.nama)); }
      else {
        var a = document.createElement("a");
        a.href = "#"; a.textContent = step.nama;
        a.setAttribute("data-testid", "levels-path-" + i);
        a.addEventListener("click", function (e) {
          e.preventDefault();
          if (step.kode) { drill(step.kode, ORDER.indexOf(levelOf(step.kode)) + 1); }
          else { state.focus = null; fitTo(state.start, startIdx); }
        });
        li.appendChild(a);
      }
      list.appendChild(li);
    });
  }
  /* ---- share: the city map's pattern (clipboard, else a selected text box) ---- */
  function share() {
    var url = window.location.href, status = $("levels-share-status"), box = $("levels-share-url");
    function fallback() {
      box.hidden = false; box.value = url; box.focus(); box.select();
      status.textContent = data.copyFallback || "";
    }
    state.keep = true;                  /* the shared view stays on the Back path */
    if (window.navigator.clipboard && window.isSecureContext) {
      window.navigator.clipboard.writeText(url).then(function () {
        box.hidden = true; status.textContent = data.copied || "";
      }, fallback);
    } else { fallback(); }
  }
  function levelOf(kode) { return ORDER[Math.min(kode.split(".").length, ORDER.length) - 1]; }

  ["levels-layer", "levels-year", "levels-scheme", "levels-k"].forEach(function (id) {
    var el = $(id);
    if (el) { el.addEventListener("change", function () { if (id === "levels-layer") { syncYears(); } update(true); }); }
  });
  pointBoxes().forEach(function (b) {
    b.addEventListener("change", function () { writeUrl(true); drawPoints(null); });
  });
  var form = document.querySelector("[data-testid=levels-controls]");
  if (form) { form.addEventListener("submit", function (e) { e.preventDefault(); update(true); }); }
  map.on("moveend", function () { if (!state.restoring && !state.choosing) { update(); } });
  window.addEventListener("popstate", function () {
    if (!state.start) { return; }               /* not drawn yet: opening restores the URL */
    restore().catch(function (err) { state.restoring = false; $("levels-status").textContent = String(err); });
  });
  var shareButton = $("levels-share");
  if (shareButton) {
    shareButton.hidden = false;
    shareButton.addEventListener("click", share);
  }
  layers(data.startLevel, [data.startParent]).then(function (list) {
    var g = L.geoJSON(list[0]);
    state.start = list[0].features.length ? g.getBounds() : map.getBounds();
    return restore();
  }).catch(function (err) { state.restoring = false; $("levels-status").textContent = String(err); });
}(window, document));
