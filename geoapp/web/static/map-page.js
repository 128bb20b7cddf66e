/* The planners' map page: live controls, the URL as the state, share / embed / print links.
 * Without JavaScript the form is sent as a plain GET ("Tampilkan di peta") and the server
 * draws the same state. With it, every control updates the map in place: only the layers a
 * change makes stale are fetched from /api/map/<key>.json; the URL always holds the state
 * (history.pushState for choices, replaceState for panning), and the back button restores it.
 * No inline handlers; all text from data is placed with textContent. */
(function (window, document) {
  "use strict";

  var FILTERS = ["year", "program", "kecamatan"];
  var LIVE = ["scheme", "k"].concat(FILTERS);
  var cache = {};
  var generation = 0;
  var page = null;

  function $(id) { return document.getElementById(id); }

  function texts() {
    var node = $("map-page-texts");
    return node ? JSON.parse(node.textContent) : {};
  }

  function fill(template, params) {
    return String(template || "").replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m;
    });
  }

  /* ---- the state: URL parameters ---- */
  function formParams(form) {
    var params = new URLSearchParams();
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.disabled || input.type === "submit") { return; }
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) { return; }
      if (input.value !== "") { params.set(input.name, input.value); }
    });
    return params;
  }

  function hiddenOverlays() {
    return Array.prototype.filter.call(document.querySelectorAll("[data-overlay]"), function (box) {
      return !box.checked;
    }).map(function (box) { return box.getAttribute("data-overlay"); });
  }

  function currentParams() {
    var params = page.form ? formParams(page.form) : new URLSearchParams(window.location.search);
    ["hide", "z", "c", "kel"].forEach(function (name) { params.delete(name); });
    var hide = page.form ? hiddenOverlays() : (new URLSearchParams(window.location.search).get("hide") || "").split(",").filter(Boolean);
    if (hide.length) { params.set("hide", hide.join(",")); }
    var map = page.ctl.map, centre = map.getCenter();
    params.set("z", String(map.getZoom()));
    params.set("c", centre.lat.toFixed(5) + "," + centre.lng.toFixed(5));
    if (page.ctl.selected()) { params.set("kel", page.ctl.selected()); }
    return params;
  }

  function liveQuery(params) {
    var out = new URLSearchParams();
    LIVE.forEach(function (name) { if (params.get(name)) { out.set(name, params.get(name)); } });
    return out.toString();
  }

  function writeUrl(push) {
    if (page.restoring) { return; }
    var url = window.location.pathname + "?" + currentParams().toString();
    if (url === window.location.pathname + window.location.search) { return; }
    window.history[push ? "pushState" : "replaceState"]({ geoapp: true }, "", url);
    updateLinks();
  }

  /* ---- fetching layers ---- */
  /* How many layer requests are in flight, on <html data-fetching> (tests wait for 0). */
  function pending(change) {
    var root = document.documentElement;
    root.dataset.fetching = String((parseInt(root.dataset.fetching || "0", 10) || 0) + change);
  }

  function fetchLayer(key, params) {
    var url = "/api/map/" + encodeURIComponent(key) + ".json";
    var query = liveQuery(params);
    url += query ? "?" + query : "";
    if (!cache[url]) {
      pending(1);
      cache[url] = window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (resp) {
          if (!resp.ok) { delete cache[url]; throw new Error(String(resp.status)); }
          return resp.json();
        });
      cache[url].then(function () { pending(-1); }, function () { pending(-1); });
    }
    return cache[url];
  }

  function radios() { return document.querySelectorAll("input[name=layer]"); }

  function keyOf(program) {
    var select = $("control-variant-" + program);
    if (select) { return select.value; }
    var radio = document.querySelector("input[name=layer][value='" + program + "']");
    return radio ? radio.getAttribute("data-key") : (page.t.layers || {})[program] || null;
  }

  function shownProgram(params) {
    var program = params.get("layer");
    if (program) { return program; }
    return programs()[0] || null;
  }

  function programs() {
    var list = Array.prototype.map.call(radios(), function (r) { return r.value; });
    return list.length ? list : Object.keys(page.t.layers || {});
  }

  /* What a change of parameters makes stale: layer keys to fetch now. */
  function plan(before, after) {
    var filtersChanged = FILTERS.some(function (n) { return before.get(n) !== after.get(n); });
    var shown = shownProgram(after), area = [], points = [];
    programs().forEach(function (program) {
      var key = keyOf(program), loaded = page.loaded[program] || "";
      if (loaded === key + "?" + liveQuery(after)) { return; }
      /* classes of a hidden layer are refreshed when it is shown; values always at once */
      if (program === shown || filtersChanged || loaded.split("?")[0] !== key) { area.push(program); }
    });
    if (filtersChanged) { points = page.pointKeys.slice(); }
    return { area: area, points: points };
  }

  function applyArea(program, key, resp, params) {
    var old = page.current[program];
    if (resp.chor) {
      page.ctl.replace(old, resp.chor, resp.kel);
      page.current[program] = key;
      page.loaded[program] = key + "?" + liveQuery(params);
      updateRow(old, key, resp);
    }
  }

  /* The visible choropleth and the switched-on point layers are fetched and drawn first;
     the hidden ones follow afterwards, so a change is on the map as soon as its layers are. */
  function update(before, after, push) {
    var todo = plan(before, after), mine = ++generation, notes = [];
    var shown = shownProgram(after), hide = (after.get("hide") || "").split(",");
    function areaJob(program) {
      var key = keyOf(program);
      return fetchLayer(key, after).then(function (resp) {
        if (mine !== generation) { return; }
        applyArea(program, key, resp, after);
        if (program === shownProgram(after)) { notes = notes.concat(resp.notes || []); }
      });
    }
    function pointJob(key) {
      return fetchLayer(key, after).then(function (resp) {
        if (mine === generation && resp.pts) { page.ctl.setPoints(resp.pts); updateRow(key, key, resp); }
        notes = notes.concat(resp.notes || []);
      });
    }
    var visible = function (k) { return hide.indexOf(k) < 0; };
    var jobs = todo.area.filter(function (p) { return p === shown; }).map(areaJob)
      .concat(todo.points.filter(visible).map(pointJob));
    function later() {
      if (mine !== generation) { return; }
      Promise.all(todo.area.filter(function (p) { return p !== shown; }).map(areaJob)
        .concat(todo.points.filter(function (k) { return !visible(k); }).map(pointJob)))
        .catch(function () { /* a hidden layer is fetched again when it is shown */ });
    }
    setBusy(true);
    return Promise.all(jobs).then(function () {
      if (mine !== generation) { return; }
      var shown = shownProgram(after);
      if (shown && page.current[shown]) { page.ctl.show(page.current[shown]); }
      applyOverlays(after);
      if (before.get("kecamatan") !== after.get("kecamatan")) { fit(); fillKelurahan(); }
      showNotes(notes, after, true);
      setBusy(false);
      writeUrl(push);
      later();
    }).catch(function () {
      setBusy(false);
      showNotes([page.t.loadError], after, true);
    });
  }

  /* ---- what the page shows besides the map ---- */
  function setBusy(busy) {
    if (page.form) { page.form.setAttribute("aria-busy", busy ? "true" : "false"); }
  }

  /* Notes of the current state; ``live``: they replace the notes the server printed. */
  function showNotes(notes, params, live) {
    var box = $("map-live-notes");
    if (!box) { return; }
    var unique = notes.filter(function (n, i) { return n && notes.indexOf(n) === i; });
    var shown = shownProgram(params), sub = params.get("program") || "";
    var owner = sub.split(":")[0];
    if (sub && owner !== shown) {
      var names = page.t.programs || {};
      var text = fill(page.t.programElsewhere, { value: sub.slice(owner.length + 1),
        owner: names[owner] || owner, layer: names[shown] || shown });
      if (unique.indexOf(text) < 0) { unique.push(text); }
    }
    while (box.firstChild) { box.removeChild(box.firstChild); }
    unique.forEach(function (n) { var li = document.createElement("li"); li.textContent = n; box.appendChild(li); });
    box.hidden = !unique.length;
    var server = $("map-notes");
    if (server && live) { server.hidden = true; }
  }

  function updateRow(oldKey, key, resp) {
    var row = document.querySelector("[data-testid='layer-" + oldKey + "']");
    if (!row || !resp.links) { return; }
    row.setAttribute("data-testid", "layer-" + key);
    var title = row.querySelector("th");
    if (title && resp.chor) { title.textContent = resp.chor.title; }
    if (title && resp.pts) { title.textContent = resp.pts.title; }
    Object.keys(resp.links).forEach(function (fmt) {
      var a = row.querySelector("[data-testid='download-" + oldKey + "-" + fmt + "']");
      if (a) { a.setAttribute("href", resp.links[fmt]); a.setAttribute("data-testid", "download-" + key + "-" + fmt); }
    });
  }

  function applyOverlays(params) {
    var hide = (params.get("hide") || "").split(",");
    document.querySelectorAll("[data-overlay]").forEach(function (box) {
      var key = box.getAttribute("data-overlay");
      box.checked = hide.indexOf(key) < 0;
      page.ctl.overlay(key, box.checked);
    });
    if (!page.form) { ["kecamatan"].concat(page.pointKeys).forEach(function (k) { page.ctl.overlay(k, hide.indexOf(k) < 0); }); }
  }

  function fit() {
    var panel = $("map-panel"), legend = page.ctl.legend;
    var left = 16, bottom = 16, wide = window.innerWidth > 700;
    if (panel && wide && !page.stage.classList.contains("panel-closed")) { left += panel.offsetWidth; }
    if (panel && !wide && !page.stage.classList.contains("panel-closed")) { bottom += panel.offsetHeight; }
    var right = 16 + (legend && wide ? legend.offsetWidth : 0);
    page.ctl.map.fitBounds(page.ctl.bounds(), { paddingTopLeft: [left, 16], paddingBottomRight: [right, bottom] });
  }

  /* The print takes the map's choices, the shown point layers and the view's bounds. */
  function printHref(format, params) {
    var b = page.ctl.map.getBounds(), p = new URLSearchParams(params.toString());
    var hide = (params.get("hide") || "").split(",");
    ["hide", "z", "c", "kel"].forEach(function (k) { p.delete(k); });
    p.set("points", page.pointKeys.filter(function (k) { return hide.indexOf(k) < 0; }).join(","));
    p.set("bbox", [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(5); }).join(","));
    return "/map/print." + format + "?" + p.toString();
  }

  function embedUrl(params) {
    return window.location.origin + "/embed?" + params.toString();
  }

  function updateLinks() {
    var params = currentParams();
    ["pdf", "png"].forEach(function (fmt) {
      var a = $("print-" + fmt);
      if (a) { a.setAttribute("href", printHref(fmt, params)); }
    });
    var code = $("embed-code");
    if (code) {
      var iframe = document.createElement("iframe");
      iframe.setAttribute("src", embedUrl(params));
      iframe.setAttribute("title", page.t.embedTitle || "");
      iframe.setAttribute("width", "100%");
      iframe.setAttribute("height", "600");
      iframe.setAttribute("loading", "lazy");
      code.value = iframe.outerHTML;
    }
    var open = $("embed-open");
    if (open) { open.setAttribute("href", (page.form ? "/embed?" : "/?") + params.toString()); }
  }

  /* ---- the kelurahan picker: select a kelurahan without hunting for its shape ---- */
  function fillKelurahan() {
    var picker = $("control-kel");
    if (!picker) { return; }
    var kel = page.ctl.kelurahan(), rows = kel.kode.map(function (kode, i) { return [kel.nama[i], kel.kec[i], kode]; });
    rows.sort(function (a, b) { return a[0].localeCompare(b[0], "id"); });
    while (picker.options.length > 1) { picker.remove(1); }
    rows.forEach(function (r) {
      var option = document.createElement("option");
      option.value = r[2];
      option.textContent = r[0] + " (" + r[1] + ")";
      picker.appendChild(option);
    });
    picker.value = page.ctl.selected() || "";
  }

  /* ---- share ---- */
  function share() {
    var url = window.location.href, status = $("share-status"), box = $("share-url");
    function fallback() {
      box.hidden = false;
      box.value = url;
      box.focus();
      box.select();
      status.textContent = page.t.copyFallback;
    }
    if (window.navigator.clipboard && window.isSecureContext) {
      window.navigator.clipboard.writeText(url).then(function () {
        box.hidden = true;
        status.textContent = page.t.copied;
      }, fallback);
    } else {
      fallback();
    }
  }

  /* ---- restoring the state from the URL (first load and the back button) ---- */
  function restoreForm(params) {
    if (!page.form) { return; }
    Array.prototype.forEach.call(page.form.elements, function (input) {
      if (!input.name || input.type === "submit") { return; }
      var value = params.get(input.name);
      if (input.type === "radio") {
        input.checked = (value || programs()[0]) === input.value;
      } else if (input.tagName === "SELECT") {
        var fallbackValue = input.getAttribute("data-default") || "";
        input.value = value !== null ? value : fallbackValue;
        if (input.selectedIndex < 0) { input.value = fallbackValue; }
        if (input.name.indexOf("v_") === 0) {
          var radio = document.querySelector("input[name=layer][value='" + input.name.slice(2) + "']");
          if (radio) { radio.setAttribute("data-key", input.value); }
        }
      }
    });
  }

  function restoreView(params) {
    var c = (params.get("c") || "").split(","), z = parseInt(params.get("z"), 10);
    var lat = parseFloat(c[0]), lng = parseFloat(c[1]);
    if (c.length === 2 && isFinite(lat) && isFinite(lng) && isFinite(z)) {
      page.ctl.map.setView([lat, lng], z, { animate: false });
    } else {
      fit();
    }
    var kel = params.get("kel");
    if (kel) { page.ctl.select(kel); } else { page.ctl.map.closePopup(); }
  }

  function onPopState() {
    var params = new URLSearchParams(window.location.search);
    var before = page.state;
    restoreForm(params);
    page.restoring = true;
    var after = page.form ? formParams(page.form) : params;
    ["hide"].forEach(function (n) { if (params.get(n)) { after.set(n, params.get(n)); } });
    page.state = after;
    update(before, after, false).then(function () {
      restoreView(params);
      page.restoring = false;
      updateLinks();
    });
  }

  /* ---- wiring ---- */
  function onChange(event) {
    var target = event.target;
    if (target.hasAttribute("data-overlay")) {
      page.ctl.overlay(target.getAttribute("data-overlay"), target.checked);
      writeUrl(true);
      return;
    }
    if (target.name && target.name.indexOf("v_") === 0) {
      var radio = document.querySelector("input[name=layer][value='" + target.name.slice(2) + "']");
      if (radio) { radio.setAttribute("data-key", target.value); }
    }
    var before = page.state, after = formParams(page.form);
    var hide = hiddenOverlays();
    if (hide.length) { after.set("hide", hide.join(",")); }
    page.state = after;
    update(before, after, true);
  }

  function togglePanel() {
    var button = $("panel-toggle"), open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    page.stage.classList.toggle("panel-closed", !open);
    page.ctl.map.invalidateSize();
  }

  function start(ctl) {
    if (page || !$("map-stage")) { return; }
    page = { ctl: ctl, form: $("map-controls"), stage: $("map-stage"), t: texts(), loaded: {},
      current: {}, pointKeys: ctl.data.pts.map(function (p) { return p.key; }), restoring: true };
    var initial = new URLSearchParams(window.location.search);
    if (ctl.map.zoomControl) { ctl.map.zoomControl.setPosition("topright"); }
    if (window.innerWidth <= 700 && ctl.legend) { ctl.legend.open = false; }
    page.state = page.form ? formParams(page.form) : initial;
    if (initial.get("hide")) { page.state.set("hide", initial.get("hide")); }
    programs().forEach(function (program) {
      var key = keyOf(program);
      page.current[program] = key;
      page.loaded[program] = key + "?" + liveQuery(page.state);
    });
    var shown = shownProgram(page.state);
    if (shown && page.current[shown]) { ctl.show(page.current[shown]); }
    applyOverlays(page.state);
    if (page.form) {
      page.form.addEventListener("change", onChange);
      page.form.addEventListener("submit", function (ev) { ev.preventDefault(); onChange({ target: page.form }); });
      page.form.classList.add("live");
      page.stage.classList.add("live");
    }
    var toggle = $("panel-toggle");
    if (toggle) {
      toggle.hidden = false;
      toggle.addEventListener("click", togglePanel);
      if (window.innerWidth <= 700) { togglePanel(); }
    }
    if ($("share-button")) { $("share-button").addEventListener("click", share); }
    restoreView(initial);
    page.restoring = false;
    ctl.map.on("moveend", function () { writeUrl(false); updateLinks(); });
    ctl.on("select", function (kode) {
      if ($("control-kel")) { $("control-kel").value = kode || ""; }
      writeUrl(true);
    });
    fillKelurahan();
    if ($("control-kel")) {
      $("control-kel").addEventListener("change", function (ev) { ctl.select(ev.target.value); });
    }
    window.addEventListener("popstate", onPopState);
    updateLinks();
    showNotes([], page.state);
    document.documentElement.setAttribute("data-map-ready", "true");
  }

  document.addEventListener("geoapp:map", function (ev) { start(ev.detail); });
  document.addEventListener("DOMContentLoaded", function () {
    if (window.geoappMap && window.geoappMap.current) { start(window.geoappMap.current); }
  });
}(window, document));
