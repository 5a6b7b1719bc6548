"""The HTML view of a description: labels instead of IRIs, statements grouped by property, sources named."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from biokg.engine import FetchJson
from biokg.engine.answers import read_solutions
from biokg.linked.description import Description
from biokg.namespaces import BASE, PREFIXES, compact, sparql_prologue
from biokg.terms import show_term, text_of, words_of

_RDF_TYPE = PREFIXES["rdf"] + "type"
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


@dataclass
class Statement:
    """One value of a property, the graphs that state it, and whether a curator prefers it."""

    term: Term
    graphs: list[str] = field(default_factory=list)
    preferred: bool = False


@dataclass
class PropertyGroup:
    """The values of one property, under its label; `disagreement` when it takes one value per source and the
    sources give several."""

    predicate: str
    label: str
    statements: list[Statement] = field(default_factory=list)
    disagreement: bool = False


@dataclass(frozen=True)
class Source:
    """A named graph, and the document it was derived from."""

    graph: str
    title: str
    issued: str


@dataclass(frozen=True)
class ResourcePage:
    """Everything the resource template shows."""

    iri: str
    title: str
    types: list[Term]
    properties: list[PropertyGroup]
    incoming: list[PropertyGroup]
    more_incoming: bool
    sources: dict[str, Source]
    labels: dict[str, str]


def local_link(iri: str) -> str:
    """A link that stays inside the server for biokg's own IRIs (`/id/...`, `/ontology#...`), the IRI otherwise."""
    return "/" + iri[len(BASE) :] if iri.startswith(BASE) else iri


def best_labels(quads: Iterable[ox.Quad]) -> dict[str, str]:
    """One label per IRI, English first, then one without a language, then any."""
    ranked: dict[str, tuple[int, str]] = {}
    for quad in quads:
        if isinstance(quad.object, ox.Literal):
            language = quad.object.language
            rank = 0 if language == "en" else 1 if not language else 2
            key = text_of(quad.subject)
            if key not in ranked or (rank, quad.object.value) < ranked[key]:
                ranked[key] = (rank, quad.object.value)
    return {iri: label for iri, (_, label) in ranked.items()}


def build_page(description: Description, fetch: FetchJson) -> ResourcePage:
    """The page model of a description; the sources of its graphs are read with one more query."""
    own = best_labels(quad for quad in description.outgoing if quad.predicate.value == PREFIXES["rdfs"] + "label")
    labels = {**best_labels(description.labels), **own}
    resource = description.resource.value
    types = [quad.object for quad in description.outgoing if quad.predicate.value == _RDF_TYPE]
    properties = _groups(
        ((quad.predicate.value, quad.object, quad.graph_name) for quad in description.outgoing), labels
    )
    incoming = _groups(
        ((quad.predicate.value, quad.subject, quad.graph_name) for quad in description.incoming), labels
    )
    for group in properties:  # values in a stable order, whatever order the store gives them in
        group.statements.sort(key=lambda statement: str(statement.term))
    _mark_disagreements(properties, resource, fetch)
    graphs = {
        quad.graph_name.value
        for quad in [*description.outgoing, *description.incoming]
        if isinstance(quad.graph_name, ox.NamedNode)  # not the statements the server derives (a graph's size)
    }
    return ResourcePage(
        iri=resource,
        title=labels.get(resource) or compact(resource),
        types=types,
        properties=properties,
        incoming=incoming,
        more_incoming=description.more_incoming,
        sources=_sources(graphs, fetch),
        labels=labels,
    )


def _groups(
    statements: Iterable[tuple[str, Term, ox.NamedNode | ox.BlankNode | ox.DefaultGraph]], labels: dict[str, str]
) -> list[PropertyGroup]:
    groups: dict[str, PropertyGroup] = {}
    values: dict[tuple[str, Term], Statement] = {}
    for predicate, term, graph in statements:
        if predicate == _RDF_TYPE:
            continue
        group = groups.setdefault(predicate, PropertyGroup(predicate, labels.get(predicate) or words_of(predicate)))
        if (predicate, term) not in values:
            values[predicate, term] = Statement(term)
            group.statements.append(values[predicate, term])
        values[predicate, term].graphs.append(text_of(graph))
    return sorted(groups.values(), key=lambda group: group.label.lower())


def _mark_disagreements(groups: list[PropertyGroup], resource: str, fetch: FetchJson) -> None:
    """Mark the properties whose sources disagree (one value per source, several values), and preferred values."""
    query = (
        sparql_prologue()
        + f"""
        SELECT ?property ?preferred WHERE {{
          {{ ?property bkg:oneValuePerSource true }}
          UNION
          {{ ?preference a bkg:Preference ; bkg:aboutResource <{resource}> ; bkg:aboutProperty ?property ;
                bkg:preferredValue ?preferred }}
        }}"""
    )
    rows = read_solutions(fetch(query, 10_000), 10_000).rows
    marked = {text_of(row[0]) for row in rows if row[1] is None}
    preferred = {(text_of(row[0]), row[1]) for row in rows if row[1] is not None}
    for group in groups:
        group.disagreement = group.predicate in marked and len(group.statements) > 1
        for statement in group.statements:
            statement.preferred = (group.predicate, statement.term) in preferred


def _sources(graphs: set[str], fetch: FetchJson) -> dict[str, Source]:
    if not graphs:
        return {}
    values = " ".join(f"<{graph}>" for graph in sorted(graphs))
    query = (
        sparql_prologue()
        + f"""
        SELECT ?g ?title ?issued WHERE {{
          VALUES ?g {{ {values} }}
          OPTIONAL {{ ?g rdfs:label ?graphLabel }}
          OPTIONAL {{
            ?g prov:wasDerivedFrom ?source . ?source dcterms:title ?sourceTitle
            OPTIONAL {{ ?source dcterms:issued ?issued }}
          }}
          BIND(COALESCE(?sourceTitle, ?graphLabel, STR(?g)) AS ?title)
        }} ORDER BY ?g ?title"""
    )
    sources: dict[str, Source] = {}
    for graph, title, issued in read_solutions(fetch(query, 1000), 1000).rows:
        if text_of(graph) and text_of(graph) not in sources:
            sources[text_of(graph)] = Source(text_of(graph), text_of(title), text_of(issued))
    return sources


@dataclass(frozen=True)
class TermEntry:
    """One term of the ontology or shapes, at its anchor in the documentation."""

    iri: str
    anchor: str
    name: str
    label: str
    properties: list[PropertyGroup]


_SECTIONS = (
    ("Classes", PREFIXES["owl"] + "Class"),
    ("Object properties", PREFIXES["owl"] + "ObjectProperty"),
    ("Datatype properties", PREFIXES["owl"] + "DatatypeProperty"),
    ("Concept schemes", PREFIXES["skos"] + "ConceptScheme"),
    ("Concepts", PREFIXES["skos"] + "Concept"),
    ("Statistical variables", PREFIXES["bkg"] + "StatisticalVariable"),
    ("Node shapes", PREFIXES["sh"] + "NodeShape"),
)
_OWN = (PREFIXES["bkg"], PREFIXES["bkgsh"])
_DECLARED = {PREFIXES["owl"] + kind for kind in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
_DISJOINT_WITH = ox.NamedNode(PREFIXES["owl"] + "disjointWith")
_SH_PATH = PREFIXES["sh"] + "path"


def build_terms(quads: list[ox.Quad]) -> tuple[list[tuple[str, list[TermEntry]]], dict[str, str]]:
    """The documentation of a vocabulary graph: its own terms by kind, each with its statements and axioms
    labelled, then the external terms it declares."""
    labels = best_labels(
        q for q in quads if q.predicate.value in (PREFIXES["rdfs"] + "label", PREFIXES["skos"] + "prefLabel")
    )
    kinds: dict[str, set[str]] = {}
    by_subject: dict[str, list[ox.Quad]] = {}
    for quad in [*quads, *_disjointness(quads)]:
        if isinstance(quad.subject, ox.NamedNode):
            by_subject.setdefault(quad.subject.value, []).append(quad)
            if quad.predicate.value == _RDF_TYPE:
                kinds.setdefault(text_of(quad.object), set()).add(quad.subject.value)

    def entry(iri: str) -> TermEntry:
        return TermEntry(
            iri=iri,
            anchor=iri.rpartition("#")[2] if iri.startswith(_OWN) else compact(iri).replace(":", "-"),
            name=compact(iri),
            label=labels.get(iri) or words_of(iri),
            properties=_groups(((q.predicate.value, q.object, q.graph_name) for q in by_subject[iri]), labels),
        )

    labels |= _blank_summaries(quads, labels)
    sections = []
    for title, kind in _SECTIONS:
        entries = [entry(iri) for iri in kinds.get(kind, ()) if iri.startswith(_OWN)]
        if entries:
            sections.append((title, sorted(entries, key=lambda entry: entry.label.lower())))
    external = {iri for kind in _DECLARED for iri in kinds.get(kind, ()) if not iri.startswith(_OWN)}
    if external:
        sections.append(("External terms, declared with their kind", [entry(iri) for iri in sorted(external)]))
    return sections, labels


def _blank_summaries(quads: list[ox.Quad], labels: dict[str, str]) -> dict[str, str]:
    """A line for each blank node of a vocabulary (a SHACL property shape, a list), keyed `_:id`: its path first,
    then each constraint with its value, lists written out, so that a page shows what a shape checks instead of
    the node's id."""
    by_node: dict[str, list[ox.Quad]] = {}
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode):
            by_node.setdefault(quad.subject.value, []).append(quad)
    first, rest, nil = PREFIXES["rdf"] + "first", PREFIXES["rdf"] + "rest", PREFIXES["rdf"] + "nil"

    def value(term: Term, depth: int) -> str:
        if isinstance(term, ox.BlankNode) and depth < 4:
            return node(term.value, depth + 1)
        if isinstance(term, ox.NamedNode):
            return compact(term.value)
        return show_term(term)

    def node(name: str, depth: int) -> str:
        statements = {q.predicate.value: q.object for q in by_node.get(name, ())}
        if first in statements:  # a list: its members in order
            members, at = [], name
            while at in by_node and first in (items := {q.predicate.value: q.object for q in by_node[at]}):
                members.append(value(items[first], depth))
                following = items.get(rest)
                at = following.value if isinstance(following, ox.BlankNode) else nil
            return "(" + " ".join(members) + ")"
        ordered = sorted(by_node.get(name, ()), key=lambda q: (q.predicate.value != _SH_PATH, q.predicate.value))
        parts = [f"{compact(q.predicate.value)} {value(q.object, depth)}" for q in ordered]
        return ("[" + " ; ".join(parts) + "]") if depth else " ; ".join(parts)

    return {"_:" + name: node(name, 0) for name in by_node}


def _disjointness(quads: list[ox.Quad]) -> list[ox.Quad]:
    """owl:disjointWith between each two members of an owl:AllDisjointClasses axiom, so that each class's entry
    shows the classes it is disjoint with."""
    first, rest = PREFIXES["rdf"] + "first", PREFIXES["rdf"] + "rest"
    links: dict[tuple[Term, str], Term] = {
        (q.subject, q.predicate.value): q.object for q in quads if q.predicate.value in (first, rest)
    }
    axioms = [q for q in quads if q.predicate.value == PREFIXES["owl"] + "members"]
    derived = []
    for axiom in axioms:
        members: list[Term] = []
        node: Term = axiom.object
        while (node, first) in links:
            members.append(links[node, first])
            node = links[node, rest]
        derived += [
            ox.Quad(one, _DISJOINT_WITH, other, axiom.graph_name)  # type: ignore[arg-type]
            for one in members
            for other in members
            if one != other
        ]
    return derived
