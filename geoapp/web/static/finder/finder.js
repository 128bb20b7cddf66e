/* geoapp finder: places near a field officer, online or offline.
   All data text is set with textContent (never innerHTML). No libraries. */
(function () {
  "use strict";

  var root = document.getElementById("finder");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("finder-texts").textContent);
  var LANG = root.dataset.lang === "en" ? "en" : "id";
  var SVGNS = "http://www.w3.org/2000/svg";
  var TILE = 256;
  var PAGE = 10;             /* cards shown before "Show all" */
  var SHOW_ALL_MAX = 200;    /* more than this: no "Show all", the paged list instead */
  var MAP_POINTS_MAX = 2000; /* points drawn at most (list order: nearest first) */
  var state = { data: null, origin: null, picking: false, view: null, selected: null,
                limit: PAGE, offline: false };
  var $ = function (id) { return document.getElementById(id); };

  function fmt(text, params) {
    return String(text).replace(/\{(\w+)\}/g, function (m, k) {
      return params[k] === undefined ? m : String(params[k]);
    });
  }

  /* ------------------------------------------------ names (mirrors geoapp.names) */
  var PREFIXES = ["kel", "kelurahan", "lurah", "desa", "ds", "kec", "kecamatan", "kota", "kab",
                  "kabupaten", "kelurahandesa", "desakelurahan"];
  var KEEP_ALONE = ["kota", "desa"];

  function fold(text) {
    var t = String(text == null ? "" : text).replace(/(?<=[a-z]{3})(?=[A-Z])/g, " ");
    t = t.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
    t = t.replace(/['`\u2018\u2019\u02bc]/g, "");
    return t.replace(/[^0-9a-z]+/g, " ").trim();
  }

  function normalise(text) {
    var w = fold(text).split(" ").filter(Boolean);
    while (w.length > 1 && PREFIXES.indexOf(w[0]) >= 0) { w.shift(); }
    if (w.length === 1 && PREFIXES.indexOf(w[0]) >= 0 && KEEP_ALONE.indexOf(w[0]) < 0) {
      return "";
    }
    return w.join(" ");
  }

  /* Optimal string alignment distance (a swap of two letters counts once). */
  function osa(a, b) {
    var d = [], i, j;
    for (i = 0; i <= a.length; i++) { d.push([i]); }
    for (j = 1; j <= b.length; j++) { d[0][j] = j; }
    for (i = 1; i <= a.length; i++) {
      for (j = 1; j <= b.length; j++) {
        var cost = a[i - 1] === b[j - 1] ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length][b.length];
  }

  function budget(token) { return token.length < 4 ? 0 : (token.length < 8 ? 1 : 2); }

  function tokenMatches(token, words) {
    var b = budget(token);
    return words.some(function (w) {
      return w.indexOf(token) === 0 || (b > 0 && Math.abs(w.length - token.length) <= b &&
                                        osa(token, w) <= b);
    });
  }

  function textMatches(query, text) {
    var q = normalise(query);
    if (!q) { return true; }
    var t = normalise(text);
    if (t.replace(/ /g, "").indexOf(q.replace(/ /g, "")) >= 0) { return true; }
    var words = t.split(" ");
    return q.split(" ").every(function (tok) { return tokenMatches(tok, words); });
  }

  /* ------------------------------------------------ distances */
  function haversine(lat1, lon1, lat2, lon2) {
    var r = Math.PI / 180, R = 6371008.8;
    var a = Math.pow(Math.sin((lat2 - lat1) * r / 2), 2) +
      Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.pow(Math.sin((lon2 - lon1) * r / 2), 2);
    return 2 * R * Math.asin(Math.sqrt(Math.min(1, Math.max(0, a))));
  }

  function formatDistance(m) {
    var whole = Math.round(m);
    if (whole < 1000) { return whole + " m"; }
    var text = (m / 1000).toFixed(1);
    return (LANG === "en" ? text : text.replace(".", ",")) + " km";
  }

  function formatNumber(x) {
    if (x == null) { return "-"; }
    return Number(x).toLocaleString(LANG === "en" ? "en-GB" : "id-ID",
                                    { maximumFractionDigits: 1 });
  }

  var MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
                "September", "Oktober", "November", "Desember"];
  var MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
                   "September", "October", "November", "December"];
  function formatDate(d) {
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    var months = LANG === "en" ? MONTHS_EN : MONTHS;
    return d.getDate() + " " + months[d.getMonth()] + " " + d.getFullYear() + " " +
      two(d.getHours()) + (LANG === "en" ? ":" : ".") + two(d.getMinutes());
  }

  /* ------------------------------------------------ elements */
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text != null) { node.textContent = String(text); }
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVGNS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  /* ------------------------------------------------ filters */
  function filters() {
    return { q: $("finder-q").value, kind: $("finder-kind").value,
             theme: $("finder-theme").value, kecamatan: $("finder-kecamatan").value,
             kelurahan: $("finder-kelurahan").value };
  }

  function sameTheme(a, b) { return a != null && normalise(a) === normalise(b); }

  /* A place without coordinates is listed but has no distance and no map point. */
  function located(p) { return p.lat != null && p.lon != null; }

  function visiblePlaces() {
    var f = filters();
    var list = state.data.places.filter(function (p) {
      return (!f.kind || p.kind === f.kind) && (!f.theme || sameTheme(p.theme, f.theme)) &&
        (!f.kecamatan || p.kode_kecamatan === f.kecamatan) &&
        (!f.kelurahan || p.kode === f.kelurahan) &&
        textMatches(f.q, [p.name, p.theme, p.kelurahan, p.kecamatan].filter(Boolean).join(" "));
    });
    var o = state.origin;
    list.forEach(function (p) {
      p._d = o && located(p) ? haversine(o.lat, o.lon, p.lat, p.lon) : null;
    });
    if (o) {
      var ranked = list.filter(located), rest = list.filter(function (p) { return !located(p); });
      ranked.sort(function (a, b) {
        return a._d - b._d || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      });
      return ranked.concat(rest);
    }
    return list;
  }

  function queryString() {
    var f = filters(), parts = [];
    Object.keys(f).forEach(function (k) {
      if (f[k]) { parts.push(k + "=" + encodeURIComponent(f[k])); }
    });
    if (state.origin) {
      parts.push("lat=" + state.origin.lat.toFixed(6), "lon=" + state.origin.lon.toFixed(6));
    }
    return parts.length ? "?" + parts.join("&") : "";
  }

  function updateLinks() {
    var qs = queryString();
    root.querySelectorAll("a[data-format]").forEach(function (a) {
      a.href = fmt(root.dataset.exportUrl, { fmt: a.dataset.format }) + qs;
    });
    $("finder-print").href = root.dataset.printUrl + qs;
    $("finder-paged-link").href = root.dataset.listUrl + qs;
  }

  /* ------------------------------------------------ cards */
  function row(dl, label, value) {
    if (!value) { return; }
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", null, value));
  }

  function copyText(text, button) {
    var done = function () { button.textContent = T.copied; };
    var fail = function () {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
      document.body.removeChild(area);
      if (ok) { done(); } else { button.textContent = T.copy_failed; }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fail);
    } else { fail(); }
  }

  function activityList(items) {
    var ul = el("ul");
    items.forEach(function (a) {
      var prog = state.data.programs[a[0]] || { title: a[0] };
      var li = el("li");
      li.appendChild(el("strong", null, prog.title));
      var bits = [a[3] ? fmt(T.nearby, { n: a[3], r: Math.round(state.data.radius_m) })
                       : fmt(T.records, { n: a[1] })];
      if (prog.measure && a[4] != null) {
        bits.push(prog.measure.toLowerCase() + " " + formatNumber(a[4]));
      }
      li.appendChild(document.createTextNode(": " + bits.join(", ")));
      if (a[5] && a[5].length) { li.appendChild(el("span", "finder-examples", a[5].join(", "))); }
      ul.appendChild(li);
    });
    return ul;
  }

  /* Activity within the radius, and apart from it, rows recorded only by kelurahan. */
  function activityBlock(place) {
    var box = el("div", "finder-activity");
    var kel = place.kelurahan_activity || [];
    if (located(place)) {
      box.appendChild(el("h3", null, T.activity));
      if (place.activity.length) {
        box.appendChild(activityList(place.activity));
      } else {
        box.appendChild(el("p", "finder-note", T.no_activity));
      }
    }
    if (kel.length) {
      var part = el("div", "finder-same-kelurahan");
      part.setAttribute("data-testid", "same-kelurahan");
      part.appendChild(el("h3", null, T.same_kelurahan));
      part.appendChild(activityList(kel));
      box.appendChild(part);
    }
    return box;
  }

  function link(text, href, testid, external) {
    var a = el("a", "secondary", text);
    a.href = href;
    a.setAttribute("data-testid", testid);
    if (external) { a.rel = "noopener"; a.target = "_blank"; }
    return a;
  }

  /* Directions from the origin (when one is chosen) to the place, in three apps. */
  function directionLinks(place, actions) {
    var to = place.lat + "," + place.lon, o = state.origin;
    var from = o ? o.lat.toFixed(6) + "," + o.lon.toFixed(6) : "";
    actions.appendChild(link(T.directions, "geo:" + to + "?q=" + to + "(" +
                             encodeURIComponent(place.name) + ")", "geo-link", false));
    actions.appendChild(link(T.osm, "https://www.openstreetmap.org/directions?route=" +
                             encodeURIComponent(from + ";" + to), "osm-link", true));
    actions.appendChild(link(T.gmaps, "https://www.google.com/maps/dir/?api=1&destination=" +
                             encodeURIComponent(to) +
                             (from ? "&origin=" + encodeURIComponent(from) : ""),
                             "gmaps-link", true));
  }

  function contactLinks(place, actions) {
    if (place.tel) { actions.appendChild(link(T.call, "tel:" + place.tel, "tel-link", false)); }
    if (place.wa) {
      actions.appendChild(link(T.whatsapp, "https://wa.me/" + place.wa, "wa-link", true));
    }
  }

  /* The details of a card, built when it is first opened. */
  function cardBody(place) {
    var body = el("div", "finder-card-body");
    var dl = el("dl");
    row(dl, T.theme, place.theme);
    row(dl, T.kelurahan, place.kelurahan);
    row(dl, T.kecamatan, place.kecamatan);
    row(dl, T.address, place.address);
    row(dl, T.contact, place.contact);
    var actions = el("div", "finder-actions");
    if (located(place)) {
      var coords = place.lat.toFixed(6) + ", " + place.lon.toFixed(6);
      row(dl, T.coordinates, coords);
      body.appendChild(dl);
      var copy = el("button", "secondary", T.copy);
      copy.type = "button";
      copy.setAttribute("data-testid", "copy-coords");
      copy.addEventListener("click", function () { copyText(coords, copy); });
      actions.appendChild(copy);
      directionLinks(place, actions);
    } else {
      body.appendChild(dl);
      var none = el("p", "finder-note finder-no-location", T.no_location_note);
      none.setAttribute("data-testid", "no-location");
      body.appendChild(none);
    }
    contactLinks(place, actions);
    if (actions.childNodes.length) { body.appendChild(actions); }
    body.appendChild(activityBlock(place));
    return body;
  }

  /* A compact card: number, name, kind and kelurahan, distance; details on demand. */
  function card(place, index) {
    var li = el("li", "finder-card kind-" + place.kind);
    li.id = "place-" + place.id;
    li.dataset.placeId = place.id;
    li.setAttribute("data-testid", "place-card");
    var details = el("details", "finder-details");
    var head = el("summary", "finder-card-head");
    head.setAttribute("data-testid", "place-summary");
    head.appendChild(el("span", "finder-num", index + 1));
    var title = el("span", "finder-title");
    var name = el("span", "finder-name", place.name);
    name.setAttribute("data-testid", "place-name");
    title.appendChild(name);
    var where = [state.data.kinds[place.kind] || place.kind, place.kelurahan].filter(Boolean);
    title.appendChild(el("span", "finder-kind", where.join(" · ")));
    if (!located(place)) { title.appendChild(el("span", "finder-kind", T.no_location)); }
    head.appendChild(title);
    if (place._d != null) {
      var dist = el("span", "finder-distance", formatDistance(place._d));
      dist.setAttribute("data-testid", "place-distance");
      head.appendChild(dist);
    }
    details.appendChild(head);
    var build = function () {
      if (!details.dataset.built) {
        details.dataset.built = "1";
        details.appendChild(cardBody(place));
      }
    };
    /* Built on the click (Enter or tap) itself, so that the next Tab reaches its links. */
    head.addEventListener("click", build);
    details.addEventListener("toggle", function () { if (details.open) { build(); } });
    li.appendChild(details);
    return li;
  }

  function renderList(list) {
    var ol = $("finder-list"), shown = list.slice(0, state.limit);
    ol.replaceChildren();
    shown.forEach(function (p, i) { ol.appendChild(card(p, i)); });
    var more = $("finder-show-all");
    more.hidden = shown.length >= list.length || list.length > SHOW_ALL_MAX;
    more.textContent = fmt(T.show_all, { n: list.length });
    var unlocated = list.filter(function (p) { return !located(p); }).length;
    var none = state.data && !state.data.places.length && T.empty ? T.empty : T.none;
    $("finder-count").textContent = !list.length ? none : unlocated
      ? fmt(T.count_unlocated, { n: list.length, m: unlocated }) : fmt(T.count, { n: list.length });
  }

  /* Open the card of a place (showing the whole list if it is further down). */
  function openCard(id) {
    var target = document.getElementById("place-" + id);
    if (!target) {
      var at = (state.list || []).findIndex(function (p) { return String(p.id) === String(id); });
      state.limit = Math.max(state.limit, at + 1);
      renderList(state.list || []);
      target = document.getElementById("place-" + id);
    }
    if (!target) { return; }
    var details = target.querySelector("details");
    details.open = true;
    target.scrollIntoView({ block: "start" });
    details.querySelector("summary").focus();
  }

  /* ------------------------------------------------ map (Web Mercator, SVG + optional tiles) */
  function project(lon, lat, z) {
    var s = TILE * Math.pow(2, z), r = Math.sin(lat * Math.PI / 180);
    return [(lon + 180) / 360 * s, (0.5 - Math.log((1 + r) / (1 - r)) / (4 * Math.PI)) * s];
  }

  function unproject(x, y, z) {
    var s = TILE * Math.pow(2, z), n = Math.PI - 2 * Math.PI * y / s;
    return [x / s * 360 - 180, 180 / Math.PI * Math.atan(Math.sinh(n))];
  }

  function mapSize() {
    var box = $("finder-map");
    return [box.clientWidth || 320, box.clientHeight || 300];
  }

  function fit(bounds) {
    var size = mapSize(), z;
    for (z = 18; z > 8; z--) {
      var a = project(bounds[0], bounds[3], z), b = project(bounds[2], bounds[1], z);
      if (b[0] - a[0] <= size[0] - 30 && b[1] - a[1] <= size[1] - 30) { break; }
    }
    state.view = { lon: (bounds[0] + bounds[2]) / 2, lat: (bounds[1] + bounds[3]) / 2, z: z };
  }

  function origin0() {
    var size = mapSize(), c = project(state.view.lon, state.view.lat, state.view.z);
    return [c[0] - size[0] / 2, c[1] - size[1] / 2];
  }

  function tileNote(show) {
    var note = $("finder-map-note");
    note.textContent = T.tiles_offline;
    note.hidden = !show;
    $("finder-tiles").hidden = show;
  }

  function drawTiles(o, size) {
    var box = $("finder-tiles"), url = root.dataset.tileUrl, z = state.view.z;
    box.replaceChildren();
    if (!url) { return; }
    if (!navigator.onLine) { tileNote(true); return; }
    tileNote(false);
    var n = Math.pow(2, z);
    for (var tx = Math.floor(o[0] / TILE); tx * TILE < o[0] + size[0]; tx++) {
      for (var ty = Math.floor(o[1] / TILE); ty * TILE < o[1] + size[1]; ty++) {
        if (ty < 0 || ty >= n) { continue; }
        var img = document.createElement("img");
        img.alt = "";
        img.width = TILE;
        img.height = TILE;
        img.style.left = (tx * TILE - o[0]) + "px";
        img.style.top = (ty * TILE - o[1]) + "px";
        img.addEventListener("error", function () { tileNote(true); });
        img.src = url.replace("{s}", "a").replace("{z}", z)
          .replace("{x}", ((tx % n) + n) % n).replace("{y}", ty);
        box.appendChild(img);
      }
    }
  }

  function outlinePath(parts, o, z) {
    var scale = state.data.outline_scale, d = "";
    parts.forEach(function (ring) {
      var x = 0, y = 0;
      for (var i = 0; i < ring.length; i += 2) {
        x += ring[i];
        y += ring[i + 1];
        var p = project(x / scale, y / scale, z);
        d += (i ? "L" : "M") + (p[0] - o[0]).toFixed(1) + "," + (p[1] - o[1]).toFixed(1);
      }
      d += "Z";
    });
    return d;
  }

  function drawMap(list) {
    if (!state.data) { return; }
    if (!state.view) { fit(state.data.bounds); }
    var size = mapSize(), o = origin0(), z = state.view.z, s = $("finder-svg");
    s.setAttribute("viewBox", "0 0 " + size[0] + " " + size[1]);
    s.replaceChildren();
    drawTiles(o, size);
    var g = svg("g", { "class": "outlines" });
    state.data.outlines.forEach(function (parts) {
      g.appendChild(svg("path", { d: outlinePath(parts, o, z) }));
    });
    s.appendChild(g);
    var drawn = 0, onMap = list.filter(located).length;
    list.forEach(function (p, i) {
      if (!located(p) || drawn >= MAP_POINTS_MAX) { return; }
      drawn += 1;
      var xy = project(p.lon, p.lat, z);
      var c = svg("circle", { cx: (xy[0] - o[0]).toFixed(1), cy: (xy[1] - o[1]).toFixed(1),
                              r: 9, "class": "pt kind-" + p.kind, "data-place-id": p.id });
      var title = svg("title");
      title.textContent = (i + 1) + ". " + p.name;
      c.appendChild(title);
      c.addEventListener("click", function (ev) {
        ev.stopPropagation();
        openCard(p.id);
      });
      s.appendChild(c);
    });
    var capped = $("finder-map-capped");
    capped.hidden = onMap <= MAP_POINTS_MAX;
    capped.textContent = fmt(T.map_capped, { shown: MAP_POINTS_MAX, n: onMap });
    if (state.origin) {
      var m = project(state.origin.lon, state.origin.lat, z);
      s.appendChild(svg("circle", { cx: (m[0] - o[0]).toFixed(1), cy: (m[1] - o[1]).toFixed(1),
                                    r: 8, "class": "me", "data-testid": "origin-marker" }));
    }
  }

  function zoom(delta) {
    if (!state.view) { return; }
    state.view.z = Math.max(9, Math.min(18, state.view.z + delta));
    render();
  }

  function setupMapEvents() {
    var box = $("finder-map"), drag = null, moved = false;
    $("finder-zoom-in").addEventListener("click", function () { zoom(1); });
    $("finder-zoom-out").addEventListener("click", function () { zoom(-1); });
    box.addEventListener("pointerdown", function (ev) {
      if (ev.target.closest("button")) { return; }
      drag = [ev.clientX, ev.clientY, project(state.view.lon, state.view.lat, state.view.z)];
      moved = false;
    });
    box.addEventListener("pointermove", function (ev) {
      if (!drag) { return; }
      var dx = ev.clientX - drag[0], dy = ev.clientY - drag[1];
      if (Math.abs(dx) + Math.abs(dy) > 6) { moved = true; }
      if (moved) {
        var ll = unproject(drag[2][0] - dx, drag[2][1] - dy, state.view.z);
        state.view.lon = ll[0];
        state.view.lat = ll[1];
        drawMap(state.list || []);
      }
    });
    box.addEventListener("pointerup", function (ev) {
      var wasDrag = moved;
      drag = null;
      moved = false;
      if (wasDrag || !state.picking || ev.target.closest("button")) { return; }
      var rect = $("finder-svg").getBoundingClientRect(), o = origin0();
      var ll = unproject(o[0] + ev.clientX - rect.left, o[1] + ev.clientY - rect.top,
                         state.view.z);
      setPicking(false);
      setOrigin({ lat: ll[1], lon: ll[0], source: "map" });
      $("finder-near").scrollIntoView({ block: "start" });
    });
  }

  /* ------------------------------------------------ origin (nearest to me) */
  function setPicking(on) {
    state.picking = on;
    $("finder-pick").setAttribute("aria-pressed", on ? "true" : "false");
    $("finder-map").classList.toggle("picking", on);
    if (on) {
      $("finder-near-status").textContent = T.tap_map;
      $("finder-map").scrollIntoView({ block: "center" });
    }
  }

  function setOrigin(origin) {
    state.origin = origin;
    state.limit = PAGE;
    $("finder-near-status").classList.remove("warn");
    var text = origin.source === "gps" ? T.from_gps : origin.source === "map" ? T.from_map
      : fmt(T.from_kelurahan, { name: origin.name });
    $("finder-near-status").textContent = text;
    var acc = $("finder-accuracy");
    acc.classList.remove("warn");
    acc.textContent = "";
    if (origin.source === "gps") {
      var m = Math.round(origin.accuracy || 0);
      acc.textContent = m > 100 ? fmt(T.accuracy_poor, { m: m }) : fmt(T.accuracy, { m: m });
      acc.classList.toggle("warn", m > 100);
    }
    if (origin.source !== "kelurahan") { $("finder-origin-kel").value = ""; }
    var list = visiblePlaces().filter(located).slice(0, 3);
    var lons = [origin.lon], lats = [origin.lat];
    list.forEach(function (p) { lons.push(p.lon); lats.push(p.lat); });
    fit([Math.min.apply(null, lons) - 0.002, Math.min.apply(null, lats) - 0.002,
         Math.max.apply(null, lons) + 0.002, Math.max.apply(null, lats) + 0.002]);
    render();
  }

  function locate() {
    var status = $("finder-near-status");
    setPicking(false);
    if (!navigator.geolocation) {
      status.textContent = fmt(T.no_fix, { reason: T.unavailable });
      return;
    }
    status.textContent = T.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      setOrigin({ lat: pos.coords.latitude, lon: pos.coords.longitude,
                  accuracy: pos.coords.accuracy, source: "gps" });
    }, function (err) {
      var reason = err.code === 1 ? T.denied : err.code === 3 ? T.timeout : T.unavailable;
      status.textContent = fmt(T.no_fix, { reason: reason });
      status.classList.add("warn");
      $("finder-origin-kel").focus();
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  function fillOriginSelect() {
    var sel = $("finder-origin-kel");
    if (sel.options.length > 1) { return; }
    state.data.kelurahan.slice().sort(function (a, b) {
      return a.nama.localeCompare(b.nama);
    }).forEach(function (k) {
      var opt = el("option", null, k.nama + " (" + k.kecamatan + ")");
      opt.value = k.kode;
      sel.appendChild(opt);
    });
  }

  function originFromKelurahan() {
    var kode = $("finder-origin-kel").value;
    var k = state.data.kelurahan.filter(function (x) { return x.kode === kode; })[0];
    if (!k) { return; }
    setPicking(false);
    $("finder-near-status").classList.remove("warn");
    setOrigin({ lat: k.lat, lon: k.lon, source: "kelurahan", name: k.nama });
  }

  /* ------------------------------------------------ data */
  function render() {
    if (!state.data) { return; }
    var list = visiblePlaces();
    state.list = list;
    renderList(list);
    drawMap(list);
    updateLinks();
  }

  function showStatus(fromCache) {
    var parts = [];
    if (state.data.updated_text) { parts.push(fmt(T.data_date, { date: state.data.updated_text })); }
    var fetched = null;
    try { fetched = localStorage.getItem("geoapp-finder-fetched"); } catch (e) { fetched = null; }
    if (fromCache) {
      var date = fetched ? formatDate(new Date(fetched)) : null;
      if (!navigator.onLine) {                   /* one sentence, with the date if known */
        parts.push(date ? fmt(T.offline_cached, { date: date }) : T.offline);
      } else if (date) {
        parts.push(fmt(T.cached, { date: date }));
      }
    }
    var status = $("finder-status");
    status.textContent = parts.filter(Boolean).join(" ");
    status.classList.toggle("offline", !!fromCache);
    status.dataset.source = fromCache ? "cache" : "network";
    setOffline(!!fromCache || !navigator.onLine);
  }

  /* Downloads and the printable list are made by the server: hidden while offline. */
  function setOffline(offline) {
    state.offline = offline;
    $("finder-download-links").hidden = offline;
    $("finder-downloads-offline").hidden = !offline;
  }

  function load() {
    return fetch(root.dataset.dataUrl, { cache: "no-cache", credentials: "same-origin" })
      .then(function (res) {
        if (!res.ok) { throw new Error("HTTP " + res.status); }
        var fromCache = res.headers.get("X-Geoapp-Cache") === "1";
        return res.json().then(function (data) {
          if (!fromCache) {
            try { localStorage.setItem("geoapp-finder-fetched", new Date().toISOString()); }
            catch (e) { /* private mode: no date shown */ }
          }
          state.data = data;
          fillOriginSelect();
          showStatus(fromCache);
          render();
          root.dataset.ready = fromCache ? "cache" : "network";
        });
      })
      .catch(function () {
        if (!state.data) { $("finder-status").textContent = T.no_data; }
      });
  }

  function registerWorker() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.register(root.dataset.swUrl, { scope: root.dataset.scope })
      .catch(function () { /* offline support is a bonus; the page works without it */ });
  }

  function init() {
    ["finder-q", "finder-kind", "finder-theme", "finder-kecamatan", "finder-kelurahan"]
      .forEach(function (id) {
        $(id).addEventListener(id === "finder-q" ? "input" : "change", function () {
          state.limit = PAGE;
          render();
        });
      });
    $("finder-filters").addEventListener("submit", function (ev) {
      ev.preventDefault();
      render();
    });
    $("finder-locate").addEventListener("click", locate);
    $("finder-pick").addEventListener("click", function () { setPicking(!state.picking); });
    $("finder-origin-kel").addEventListener("change", originFromKelurahan);
    $("finder-show-all").addEventListener("click", function () {
      state.limit = Infinity;
      var next = $("finder-list").children.length;
      renderList(state.list || []);
      var first = $("finder-list").children[next];
      if (first) { first.querySelector("summary").focus(); }
    });
    setupMapEvents();
    window.addEventListener("online", function () { load(); });
    window.addEventListener("offline", function () {
      if (state.data) { showStatus(true); drawMap(state.list || []); } else { setOffline(true); }
    });
    window.addEventListener("resize", function () { if (state.data) { drawMap(state.list); } });
    registerWorker();
    load();
  }

  window.geoappFinder = { normalise: normalise, textMatches: textMatches,
                          formatDistance: formatDistance, haversine: haversine };
  init();
})();
