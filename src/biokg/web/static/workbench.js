// The /sparql page's workbench: YASGUI over this endpoint, asking this server (never prefix.cc or LOV) for
// prefixes, for the classes and properties to complete and for resources by name, declaring a known prefix as
// soon as it is used, offering the canned queries as examples, marking an error where the endpoint places it,
// labelling biokg's IRIs in the table, and showing each answer in the view its shape or its `#defaultView:`
// comment calls for (views.js).
// Without JavaScript the page keeps its plain form.
"use strict";

const NAME = /(?<![\w.:?$-])([A-Za-z][\w.-]*):(?=[\w%])/g;
const OPAQUE = /<[^<>\s]*>|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|#[^\n]*/g;
const POSITION = /line (\d+), column (\d+)/;
const BIOKG = "https://w3id.org/biokg/";
const ENTITIES = BIOKG + "id/";

async function getJson(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function graphCompleter(base, name, terms) {
  // The editor's own class and property completers, fed with the store's terms instead of LOV's.
  Yasgui.Yasqe.forkAutocompleter(base, { name, bulk: true, autoShow: false, persistenceId: null, get: () => terms });
}

function resourceCompleter(known) {
  // Resources by name, from the text index: organization:kyoto and Ctrl-Space offers organization:ror-02kpeqv85,
  // Kyoto University's IRI; the part after the prefix is looked up as a name.
  const entity = (text) => {
    const found = /^([A-Za-z][\w-]*):(\S+)$/.exec(text);
    const namespace = found && known[found[1]];
    return namespace && namespace.startsWith(ENTITIES) && namespace !== ENTITIES ? [found[1], namespace, found[2]] : null;
  };
  Yasgui.Yasqe.registerAutocompleter({
    name: "store-resources",
    bulk: false,
    autoShow: false,
    persistenceId: null,
    isValidCompletionPosition: (yasqe) => Boolean(entity(yasqe.getCompleteToken().string)),
    get: async (yasqe, token) => {
      const [prefix, namespace, local] = entity(token.string);
      const answer = await getJson(`/api/search?limit=50&q=${encodeURIComponent(local.replace(/-/g, " "))}`);
      return answer.results
        .filter((hit) => hit.iri.startsWith(namespace))
        .map((hit) => `${prefix}:${hit.iri.slice(namespace.length)}`);
    },
  });
}

function labelIris(results) {
  // Each of biokg's IRIs in an answer's table gets its label beside it and a link to its page on this server,
  // however often the table is drawn again (paging, sorting, filtering).
  const labels = new Map();
  const pending = new Set();
  let timer = 0;
  const apply = () => {
    for (const link of results.querySelectorAll("a.iri:not([data-biokg])")) {
      const iri = link.href;
      if (!iri.startsWith(BIOKG)) continue;
      if (!labels.has(iri)) { pending.add(iri); continue; }
      link.dataset.biokg = "labelled";
      link.href = "/" + iri.slice(BIOKG.length);
      link.removeAttribute("target");
      if (labels.get(iri)) {
        const label = document.createElement("span");
        label.className = "biokg-label";
        label.textContent = labels.get(iri);
        link.parentElement.append(" ", label);
      }
    }
    if (pending.size) fetchLabels();
  };
  const fetchLabels = async () => {
    const asked = [...pending].slice(0, 500);
    asked.forEach((iri) => pending.delete(iri));
    const found = await getJson("/api/labels?" + asked.map((iri) => "iri=" + encodeURIComponent(iri)).join("&"));
    asked.forEach((iri) => labels.set(iri, found[iri] || ""));
    apply();
  };
  new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(apply, 30); }).observe(results, { childList: true, subtree: true });
}

function declareKnownPrefixes(yasqe, known) {
  const declared = yasqe.getPrefixesFromQuery();
  const missing = {};
  for (const [, prefix] of yasqe.getValue().replace(OPAQUE, " ").matchAll(NAME)) {
    if (!(prefix in declared) && known[prefix]) missing[prefix] = known[prefix];
  }
  if (Object.keys(missing).length) yasqe.addPrefixes(missing);
}

function markError(yasqe, message) {
  const found = POSITION.exec(message);
  if (!found) return;
  const line = Number(found[1]) - 1;
  const column = Number(found[2]) - 1;
  const text = yasqe.getLine(line) || "";
  const end = column + Math.max(1, (text.slice(column).match(/^[^\s{}();,.]+/) || [""])[0].length);
  const mark = yasqe.markText({ line, ch: column }, { line, ch: end }, { className: "biokg-error", attributes: { title: message } });
  yasqe.addLineClass(line, "background", "biokg-error-line");
  yasqe.on("change", function clear() {
    mark.clear();
    yasqe.removeLineClass(line, "background", "biokg-error-line");
    yasqe.off("change", clear);
  });
}

function watch(yasqe, known) {
  if (yasqe.biokgWatched) return;
  yasqe.biokgWatched = true;
  yasqe.on("change", () => declareKnownPrefixes(yasqe, known));
  yasqe.on("queryResponse", (_, response) => {
    if (response instanceof Error) return markError(yasqe, response.message);
    const yasr = window.biokgWorkbench.getTab().getYasr();
    const view = window.biokgViews.chosenView(yasqe.getValue(), yasr);
    if (view) yasr.selectPlugin(view);
  });
}

function label(section) {
  // Names for the controls YASGUI leaves unnamed, for screen readers.
  for (const [selector, name] of [["input.autocomplete", "SPARQL endpoint"], [".CodeMirror textarea", "SPARQL query"]]) {
    for (const control of section.querySelectorAll(`${selector}:not([aria-label])`)) control.setAttribute("aria-label", name);
  }
}

async function startWorkbench() {
  const section = document.getElementById("workbench");
  const [known, vocabulary, examples] = await Promise.all(
    ["/api/prefixes", "/api/vocabulary", "/api/queries"].map(getJson),
  );
  window.biokgPrefixes = known;
  window.biokgViews.registerViews(Yasgui.Yasr);
  graphCompleter("class", "store-classes", vocabulary.classes);
  graphCompleter("property", "store-properties", vocabulary.properties);
  resourceCompleter(known);
  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables", "store-classes", "store-properties", "store-resources"];
  Yasgui.Yasqe.defaults.prefixCcApi = "/api/prefixes";

  const runAtOnce = new URLSearchParams(window.location.hash.slice(1)).get("run") === "true"; // read before YASGUI clears it
  const classic = document.querySelector("[data-replaced-by-workbench]");
  const given = classic.querySelector("textarea").value;
  classic.hidden = true;
  section.hidden = false;
  const yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: new URL("/sparql", window.location.href).href, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: new URL("/sparql", window.location.href).href }] },
    persistenceId: null,
    yasqe: { value: given },
    yasr: { prefixes: known }, // IRIs in the table written with biokg's prefixes
  });
  label(section);
  labelIris(document.getElementById("yasgui"));
  new MutationObserver(() => label(section)).observe(section, { childList: true, subtree: true });
  const current = () => yasgui.getTab().getYasqe();
  watch(current(), known);
  yasgui.on("tabSelect", () => setTimeout(() => watch(current(), known)));
  yasgui.on("tabAdd", () => setTimeout(() => watch(current(), known)));

  const select = document.getElementById("examples");
  for (const example of examples) {
    const option = document.createElement("option");
    option.value = example.name;
    option.textContent = `${example.summary} (${example.name})`;
    select.append(option);
  }
  select.addEventListener("change", async () => {
    if (!select.value) return;
    const text = await (await fetch(`/api/queries/${encodeURIComponent(select.value)}/sparql`)).text();
    const tab = yasgui.addTab(true, { name: select.value });
    tab.setQuery(text);
    select.value = "";
  });
  window.biokgWorkbench = yasgui; // for the browser tests and the console
  if (runAtOnce) yasgui.getTab().query();
}

if (window.Yasgui && document.getElementById("workbench")) startWorkbench();
