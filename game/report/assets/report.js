// qasas report: draws the story maps (laid out by dagre) and the plots (plotly.js) from the page's JSON data.
// Every piece of story text goes onto the page as textContent or an SVG text node: never as markup.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var SVG = "http://www.w3.org/2000/svg";
  var FONT = "12px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  var LINE = 15;
  var measurer = document.createElement("canvas").getContext("2d");
  measurer.font = FONT;

  function textWidth(lines) {
    var w = 0;
    for (var i = 0; i < lines.length; i++) w = Math.max(w, measurer.measureText(lines[i]).width);
    return w;
  }

  function el(name, attrs, parent) {
    var node = document.createElementNS(SVG, name);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) node.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(node);
    return node;
  }

  function percent(share) {
    if (share <= 0) return "0%";
    if (share < 0.001) return "<0.1%";
    return (100 * share).toFixed(share < 0.1 ? 1 : 0) + "%";
  }

  // Shade from white to deep blue by share (0..1); the text turns white on the darker half.
  function shade(share) {
    var t = Math.max(0, Math.min(1, share));
    var from = [239, 246, 255], to = [30, 64, 175];
    var c = from.map(function (f, i) { return Math.round(f + (to[i] - f) * Math.sqrt(t)); });
    return "rgb(" + c.join(",") + ")";
  }

  function addLines(parent, lines, x, y, cls) {
    var text = el("text", {x: x, y: y, "text-anchor": "middle", "class": cls || ""}, parent);
    var top = y - ((lines.length - 1) * LINE) / 2;
    lines.forEach(function (line, i) {
      var span = el("tspan", {x: x, y: top + i * LINE + 4}, text);
      span.textContent = line;
    });
    return text;
  }

  function drawMap(container, map, overview) {
    var g = new dagre.graphlib.Graph({multigraph: true});
    g.setGraph({rankdir: "TB", nodesep: 30, ranksep: 45, edgesep: 12, marginx: 12, marginy: 12});
    g.setDefaultEdgeLabel(function () { return {}; });
    map.nodes.forEach(function (n) {
      var lines = n.lines.slice();
      if (n.outside && n.chapter) lines.push("(" + n.chapter + ")");
      if (!n.outside && n.runs >= 0) lines.push(n.runs === 0 ? "never reached" : percent(n.share) + " of playthroughs");
      n.shown = lines;
      g.setNode(n.id, {width: textWidth(lines) + 24, height: lines.length * LINE + 14, data: n});
    });
    map.edges.forEach(function (ed) {
      var lines = ed.lines.slice();
      if (ed.runs >= 0) lines.push(ed.runs === 0 ? "never taken" : percent(ed.share));
      ed.shown = lines;
      g.setEdge(ed.source, ed.target, {width: textWidth(lines) + 8, height: lines.length * LINE, labelpos: "c", data: ed}, ed.id);
    });
    dagre.layout(g);
    var size = g.graph();
    var svg = el("svg", {width: Math.ceil(size.width), height: Math.ceil(size.height),
      viewBox: "0 0 " + Math.ceil(size.width) + " " + Math.ceil(size.height), role: "img", "class": "story-map"});
    var defs = el("defs", {}, svg);
    var marker = el("marker", {id: "arrow-" + container.dataset.map, viewBox: "0 0 10 10", refX: 9, refY: 5,
      markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse"}, defs);
    el("path", {d: "M0,0 L10,5 L0,10 z", "class": "arrowhead"}, marker);
    var edges = el("g", {"class": "edges"}, svg);
    g.edges().forEach(function (key) {
      var edge = g.edge(key), ed = edge.data;
      var never = ed.runs === 0;
      var group = el("g", {"class": "edge" + (never ? " never" : ""), "data-choice": ed.choice}, edges);
      var d = edge.points.map(function (p, i) { return (i ? "L" : "M") + p.x.toFixed(1) + "," + p.y.toFixed(1); }).join(" ");
      var width = ed.runs < 0 ? 1.5 : 1 + 5 * ed.share;
      el("path", {d: d, "stroke-width": width.toFixed(2), "marker-end": "url(#arrow-" + container.dataset.map + ")"}, group);
      if (edge.x !== undefined) {
        el("rect", {x: edge.x - edge.width / 2, y: edge.y - edge.height / 2, width: edge.width, height: edge.height,
          rx: 3, "class": "edge-label-bg"}, group);
        addLines(group, ed.shown, edge.x, edge.y, "edge-label");
      }
      var tip = el("title", {}, group);
      tip.textContent = ed.lines.join(" ") + (ed.runs >= 0 ? " \u2014 " + ed.runs + " of " + data.runs + " playthroughs" : "");
    });
    var nodes = el("g", {"class": "nodes"}, svg);
    g.nodes().forEach(function (id) {
      var box = g.node(id), n = box.data;
      var cls = "node " + n.kind + (n.ending ? " ending" : "") + (n.start ? " start" : "") + (n.outside ? " outside" : "") +
        (!n.outside && n.runs === 0 ? " never" : "") + (!n.outside && n.share > 0.45 ? " dark" : "");
      var group = el("g", {"class": cls, "data-id": id, tabindex: 0}, nodes);
      if (!overview) group.id = "node-" + container.dataset.map + "-" + id;
      el("rect", {x: box.x - box.width / 2, y: box.y - box.height / 2, width: box.width, height: box.height,
        rx: n.ending ? 14 : n.kind === "routes" ? 12 : 4,
        fill: n.outside ? "#ffffff" : n.kind === "routes" ? "#f3f4f6" : shade(n.share)}, group);
      addLines(group, n.shown, box.x, box.y, "node-label");
      var tip = el("title", {}, group);
      tip.textContent = n.lines.join(" ");
      if (n.kind === "scene") {
        group.addEventListener("click", function () { showScene(id); });
        group.addEventListener("keydown", function (ev) { if (ev.key === "Enter") showScene(id); });
      } else if (overview) {
        group.addEventListener("click", function () {
          var target = document.getElementById("map-" + id);
          if (target) target.scrollIntoView({behavior: "smooth"});
        });
      }
    });
    container.appendChild(svg);
  }

  // --------------------------------------------------------------------------------------- the detail panel

  var panel = document.getElementById("detail");
  var body = panel.querySelector(".body");
  panel.querySelector(".close").addEventListener("click", function () { panel.hidden = true; });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") panel.hidden = true; });

  function add(parent, tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    parent.appendChild(node);
    return node;
  }

  // Quicktest's verdicts in the words of the page's verdict tables.
  function verdictText(verdict) {
    return verdict === "unreachable" ? "proven unreachable" : verdict;
  }

  function showScene(id) {
    var s = data.scenes[id];
    if (!s) return;
    body.textContent = "";
    add(body, "h2", s.title);
    add(body, "p", s.where, "where");
    add(body, "p", "Chapter: " + s.chapter + (s.ending ? " \u2014 ending: " + s.ending : ""));
    add(body, "p", s.runs === 0 ? "Never reached in " + data.runs + " playthroughs." :
      "Reached in " + s.runs + " of " + data.runs + " playthroughs (" + percent(s.share) + ").");
    if (s.verdict) add(body, "p", "Quicktest: " + verdictText(s.verdict));
    var text = add(body, "div", undefined, "scene-text");
    s.text.forEach(function (passage) {
      var block = add(text, "div", undefined, passage[0] ? "passage conditional" : "passage");
      if (passage[0]) add(block, "p", "if " + passage[0], "condition");
      passage[1].forEach(function (para) { add(block, "p", para); });
    });
    if (s.choices.length) {
      add(body, "h3", "Choices");
      var list = add(body, "ul", undefined, "choices");
      s.choices.forEach(function (c) {
        var item = add(list, "li", undefined, c.runs === 0 ? "never" : "");
        add(item, "span", c.label, "label");
        var taken = c.runs === 0 ? "never taken" : "taken in " + percent(c.runs / data.runs) + " of playthroughs" +
          (s.runs ? ", " + percent(c.runs / s.runs) + " of those that reach this scene" : "");
        add(item, "span", " \u2014 " + taken + (c.verdict && c.verdict !== "reachable" ? "; quicktest: " + verdictText(c.verdict) : ""), "share");
        add(item, "span", " " + c.where, "where");
      });
    }
    panel.hidden = false;
    document.querySelectorAll(".node.focus").forEach(function (n) { n.classList.remove("focus"); });
    document.querySelectorAll('.node[data-id="' + CSS.escape(id) + '"]').forEach(function (n) {
      if (!n.classList.contains("outside")) n.classList.add("focus");
    });
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a.scene-link") : null;
    if (!link) return;
    ev.preventDefault();
    var id = link.getAttribute("data-scene");
    var node = document.querySelector('.map:not([data-map="overview"]) .node.scene:not(.outside)[data-id="' + CSS.escape(id) + '"]');
    if (node) node.scrollIntoView({behavior: "smooth", block: "center", inline: "center"});
    showScene(id);
  });

  // ------------------------------------------------------------------------------------------------ drawing

  document.querySelectorAll(".map").forEach(function (container) {
    var key = container.dataset.map;
    var map = key === "overview" ? data.overview : data.chapters[key];
    if (map) drawMap(container, map, key === "overview");
  });
  var config = {displaylogo: false, responsive: true, modeBarButtonsToRemove: ["select2d", "lasso2d"]};
  data.figures.forEach(function (f) {
    var div = document.getElementById(f.id);
    if (div) Plotly.newPlot(div, f.figure.data, f.figure.layout, config);
  });
  document.body.setAttribute("data-ready", "true");
})();
