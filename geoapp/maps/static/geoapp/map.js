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

  /* ---- tooltips and popups (DOM nodes, never HTML strings) ---- */
  function tooltipNode(data, chor, i) {
    var box = el("div", "geoapp-tip");
    box.appendChild(el("strong", null, data.kel.nama[i]));
    box.appendChild(el("div", "geoapp-tip-kec", data.t.kecamatan + " " + data.kel.kec[i]));
    var value = chor.v[i];
    box.appendChild(el("div", "geoapp-tip-title", chor.title));
    box.appendChild(el("div", "geoapp-tip-value", value === null ? data.t.noData : value));
    if (chor.r[i] !== null) {
      box.appendChild(el("div", "geoapp-tip-rank", fill(data.t.rank, { rank: chor.r[i], total: chor.n })));
    }
    return box;
  }

  function popupNode(data, i) {
    var box = el("div", "geoapp-popup");
    box.appendChild(el("strong", null, data.kel.nama[i]));
    box.appendChild(el("div", "geoapp-tip-kec", data.t.kecamatan + " " + data.kel.kec[i]));
    var table = el("table", "geoapp-popup-table");
    data.chor.forEach(function (chor) {
      var row = el("tr");
      row.appendChild(el("th", null, chor.title));
      row.appendChild(el("td", null, chor.v[i] === null ? data.t.noData : chor.v[i]));
      table.appendChild(row);
    });
    box.appendChild(table);
    var kode = data.kel.kode[i];
    if (data.kel.link[i] === 1 && KODE_RE.test(kode)) {
      var a = el("a", "geoapp-profile-link", data.t.profile);
      a.setAttribute("href", data.profile + kode);
      box.appendChild(a);
    }
    return box;
  }

  /* ---- legends: one control per overlay, shown only while the overlay is shown ---- */
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

  function legendControl(build, position) {
    var ctl = L.control({ position: position || "bottomright" });
    ctl.onAdd = function () {
      var div = el("div", "geoapp-legend leaflet-control");
      build(div);
      L.DomEvent.disableClickPropagation(div);
      L.DomEvent.disableScrollPropagation(div);
      return div;
    };
    return ctl;
  }

  function choroplethLegend(chor) {
    return legendControl(function (div) {
      div.appendChild(el("div", "geoapp-legend-title", chor.title));
      if (chor.label) { div.appendChild(el("div", "geoapp-legend-label", chor.label)); }
      var list = el("ul", "geoapp-legend-list");
      chor.legend.entries.forEach(function (e, k) { legendRow(list, swatch(chor.styles[k]), e.text, e.n); });
      legendRow(list, swatch(chor.nodata), chor.legend.nodata.text, chor.legend.nodata.n);
      div.appendChild(list);
    });
  }

  function pointLegend(layer) {
    return legendControl(function (div) {
      div.appendChild(el("div", "geoapp-legend-title", layer.title));
      var list = el("ul", "geoapp-legend-list");
      layer.themes.forEach(function (t) { legendRow(list, iconSvg(t.shape, t.color), t.label); });
      div.appendChild(list);
      if (layer.note) { div.appendChild(el("div", "geoapp-legend-note", layer.note)); }
    }, "bottomleft");
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
      var marker = L.marker([p[0], p[1]], { icon: pointIcon(layer.themes[p[2]] || layer.themes[0]) });
      marker.bindPopup(function () { return pointPopup(layer, p); });
      group.addLayer(marker);
    });
    return group;
  }

  /* ---- layers ---- */
  function choroplethLayer(data, chor, shapes) {
    var group = L.featureGroup();
    data.kel.kode.forEach(function (kode, i) {
      var latlngs = shapes[kode];
      if (!latlngs || !latlngs.length) { return; }
      var style = pathStyle(chor.c[i] >= 0 ? chor.styles[chor.c[i]] : chor.nodata);
      var poly = L.polygon(latlngs, style);
      poly.bindTooltip(function () { return tooltipNode(data, chor, i); }, { sticky: true });
      poly.bindPopup(function () { return popupNode(data, i); });
      poly.on("mouseover", function () { poly.setStyle({ weight: 2.5 }); });
      poly.on("mouseout", function () { poly.setStyle({ weight: style.weight }); });
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
      group.addLayer(L.marker(data.kec.at[i], { pane: labelPane, interactive: false, keyboard: false,
        icon: L.divIcon({ html: span, className: "geoapp-kec-label", iconSize: null }) }));
    });
    return group;
  }

  function build(map, data, geo) {
    ensureHatch();
    var shapes = decodeLayer(geo.kel, Math.pow(10, geo.precision));
    var control = L.control.layers(null, null, { collapsed: false });
    var legends = {};
    data.chor.forEach(function (chor, k) {
      var layer = choroplethLayer(data, chor, shapes);
      legends[L.stamp(layer)] = choroplethLegend(chor);
      legends[L.stamp(layer)].shown = k === 0;
      control.addOverlay(layer, esc(chor.title));
      if (k === 0) { layer.addTo(map); }
    });
    var kec = kecamatanLayer(map, data, geo);
    if (kec) { control.addOverlay(kec, esc(data.t.kecLayer)); kec.addTo(map); }
    data.pts.forEach(function (pl) {
      var layer = pointLayer(pl);
      if (pl.themes.length > 1 || pl.note) {
        legends[L.stamp(layer)] = pointLegend(pl);
        legends[L.stamp(layer)].shown = true;
      }
      control.addOverlay(layer, esc(pl.title));
      layer.addTo(map);
    });
    control.addTo(map);
    Object.keys(legends).forEach(function (id) {
      if (legends[id].shown) { legends[id].addTo(map); }
    });
    map.on("overlayadd", function (e) { var lg = legends[L.stamp(e.layer)]; if (lg) { lg.addTo(map); } });
    map.on("overlayremove", function (e) { var lg = legends[L.stamp(e.layer)]; if (lg) { lg.remove(); } });
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

  window.geoappMap = { init: init, decodeRing: decodeRing, escapeHtml: esc };
}(window, document));
