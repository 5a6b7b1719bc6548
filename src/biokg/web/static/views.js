// Result views of the workbench beside YASGUI's table: bar and line charts (Chart.js), a map of coordinates
// (Leaflet, over Natural Earth's country outlines shipped with biokg; tiles only when configured), a timeline of
// dates and a graph of nodes and links (vis-network). Each is a YASR plugin that offers itself when the answer
// has the shape it draws; a `#defaultView:Name` comment in the query picks one, as on Wikidata's query service.
"use strict";

const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMBERS = ["integer", "decimal", "double", "float", "int", "long", "short", "nonNegativeInteger", "positiveInteger"];
const DATES = ["date", "dateTime", "gYear", "gYearMonth"];
const VIEWS = { table: "table", barchart: "barchart", linechart: "linechart", map: "map", timeline: "timeline", graph: "graph" };

const shown = (term) => {
  if (!term) return "";
  if (term.type !== "uri") return term.value;
  for (const [prefix, namespace] of Object.entries(window.biokgPrefixes || {})) {
    if (term.value.startsWith(namespace) && /^[\w.\/-]+$/.test(term.value.slice(namespace.length))) {
      return `${prefix}:${term.value.slice(namespace.length)}`;
    }
  }
  return term.value;
};

function kindOf(bindings, variable) {
  // What every bound value of a column is: "number", "date", "iri" or "text".
  const values = bindings.map((row) => row[variable]).filter(Boolean);
  if (!values.length) return "empty";
  const typed = (names) => values.every((term) => names.some((name) => term.datatype === XSD + name));
  if (typed(NUMBERS)) return "number";
  if (typed(DATES)) return "date";
  if (values.every((term) => term.type === "uri")) return "iri";
  return "text";
}

function table(yasr) {
  const results = yasr.results;
  const bindings = (results && results.getBindings && results.getBindings()) || [];
  const variables = (results && results.getVariables && results.getVariables()) || [];
  const kinds = Object.fromEntries(variables.map((variable) => [variable, kindOf(bindings, variable)]));
  return { bindings, variables, kinds };
}

const first = (answer, ...kinds) => answer.variables.find((variable) => kinds.includes(answer.kinds[variable]));

function coordinates(answer) {
  const numbers = answer.variables.filter((variable) => answer.kinds[variable] === "number");
  const lat = numbers.find((variable) => /lat/i.test(variable));
  const long = numbers.find((variable) => /lon|lng/i.test(variable));
  return lat && long ? { lat, long } : null;
}

class View {
  constructor(yasr) {
    this.yasr = yasr;
    this.priority = 1;
  }

  canvas(className) {
    const holder = document.createElement("div");
    holder.className = `biokg-view ${className}`;
    this.yasr.resultsEl.appendChild(holder);
    return holder;
  }

  getIcon() {
    const icon = document.createElement("span");
    icon.setAttribute("aria-hidden", "true");
    icon.textContent = this.symbol;
    return icon;
  }
}

class ChartView extends View {
  canHandleResults() {
    const answer = table(this.yasr);
    return answer.bindings.length > 0 && Boolean(first(answer, "number")) && answer.variables.length >= 2;
  }

  draw() {
    const answer = table(this.yasr);
    const across = first(answer, "text", "iri", "date") || answer.variables[0];
    const numbers = answer.variables.filter((variable) => answer.kinds[variable] === "number" && variable !== across);
    const holder = this.canvas("biokg-chart");
    const canvas = document.createElement("canvas");
    canvas.setAttribute("role", "img");
    canvas.setAttribute("aria-label", `${this.label} of ${numbers.join(", ")} by ${across}`);
    holder.appendChild(canvas);
    this.chart = new window.Chart(canvas, {
      type: this.type,
      data: {
        labels: answer.bindings.map((row) => shown(row[across])),
        datasets: numbers.map((variable) => ({
          label: variable,
          data: answer.bindings.map((row) => (row[variable] ? Number(row[variable].value) : null)),
        })),
      },
      options: { animation: false, responsive: true, maintainAspectRatio: false },
    });
  }

  destroy() {
    if (this.chart) this.chart.destroy();
  }
}

class BarChart extends ChartView {
  constructor(yasr) {
    super(yasr);
    Object.assign(this, { label: "Bar chart", type: "bar", symbol: "▮" });
  }
}

class LineChart extends ChartView {
  constructor(yasr) {
    super(yasr);
    Object.assign(this, { label: "Line chart", type: "line", symbol: "⟋" });
  }
}

class MapView extends View {
  constructor(yasr) {
    super(yasr);
    Object.assign(this, { label: "Map", symbol: "◍", priority: 8 });
  }

  canHandleResults() {
    return table(this.yasr).bindings.length > 0 && Boolean(coordinates(table(this.yasr)));
  }

  async draw() {
    const answer = table(this.yasr);
    const { lat, long } = coordinates(answer);
    const named = first(answer, "text", "iri");
    const holder = this.canvas("biokg-map");
    const rows = answer.bindings.filter((row) => row[lat] && row[long]);
    const points = rows.map((row) => [Number(row[lat].value), Number(row[long].value)]);
    const map = window.L.map(holder, { worldCopyJump: true });
    map.fitBounds(window.L.latLngBounds(points).pad(0.5), { maxZoom: 6 }); // a map draws layers once it has a view
    const tiles = document.getElementById("workbench").dataset.mapTiles;
    if (tiles) window.L.tileLayer(tiles, { attribution: "map tiles as configured" }).addTo(map);
    const topology = await (await fetch("/static/vendor/world-atlas/countries-110m.json")).json();
    window.L.geoJSON(window.topojson.feature(topology, topology.objects.countries), {
      style: { color: "#8a97a5", weight: 1, fillColor: "#e8eef3", fillOpacity: 1 },
      attribution: "Natural Earth (public domain)",
    }).addTo(map);
    rows.forEach((row, index) => {
      const marker = window.L.circleMarker(points[index], { radius: 7, color: "#0b5cad", className: "biokg-point" });
      marker.bindTooltip(named ? shown(row[named]) : points[index].join(", ")).addTo(map);
    });
  }
}

class Timeline extends View {
  constructor(yasr) {
    super(yasr);
    Object.assign(this, { label: "Timeline", symbol: "⋯" });
  }

  canHandleResults() {
    return table(this.yasr).bindings.length > 0 && Boolean(first(table(this.yasr), "date"));
  }

  draw() {
    const answer = table(this.yasr);
    const when = first(answer, "date");
    const what = answer.variables.find((variable) => variable !== when && ["text", "iri"].includes(answer.kinds[variable]));
    const items = answer.bindings
      .filter((row) => row[when])
      .map((row) => ({ at: Date.parse(row[when].value.length === 4 ? `${row[when].value}-01-01` : row[when].value), when: row[when].value, text: what ? shown(row[what]) : "" }))
      .filter((item) => !Number.isNaN(item.at))
      .sort((a, b) => a.at - b.at);
    const holder = this.canvas("biokg-timeline");
    const list = document.createElement("ol");
    list.setAttribute("aria-label", `Timeline of ${when}`);
    const start = items[0].at;
    const span = Math.max(1, items[items.length - 1].at - start);
    items.forEach((item, index) => {
      const entry = document.createElement("li");
      entry.style.setProperty("--at", ((item.at - start) / span).toFixed(4));
      entry.style.setProperty("--row", String(index % 6));
      const time = document.createElement("time");
      time.dateTime = item.when;
      time.textContent = item.when;
      entry.append(time, document.createTextNode(item.text ? ` ${item.text}` : ""));
      list.appendChild(entry);
    });
    holder.appendChild(list);
  }
}

class Graph extends View {
  constructor(yasr) {
    super(yasr);
    Object.assign(this, { label: "Graph", symbol: "☍", priority: 6 });
  }

  links() {
    const results = this.yasr.results;
    const statements = results && results.getStatements && results.getStatements();
    if (statements && statements.length) {
      return statements.map((quad) => [quad.subject, quad.predicate.value, quad.object].map((term) => (typeof term === "string" ? term : { type: term.termType === "NamedNode" ? "uri" : "literal", value: term.value })));
    }
    const answer = table(this.yasr);
    const iris = answer.variables.filter((variable) => answer.kinds[variable] === "iri");
    if (iris.length < 2) return [];
    return answer.bindings.flatMap((row) => iris.slice(1).filter((variable) => row[iris[0]] && row[variable]).map((variable) => [row[iris[0]], variable, row[variable]]));
  }

  canHandleResults() {
    return this.links().length > 0;
  }

  draw() {
    const nodes = new Map();
    const node = (term) => {
      const key = `${term.type} ${term.value}`;
      if (!nodes.has(key)) nodes.set(key, { id: nodes.size, label: shown(term), shape: term.type === "uri" ? "dot" : "box" });
      return nodes.get(key).id;
    };
    const edges = this.links().map(([from, predicate, to]) => ({ from: node(from), to: node(to), label: shown({ type: "uri", value: predicate }), arrows: "to" }));
    const holder = this.canvas("biokg-graph");
    holder.setAttribute("role", "img");
    holder.setAttribute("aria-label", `Graph of ${nodes.size} nodes and ${edges.length} links`);
    this.network = new window.vis.Network(holder, { nodes: [...nodes.values()], edges }, { physics: { stabilization: { iterations: 150 } } });
  }

  destroy() {
    if (this.network) this.network.destroy();
  }
}
function registerViews(Yasr) {
  for (const [name, View] of Object.entries({ barchart: BarChart, linechart: LineChart, map: MapView, timeline: Timeline, graph: Graph })) {
    Yasr.registerPlugin(name, View);
  }
  Yasr.defaults.pluginOrder = ["table", "barchart", "linechart", "map", "timeline", "graph", "response"];
}

function chosenView(query, yasr) {
  // The view a `#defaultView:` comment names, else the one the answer's shape calls for, else none.
  const named = /#\s*defaultView:\s*(\w+)/i.exec(query);
  if (named && VIEWS[named[1].toLowerCase()]) return VIEWS[named[1].toLowerCase()];
  if (yasr.plugins.map && yasr.plugins.map.canHandleResults()) return "map";
  const statements = yasr.results && yasr.results.getStatements && yasr.results.getStatements();
  if (statements && statements.length) return "graph";
  return null;
}

window.biokgViews = { registerViews, chosenView };
