"""A curator's steps with one source: its file, reusing IRIs, checking it against the store, and its difference.

A source is one TriG file: a block of the metadata graph (the source record and the description of its graph),
and the graph of the facts the source states. `biokg load` merges the block into the store's metadata graph
rather than replacing that graph (dataset.merged_metadata).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from biokg.engine import FetchJson
from biokg.engine.answers import read_solutions
from biokg.errors import ParameterError, Position
from biokg.namespaces import GRAPH, ID, PREFIXES, compact, sparql_prologue
from biokg.validation import Finding

_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_DATE_TYPES = {4: "gYear", 7: "gYearMonth", 10: "date"}
_PUBLISHER_PREFIX = "organization:"


@dataclass(frozen=True)
class SourceRecord:
    """What a curator says about a source before writing its facts."""

    url: str
    title: str
    publisher: str
    """An organisation: `organization:slug` or its full IRI."""
    published: str | None
    """YYYY, YYYY-MM or YYYY-MM-DD, at the precision the page gives; None when it gives none."""
    language: str
    retrieved: str
    press_release: bool = False

    def slug(self) -> str:
        """Lower-case ASCII words of the title, and the year of publication when there is one."""
        ascii_title = unicodedata.normalize("NFKD", self.title).encode("ascii", "ignore").decode()
        words = re.findall(r"[a-z0-9]+", ascii_title.lower())[:8]
        year = [self.published[:4]] if self.published else []
        return "-".join(words + year) or "source"


def new_source_file(record: SourceRecord, folder: Path, slug: str | None = None) -> Path:
    """Write `folder/<slug>.trig`: the source record, the description of its graph, and an empty graph for its
    facts. Refuses a bad date, language, publisher or URL, and a file that exists."""
    if not re.match(r"^https?://\S+$", record.url):
        raise ParameterError(f"the URL {record.url!r} is not an http(s) address")
    if not _LANGUAGE.match(record.language):
        raise ParameterError(f"the language {record.language!r} is not a tag such as en, de or ja")
    publisher = _publisher_iri(record.publisher)
    published = _date(record.published, "--published") if record.published else None
    retrieved = _date(record.retrieved, "--retrieved")
    slug = slug or record.slug()
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug):
        raise ParameterError(f"the slug {slug!r} is not lower-case letters, digits and hyphens")
    path = folder / f"{slug}.trig"
    if path.exists():
        raise ParameterError(f"{path} exists: give another --slug")
    source, graph = ox.NamedNode(f"{ID}source/{slug}"), ox.NamedNode(str(GRAPH[slug]))
    metadata = ox.NamedNode(str(GRAPH["metadata"]))
    kind = "PressRelease" if record.press_release else "SourceDocument"
    issued: list[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = (
        [(source, PREFIXES["dcterms"] + "issued", published)] if published else []
    )
    statements: list[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = [
        (source, PREFIXES["rdf"] + "type", ox.NamedNode(PREFIXES["bkg"] + kind)),
        (source, PREFIXES["rdfs"] + "label", ox.Literal(record.title, language=record.language)),
        (source, PREFIXES["dcterms"] + "title", ox.Literal(record.title, language=record.language)),
        (source, PREFIXES["dcterms"] + "publisher", publisher),
        *issued,
        (source, PREFIXES["dcterms"] + "language", ox.Literal(record.language, datatype=_xsd("language"))),
        (source, PREFIXES["schema"] + "url", ox.Literal(record.url, datatype=_xsd("anyURI"))),
        (source, PREFIXES["bkg"] + "retrievedOn", retrieved),
        (graph, PREFIXES["rdf"] + "type", ox.NamedNode(PREFIXES["bkg"] + "SourceGraph")),
        (graph, PREFIXES["rdfs"] + "label", ox.Literal(f"Facts of {record.title}", language=record.language)),
        (graph, PREFIXES["prov"] + "wasDerivedFrom", source),
    ]
    quads = [ox.Quad(s, ox.NamedNode(p), o, metadata) for s, p, o in statements]
    prefixes = {
        name: PREFIXES[name]
        for name in ("bkg", "dcterms", "graph", "organization", "prov", "rdfs", "schema", "source", "xsd")
    }
    block = ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    facts = f"\n# The source's facts, in biokg's words; each node prov:wasDerivedFrom {compact(source.value)}.\n"
    folder.mkdir(parents=True, exist_ok=True)
    path.write_bytes(block + facts.encode() + f"{graph} {{\n}}\n".encode())
    return path


def _publisher_iri(publisher: str) -> ox.NamedNode:
    if publisher.startswith(_PUBLISHER_PREFIX):
        local = publisher.removeprefix(_PUBLISHER_PREFIX)
        if re.fullmatch(r"[a-z0-9][a-z0-9-]*", local):
            return ox.NamedNode(PREFIXES["organization"] + local)
    elif publisher.startswith(PREFIXES["organization"]):
        return ox.NamedNode(publisher)
    raise ParameterError(f"the publisher {publisher!r} is not an organisation: give organization:slug")


def _date(text: str, option: str) -> ox.Literal:
    if not _DATE.match(text):
        raise ParameterError(f"{option} {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return ox.Literal(text, datatype=_xsd(_DATE_TYPES[len(text)]))


def _xsd(name: str) -> ox.NamedNode:
    return ox.NamedNode(PREFIXES["xsd"] + name)


@dataclass(frozen=True)
class Match:
    """A resource found by one of its names or ids."""

    resource: str
    label: str
    kind: str
    matched: str


def find(text: str, fetch: FetchJson, limit: int = 20) -> list[Match]:
    """Resources whose label, alternative label (acronyms included), legal name or ROR id holds `text`, case
    ignored: exact matches first, then prefixes, then the rest."""
    if not text.strip():
        raise ParameterError("give a text to find")
    needle = ox.Literal(text.strip().lower())  # bound as an RDF term: the library writes and escapes it
    query = (
        sparql_prologue()
        + f"""
        SELECT ?resource (SAMPLE(?name) AS ?label) (SAMPLE(?class) AS ?kind) (MIN(?value) AS ?matched)
               (MIN(?rank) AS ?best)
        WHERE {{
          VALUES ?needle {{ {needle} }}
          ?resource rdfs:label|skos:prefLabel|skos:altLabel|bkg:acronym|schema:legalName|bkg:rorId ?value .
          BIND(LCASE(STR(?value)) AS ?lower)
          FILTER(CONTAINS(?lower, ?needle))
          BIND(IF(?lower = ?needle, 0, IF(STRSTARTS(?lower, ?needle), 1, 2)) AS ?rank)
          OPTIONAL {{ ?resource rdfs:label ?name FILTER(LANG(?name) IN ("en", "")) }}
          OPTIONAL {{ ?resource a ?class }}
        }}
        GROUP BY ?resource ORDER BY ?best STR(?label) ?resource LIMIT {int(limit)}"""
    )
    rows = read_solutions(fetch(query, limit), limit).rows
    return [
        Match(
            compact(resource.value) if isinstance(resource, ox.NamedNode) else str(resource),
            _text(label),
            compact(kind.value) if isinstance(kind, ox.NamedNode) else "",
            _text(matched),
        )
        for resource, label, kind, matched, _rank in rows
    ]


def _text(term: object) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


@dataclass(frozen=True)
class Difference:
    """What loading a source's file would change in the store, in statements of its graphs."""

    added: tuple[ox.Quad, ...]
    removed: tuple[ox.Quad, ...]
    contradicted: tuple[tuple[ox.Quad, tuple[ox.Quad, ...]], ...]
    """Each added value of a property that takes one value per source, with the other sources' values."""


def difference(store: ox.Store, quads: Sequence[ox.Quad]) -> Difference:
    """Compare the file's quads with the store's graphs of the same names, and its values of the properties
    marked bkg:oneValuePerSource with what other graphs of the store state."""
    graphs = {quad.graph_name for quad in quads}
    before = {q for graph in graphs for q in store.quads_for_pattern(None, None, None, graph)}
    incoming = set(quads)
    added = sorted(incoming - before, key=str)
    single = _one_value_per_source(store)
    contradicted = []
    for quad in added:
        if quad.predicate in single:
            others = tuple(
                sorted(
                    (
                        other
                        for other in store.quads_for_pattern(quad.subject, quad.predicate, None, None)
                        if other.graph_name not in graphs and other.object != quad.object
                    ),
                    key=str,
                )
            )
            if others:
                contradicted.append((quad, others))
    return Difference(tuple(added), tuple(sorted(before - incoming, key=str)), tuple(contradicted))


def _mentions(node: ox.NamedNode | ox.BlankNode) -> re.Pattern[str]:
    """The node written compactly (not as the start of a longer name) or in full."""
    if not isinstance(node, ox.NamedNode):
        return re.compile(r"(?!)")
    short = re.escape(compact(node.value)) + r"(?![\w\-./:])"
    return re.compile(f"{short}|{re.escape(f'<{node.value}>')}")


def _one_value_per_source(store: ox.Store) -> set[ox.NamedNode]:
    marked = ox.NamedNode(PREFIXES["bkg"] + "oneValuePerSource")
    return {q.subject for q in store.quads_for_pattern(None, marked, ox.Literal(True), None)}  # type: ignore[misc]


def located(findings: Iterable[Finding], files: Sequence[Path]) -> list[tuple[Finding, str, Position | None]]:
    """Each finding with the file, line and column where its focus node first appears (compact or in full),
    so that a curator's editor can jump there; the first file when no file names it."""
    texts = [(path, path.read_text(encoding="utf-8")) for path in files]
    placed = []
    for finding in findings:
        where: tuple[str, Position | None] = (str(files[0]) if files else "", None)
        for path, text in texts:
            offsets = [found.start() for found in _mentions(finding.focus).finditer(text)][:1]
            if offsets:
                offset = offsets[0]
                line = text.count("\n", 0, offset) + 1
                where = (str(path), Position(line, offset - text.rfind("\n", 0, offset)))
                break
        placed.append((finding, *where))
    return placed
