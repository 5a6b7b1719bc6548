// The curator's page: a source's TriG checked against the store (POST /graph-store/check), its findings and its
// difference shown, then written (PUT /graph-store). The token is kept in this tab's sessionStorage only.
"use strict";

const form = document.getElementById("curate");
const token = document.getElementById("token");
const graph = document.getElementById("graph");
const source = document.getElementById("source");
const commit = document.getElementById("commit");
const outcome = document.getElementById("outcome");
token.value = sessionStorage.getItem("biokg-token") || "";

function element(name, text, attributes = {}) {
  const node = document.createElement(name);
  if (text !== undefined) node.textContent = text;
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

function table(headings, rows) {
  const result = element("table");
  result.append(element("tr"));
  result.firstChild.append(...headings.map((heading) => element("th", heading)));
  for (const row of rows) {
    const line = element("tr");
    line.append(...row.map((cell) => element("td", cell ?? "")));
    result.append(line);
  }
  return result;
}

function statements(title, lines) {
  const section = element("details");
  section.append(element("summary", `${title}: ${lines.length}`), element("pre", lines.join("\n")));
  return section;
}

async function send(path, method) {
  sessionStorage.setItem("biokg-token", token.value.trim());
  const response = await fetch(`${path}?graph=${encodeURIComponent(graph.value.trim())}`, {
    method,
    headers: { "Authorization": `Bearer ${token.value.trim()}`, "Content-Type": "application/trig" },
    body: await source.files[0].text(),
  });
  const text = await response.text();
  return { response, answer: response.headers.get("content-type")?.startsWith("application/json") ? JSON.parse(text) : text };
}

function refusal(response, answer) {
  return element("p", `${response.status}: ${typeof answer === "string" ? answer : answer.message}`, { class: "error", role: "alert" });
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  commit.disabled = true;
  const { response, answer } = await send("/graph-store/check", "POST");
  if (!response.ok) { outcome.replaceChildren(refusal(response, answer)); return; }
  const parts = [];
  if (answer.conforms) {
    parts.push(element("p", "The source conforms to the shapes together with the store.", { id: "verdict" }));
  } else {
    parts.push(element("p", `The source breaks the shapes: ${answer.findings.length} finding(s).`, { id: "verdict" }));
    parts.push(table(["Focus node", "Path", "Value", "Message", "Shape"],
      answer.findings.map((f) => [f.focus, f.path, f.value, f.message, f.shape])));
  }
  parts.push(statements("Statements added", answer.added), statements("Statements removed", answer.removed));
  outcome.replaceChildren(...parts);
  commit.disabled = !answer.conforms;
});

commit.addEventListener("click", async () => {
  commit.disabled = true;
  const { response, answer } = await send("/graph-store", "PUT");
  if (!response.ok) { outcome.replaceChildren(refusal(response, answer)); return; }
  outcome.replaceChildren(element("p",
    `Written: ${answer.graph} holds ${answer.triples} statements (${answer.added} added, ${answer.removed} removed).`,
    { id: "verdict" }));
});
