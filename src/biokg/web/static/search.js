// As-you-type suggestions for a search box: /api/search after a short pause, as links; arrows move, Escape closes.
// An input with data-fills (a canned query's IRI parameter) takes the chosen resource's IRI instead of leaving.
"use strict";

function attachSuggestions(input) {
  const list = document.getElementById(input.getAttribute("aria-controls"));
  const fills = input.hasAttribute("data-fills");
  let timer = 0;
  let pending = null;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  async function suggest() {
    const text = input.value.trim();
    if (pending) pending.abort();
    if (!text) { list.replaceChildren(); close(); return; }
    pending = new AbortController();
    let answer;
    try {
      const response = await fetch("/api/search?limit=8&q=" + encodeURIComponent(text), { signal: pending.signal });
      if (!response.ok) return;
      answer = await response.json();
    } catch (error) {
      return; // a newer request replaced this one
    }
    list.replaceChildren(...answer.results.map((hit) => {
      const item = document.createElement("li");
      const link = document.createElement("a");
      link.href = hit.page;
      link.textContent = hit.label;
      if (hit.classLabel) {
        const kind = document.createElement("span");
        kind.className = "muted";
        kind.textContent = " " + hit.classLabel;
        link.append(kind);
      }
      if (fills) {
        link.addEventListener("click", (event) => {
          event.preventDefault();
          input.value = hit.iri;
          close();
          input.focus();
        });
      }
      item.append(link);
      return item;
    }));
    list.hidden = answer.results.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  }

  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" && !list.hidden) { event.preventDefault(); list.querySelector("a")?.focus(); }
    if (event.key === "Escape") close();
  });
  list.addEventListener("keydown", (event) => {
    const links = [...list.querySelectorAll("a")];
    const at = links.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && at < links.length - 1) { event.preventDefault(); links[at + 1].focus(); }
    if (event.key === "ArrowUp") { event.preventDefault(); (at > 0 ? links[at - 1] : input).focus(); }
    if (event.key === "Escape") { close(); input.focus(); }
  });
  document.addEventListener("click", (event) => { if (!list.contains(event.target) && event.target !== input) close(); });
}

document.querySelectorAll("input[data-suggest]").forEach(attachSuggestions);
