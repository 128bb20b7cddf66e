/* geoapp planners' map: builds choropleths, outlines, legends and points from one JSON block.
 * All text from data is placed with textContent or escaped; no dynamic code. */
(function (window, document) {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var KODE_RE = /^\d{2}\.\d{2}\.\d{2}\.\d{4}$/;
  var COLOR_RE = /^#[0-9a-fA-F]{6}$/;
  var HATCH_ID = "geoapp-nodata-hatch";
  var SHAPES = {
    circle: ["circle", { cx: 10, cy: 10, r: 7 }],
    square: ["rect", { x: 3.5, y: 3.5, width: 13, height: 13, rx: 1.5 }],
    diamond: ["path", { d: "M10 1.5 18.5 10 10 18.5 1.5 10Z" }],
    triangle: ["path", { d: "M10 2 18.5 17.5H1.5Z" }],
    leaf: ["path", { d: "M3 17C3 8 8 3 17 3 17 12 12 17 3 17Z" }],
    sprout: ["path", { d: "M10 18V10M10 10C10 5 6 3 2.5 3 2.5 7 5 10 10 10ZM10 12C10 8 13 6 17.5 6 17.5 10 14.5 12 10 12Z" }],
    house: ["path", { d: "M10 2 18 9H15.5V18H4.5V9H2Z" }]
  };

  function esc(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function fill(template, params) {
    return String(template).replace(/\{(\w+)\}/g, function (m, name) {
      return Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : m;
    });
  }

  /* ---- geometry: encoded-polyline rings on a fixed grid ---- */
  function decodeRing(str, scale) {
    var out = [], i = 0, lat = 0, lng = 0, len = str.length;
    function next() {
      var result = 0, shift = 0, b;
      do {
        b = str.charCodeAt(i++) - 63;
        result |= (b & 0x1f) << shift;
        shift += 5;
      } while (b >= 0x20 && i < len);
      return (result & 1) ? ~(result >> 1) : (result >> 1);
    }
    while (i < len) {
      lat += next();
      lng += next();
      out.push([lat / scale, lng / scale]);
    }
    return out;
  }

  function decodeLayer(layer, scale) {
    var byKode = {};
    if (!layer) { return byKode; }
    layer.kode.forEach(function (kode, i) {
      byKode[kode] = layer.geom[i].map(function (rings) {
        return rings.map(function (r) { return decodeRing(r, scale); });
      });
    });
    return byKode;
  }

  /* ---- no-data hatching: one hidden SVG pattern shared by the page ---- */
  function svgNode(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function ensureHatch() {
    if (document.getElementById(HATCH_ID)) { return; }
    var svg = svgNode("svg", { width: 0, height: 0, "aria-hidden": "true", "class": "geoapp-defs" });
    var defs = svgNode("defs", {});
    var pattern = svgNode("pattern", { id: HATCH_ID, width: 6, height: 6,
      patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
    pattern.appendChild(svgNode("rect", { width: 6, height: 6, fill: "#ffffff" }));
    pattern.appendChild(svgNode("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#9a9a9a", "stroke-width": 1.5 }));
    defs.appendChild(pattern);
    svg.appendChild(defs);
    document.body.appendChild(svg);
  }

  function pathStyle(style) {
    var s = {};
    Object.keys(style).forEach(function (k) { if (k !== "hatch") { s[k] = style[k]; } });
    if (style.hatch) { s.fillColor = "url(#" + HATCH_ID + ")"; }
    return s;
  }

  /* ---- legends: one box (bottom right) for the shown choropleth and every shown point layer ---- */
  function swatch(style) {
    var sw = el("span", "geoapp-swatch");
    if (style.hatch) { sw.className += " geoapp-swatch-nodata"; } else { sw.style.background = style.fillColor; }
    return sw;
  }

  function legendRow(list, marker, text, n) {
    var row = el("li");
    row.appendChild(marker);
    row.appendChild(el("span", "geoapp-legend-text", text));
    if (n !== undefined && n !== null) { row.appendChild(el("span", "geoapp-legend-n", "(" + n + ")")); }
    list.appendChild(row);
  }

  function choroplethLegend(chor) {
    var div = el("div", "geoapp-legend");
    div.setAttribute("data-key", chor.key);
    div.appendChild(el("div", "geoapp-legend-title", chor.title));
    if (chor.label) { div.appendChild(el("div", "geoapp-legend-label", chor.label)); }
    var list = el("ul", "geoapp-legend-list");
    chor.legend.entries.forEach(function (e, k) { legendRow(list, swatch(chor.styles[k]), e.text, e.n); });
    legendRow(list, swatch(chor.nodata), chor.legend.nodata.text, chor.legend.nodata.n);
    div.appendChild(list);
    return div;
  }

  function pointLegend(layer) {
    var div = el("div", "geoapp-legend");
    div.setAttribute("data-key", layer.key);
    div.appendChild(el("div", "geoapp-legend-title", layer.title));
    var list = el("ul", "geoapp-legend-list");
    layer.themes.forEach(function (t) { legendRow(list, iconSvg(t.shape, t.color), t.label); });
    div.appendChild(list);
    if (layer.note) { div.appendChild(el("div", "geoapp-legend-note", layer.note)); }
    return div;
  }

  function legendBox(map, title) {
    var ctl = L.control({ position: "bottomright" });
    var box = el("details", "geoapp-legends leaflet-control");
    box.open = true;
    box.appendChild(el("summary", "geoapp-legends-summary", title));
    var body = el("div", "geoapp-legends-body");
    box.appendChild(body);
    ctl.onAdd = function () {
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    ctl.addTo(map);
    return { box: box, body: body };
  }

  /* ---- point icons: inline SVG built with DOM calls ---- */
  function iconSvg(shape, color) {
    var def = SHAPES[shape] || SHAPES.circle;
    var svg = svgNode("svg", { viewBox: "0 0 20 20", width: 20, height: 20, "class": "geoapp-icon-svg" });
    var attrs = { fill: COLOR_RE.test(color) ? color : "#666666", stroke: "#1a1a1a", "stroke-width": 1.2 };
    Object.keys(def[1]).forEach(function (k) { attrs[k] = def[1][k]; });
    svg.appendChild(svgNode(def[0], attrs));
    return svg;
  }

  function pointIcon(theme) {
    return L.divIcon({ html: iconSvg(theme.shape, theme.color), className: "geoapp-icon",
      iconSize: [20, 20], iconAnchor: [10, 10], popupAnchor: [0, -10] });
  }

  function pointPopup(layer, p) {
    var box = el("div", "geoapp-popup");
    var theme = layer.themes[p[2]];
    box.appendChild(el("strong", null, layer.title));
    if (layer.themes.length > 1 && theme) { box.appendChild(el("div", "geoapp-tip-kec", theme.label)); }
    var table = el("table", "geoapp-popup-table");
    layer.fields.forEach(function (label, k) {
      var row = el("tr");
      row.appendChild(el("th", null, label));
      row.appendChild(el("td", null, p[3][k] === null ? "–" : p[3][k]));
      table.appendChild(row);
    });
    box.appendChild(table);
    return box;
  }

  function pointLayer(layer) {
    var useCluster = layer.cluster && typeof L.markerClusterGroup === "function";
    var group = useCluster ? L.markerClusterGroup({ showCoverageOnHover: false }) : L.featureGroup();
    layer.p.forEach(function (p) {
      var theme = layer.themes[p[2]] || layer.themes[0];
      var name = (p[3][0] || layer.title) + (layer.themes.length > 1 ? " (" + theme.label + ")" : "");
      var marker = L.marker([p[0], p[1]], { icon: pointIcon(theme), title: name, alt: name });
      marker.on("add", function () {
        var node = marker.getElement();
        if (node) { node.setAttribute("aria-label", name); node.setAttribute("role", "button"); }
      });
      marker.bindPopup(function () { return pointPopup(layer, p); });
      group.addLayer(marker);
    });
    return group;
  }

  /* ---- layers ---- */
  function index(kel) {
    var at = {};
    kel.kode.forEach(function (kode, i) { at[kode] = i; });
    return at;
  }

  function valueText(data, chor, i) {
    return chor.v[i] === null ? data.t.noData : chor.v[i];
  }

  function shapeName(data, chor, i) {
    return chor.kel.nama[i] + ", " + data.t.kecamatan + " " + chor.kel.kec[i] + ": " +
      chor.title + " " + valueText(data, chor, i);
  }

  function tooltipNode(data, chor, i) {
    var box = el("div", "geoapp-tip");
    box.appendChild(el("strong", null, chor.kel.nama[i]));
    box.appendChild(el("div", "geoapp-tip-kec", data.t.kecamatan + " " + chor.kel.kec[i]));
    box.appendChild(el("div", "geoapp-tip-title", chor.title));
    box.appendChild(el("div", "geoapp-tip-value", valueText(data, chor, i)));
    if (chor.r[i] !== null) {
      box.appendChild(el("div", "geoapp-tip-rank", fill(data.t.rank, { rank: chor.r[i], total: chor.n })));
    }
    return box;
  }

  function popupNode(state, kode) {
    var data = state.data;
    var first = state.chor[state.shown] || state.chor[Object.keys(state.chor)[0]];
    var i = first.at[kode];
    var box = el("div", "geoapp-popup");
    box.appendChild(el("strong", null, first.kel.nama[i]));
    box.appendChild(el("div", "geoapp-tip-kec", data.t.kecamatan + " " + first.kel.kec[i]));
    var table = el("table", "geoapp-popup-table");
    state.order.forEach(function (key) {
      var chor = state.chor[key], k = chor.at[kode];
      if (k === undefined) { return; }
      var row = el("tr");
      row.appendChild(el("th", null, chor.title));
      row.appendChild(el("td", null, valueText(data, chor, k)));
      table.appendChild(row);
    });
    box.appendChild(table);
    if (first.kel.link[i] === 1 && KODE_RE.test(kode)) {
      var a = el("a", "geoapp-profile-link", data.t.profile);
      a.setAttribute("href", data.profile + kode);
      box.appendChild(a);
    }
    return box;
  }

  function namePath(poly, name, activate) {
    var node = poly.getElement();
    if (!node) { return; }
    node.setAttribute("role", "button");
    node.setAttribute("tabindex", "0");
    node.setAttribute("aria-label", name);
    node.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); activate(); }
    });
  }

  function choroplethLayer(state, chor) {
    var data = state.data, group = L.featureGroup();
    chor.kel.kode.forEach(function (kode, i) {
      var latlngs = state.shapes[kode];
      if (!latlngs || !latlngs.length) { return; }
      var style = pathStyle(chor.c[i] >= 0 ? chor.styles[chor.c[i]] : chor.nodata);
      var poly = L.polygon(latlngs, style);
      poly.bindTooltip(function () { return tooltipNode(data, chor, i); }, { sticky: true });
      poly.bindPopup(function () { return popupNode(state, kode); });
      poly.on("popupopen", function () { emit(state, "select", kode); });
      poly.on("popupclose", function () { if (state.selected === kode) { emit(state, "select", null); } });
      poly.on("mouseover", function () { poly.setStyle({ weight: 2.5 }); });
      poly.on("mouseout", function () { poly.setStyle({ weight: style.weight }); });
      poly.on("add", function () { namePath(poly, shapeName(data, chor, i), function () { poly.openPopup(); }); });
      poly.kode = kode;
      group.addLayer(poly);
    });
    return group;
  }

  function makePane(map, name, zIndex) {
    var pane = map.getPane(name) || map.createPane(name);
    pane.style.zIndex = String(zIndex);
    pane.style.pointerEvents = "none";
    return name;
  }

  function kecamatanLayer(map, data, geo) {
    if (!data.kec || !geo.kec) { return null; }
    var group = L.layerGroup();
    var pane = makePane(map, "geoappKecamatan", 450);
    var labelPane = makePane(map, "geoappLabels", 460);
    var renderer = L.svg({ pane: pane });
    var shapes = decodeLayer(geo.kec, Math.pow(10, geo.precision));
    Object.keys(shapes).forEach(function (kode) {
      group.addLayer(L.polygon(shapes[kode], { pane: pane, renderer: renderer, fill: false,
        color: "#252525", weight: 1.8, opacity: 0.85, interactive: false }));
    });
    data.kec.nama.forEach(function (nama, i) {
      var span = el("span", "geoapp-kec-label-text", nama);
      span.setAttribute("aria-hidden", "true");
      group.addLayer(L.marker(data.kec.at[i], { pane: labelPane, interactive: false, keyboard: false,
        icon: L.divIcon({ html: span, className: "geoapp-kec-label", iconSize: null }) }));
    });
    return group;
  }

  /* ---- the controller: one choropleth at a time, overlays, live replacement ---- */
  function emit(state, name, value) {
    if (name === "select") { state.selected = value; }
    if (state.quiet) { return; }
    (state.listeners[name] || []).forEach(function (fn) { fn(value); });
  }

  /* Redraw without telling listeners; the selected kelurahan's popup is opened again. */
  function quietly(state, ctl, redraw) {
    var keep = state.selected;
    state.quiet = true;
    try {
      redraw();
      if (keep && !ctl.select(keep)) { state.selected = null; }
    } finally {
      state.quiet = false;
    }
  }

  function renderLegends(state) {
    var body = state.legend.body;
    while (body.firstChild) { body.removeChild(body.firstChild); }
    if (state.shown && state.chor[state.shown]) { body.appendChild(choroplethLegend(state.chor[state.shown])); }
    state.ptsOrder.forEach(function (key) {
      if (state.on[key] !== false && state.pts[key]) { body.appendChild(pointLegend(state.pts[key])); }
    });
    state.legend.box.hidden = !body.firstChild;
  }

  function setChor(state, chor, kel) {
    chor.kel = kel;
    chor.at = index(kel);
    var old = state.chor[chor.key];
    if (old && old.layer) { state.map.removeLayer(old.layer); }
    chor.layer = choroplethLayer(state, chor);
    state.chor[chor.key] = chor;
    if (state.order.indexOf(chor.key) < 0) { state.order.push(chor.key); }
    if (state.shown === chor.key) { chor.layer.addTo(state.map); }
  }

  function setPts(state, pts) {
    var old = state.pts[pts.key];
    if (old && old.layer) { state.map.removeLayer(old.layer); }
    pts.layer = pointLayer(pts);
    state.pts[pts.key] = pts;
    if (state.ptsOrder.indexOf(pts.key) < 0) { state.ptsOrder.push(pts.key); }
    if (state.on[pts.key] !== false) { pts.layer.addTo(state.map); }
  }

  function controller(state) {
    var ctl = {
      map: state.map, data: state.data,
      choropleths: function () { return state.order.slice(); },
      shown: function () { return state.shown; },
      show: function (key) {
        if (state.shown === key && state.chor[key] && state.map.hasLayer(state.chor[key].layer)) { return; }
        quietly(state, ctl, function () {
          Object.keys(state.chor).forEach(function (k) { state.map.removeLayer(state.chor[k].layer); });
          state.shown = state.chor[key] ? key : null;
          if (state.shown) { state.chor[key].layer.addTo(state.map); }
        });
        renderLegends(state);
      },
      replace: function (oldKey, chor, kel) {
        quietly(state, ctl, function () {
          var wasShown = state.shown === oldKey;
          if (oldKey !== chor.key && state.chor[oldKey]) {
            state.map.removeLayer(state.chor[oldKey].layer);
            state.order[state.order.indexOf(oldKey)] = chor.key;
            delete state.chor[oldKey];
          }
          if (wasShown) { state.shown = chor.key; }
          setChor(state, chor, kel);
        });
        renderLegends(state);
      },
      setPoints: function (pts) { setPts(state, pts); renderLegends(state); },
      overlay: function (key, on) {
        state.on[key] = !!on;
        var layer = key === "kecamatan" ? state.kec : (state.pts[key] || {}).layer;
        if (layer) { if (on) { layer.addTo(state.map); } else { state.map.removeLayer(layer); } }
        renderLegends(state);
      },
      select: function (kode) {
        var chor = state.chor[state.shown];
        if (!chor || !kode) { state.map.closePopup(); return false; }
        var found = null;
        chor.layer.eachLayer(function (poly) { if (poly.kode === kode) { found = poly; } });
        if (found) { found.openPopup(); } else { state.map.closePopup(); }
        return !!found;
      },
      selected: function () { return state.selected; },
      kelurahan: function () { var c = state.chor[state.shown]; return c ? c.kel : state.data.kel; },
      bounds: function () {
        var chor = state.chor[state.shown];
        var b = chor && chor.layer.getLayers().length ? chor.layer.getBounds() : null;
        return b || L.latLngBounds(state.data.bounds);
      },
      legend: state.legend.box,
      on: function (name, fn) { (state.listeners[name] = state.listeners[name] || []).push(fn); }
    };
    return ctl;
  }

  function build(map, data, geo) {
    ensureHatch();
    var state = { map: map, data: data, chor: {}, order: [], pts: {}, ptsOrder: [], on: {},
      shown: null, selected: null, listeners: {}, legend: legendBox(map, data.t.legend || "Legenda"),
      shapes: decodeLayer(geo.kel, Math.pow(10, geo.precision)) };
    data.chor.forEach(function (chor) { setChor(state, chor, data.kel); });
    state.kec = kecamatanLayer(map, data, geo);
    if (state.kec) { state.kec.addTo(map); }
    data.pts.forEach(function (pl) { setPts(state, pl); });
    var ctl = controller(state);
    ctl.show(state.order[0] || null);
    if (!data.panel) { layerControl(map, state, ctl); }
    window.geoappMap.current = ctl;
    document.dispatchEvent(new CustomEvent("geoapp:map", { detail: ctl }));
    return ctl;
  }

  function layerControl(map, state, ctl) {
    var control = L.control.layers(null, null, { collapsed: false });
    state.order.forEach(function (key) { control.addBaseLayer(state.chor[key].layer, esc(state.chor[key].title)); });
    if (state.kec) { control.addOverlay(state.kec, esc(state.data.t.kecLayer)); }
    state.ptsOrder.forEach(function (key) { control.addOverlay(state.pts[key].layer, esc(state.pts[key].title)); });
    control.addTo(map);
    map.on("baselayerchange", function (e) {
      var key = state.order.filter(function (k) { return state.chor[k].layer === e.layer; })[0];
      if (key) { ctl.show(key); }
    });
    map.on("overlayadd overlayremove", function (e) {
      state.ptsOrder.forEach(function (k) { if (state.pts[k].layer === e.layer) { state.on[k] = e.type === "overlayadd"; } });
      if (e.layer === state.kec) { state.on.kecamatan = e.type === "overlayadd"; }
      renderLegends(state);
    });
  }

  function showError(map, text) {
    var ctl = L.control({ position: "topleft" });
    ctl.onAdd = function () { return el("div", "geoapp-error leaflet-control", text); };
    ctl.addTo(map);
  }

  function init(map, dataId) {
    var data = JSON.parse(document.getElementById(dataId).textContent);
    if (data.geo) { build(map, data, data.geo); return; }
    window.fetch(data.geoUrl, { credentials: "same-origin" })
      .then(function (resp) { if (!resp.ok) { throw new Error(String(resp.status)); } return resp.json(); })
      .then(function (geo) { build(map, data, geo); })
      .catch(function () { showError(map, data.t.loadError); });
  }

  /* the national map (map-levels.js) draws its levels with the same styles and legends */
  window.geoappMap = { init: init, decodeRing: decodeRing, escapeHtml: esc, pathStyle: pathStyle,
    ensureHatch: ensureHatch, legendBox: legendBox, choroplethLegend: choroplethLegend,
    pointLayer: pointLayer, pointLegend: pointLegend };
}(window, document));
