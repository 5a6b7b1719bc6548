"""SHACL validation of the data against biokg's shapes, in Oxigraph, with a report a curator can read.

The shapes are compiled once (`Validator`) into one SPARQL query per constraint; validating is running those
queries over the data and the ontology, for every focus node or only those a change can affect
(`affected_nodes`), so that a load into a large store checks what it changes, not the whole store.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from biokg.namespaces import METADATA_GRAPH, ONTOLOGY_IRI, PREFIXES, SHAPES_IRI, compact
from biokg.sources import Sources
from biokg.store.base import QuadLookup
from biokg.validation.compiler import FOCUS_GRAPH, MATCHES, Check, checks_of, matches, read_backwards
from biokg.validation.shapes import read_shapes

Node = ox.NamedNode | ox.BlankNode
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
_PLACEHOLDER = re.compile(r"\{[?$](\w+)\}")
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_METADATA_GRAPH = ox.NamedNode(str(METADATA_GRAPH))
ONTOLOGY_GRAPH = ox.NamedNode("urn:biokg:validation-ontology")
"""Where a store holds the validator's ontology while it validates the store."""
_NAMED_GRAPH = ox.NamedNode("http://www.w3.org/ns/sparql-service-description#NamedGraph")
_OWN_GRAPHS = {ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(SHAPES_IRI), FOCUS_GRAPH, ONTOLOGY_GRAPH}


def graph_marks(graphs: Iterable[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]) -> list[ox.Triple]:
    """Each named graph of the data (but the metadata graph, which describes them) stated as an sd:NamedGraph,
    for the shapes that require every graph to be described: the union the shapes see has no graph names."""
    named = {graph for graph in graphs if isinstance(graph, ox.NamedNode)} - _OWN_GRAPHS - {_METADATA_GRAPH}
    return [ox.Triple(graph, _RDF_TYPE, _NAMED_GRAPH) for graph in sorted(named, key=str)]


@dataclass(frozen=True)
class Finding:
    """One validation result: which node broke which shape, and what to do."""

    severity: str
    focus: Node
    path: str | None
    value: str | None
    message: str
    shape: str

    def render(self) -> str:
        """The finding as a few indented lines for a terminal."""
        lines = [f"{self.severity}: {self.message}", f"  focus node: {show_node(self.focus)}"]
        if self.path:
            lines.append(f"  path:       {self.path}")
        if self.value:
            lines.append(f"  value:      {self.value}")
        lines.append(f"  shape:      {self.shape}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ValidationReport:
    """The findings of one validation run; the data conforms when there is no violation."""

    findings: tuple[Finding, ...]
    triples: int

    @property
    def conforms(self) -> bool:
        return not any(finding.severity == "Violation" for finding in self.findings)

    def render(self) -> str:
        """The whole report as text."""
        if not self.findings:
            return f"The graph conforms to the shapes ({self.triples} triples checked)."
        head = f"The graph does not conform to the shapes: {len(self.findings)} finding(s)."
        return "\n\n".join([head, *(finding.render() for finding in self.findings)])


class Validator:
    """The shapes compiled once, with the ontology's class and property hierarchy; it validates any store."""

    def __init__(self, shapes: Iterable[ox.Quad | ox.Triple], ontology: Iterable[ox.Quad | ox.Triple]) -> None:
        read, self.prefixes = read_shapes(shapes)
        self.ontology = tuple(quad.triple if isinstance(quad, ox.Quad) else quad for quad in ontology)
        self.checks: tuple[Check, ...] = tuple(checks_of(read, self.ontology))
        self.vocabulary = frozenset(t.subject for t in self.ontology if isinstance(t.subject, ox.NamedNode))
        """The ontology's terms: a change never makes a node's findings depend on the others that use a term."""
        self._shapes = read

    def prepare_for_changes(self) -> Validator:
        """Work out now what a validation kept to a change reads (`read_backwards`), rather than in the first
        such validation: a server's first write held the interpreter from its readers for a second."""
        _ = self.read_backwards
        return self

    @functools.cached_property
    def read_backwards(self) -> frozenset[ox.NamedNode] | None:
        """The predicates some shape follows backwards (None: any, or some it cannot tell); worked out only for
        a validation kept to what a change affects (parsing the shapes' SPARQL takes half a second)."""
        return read_backwards(self._shapes, self.prefixes)

    def validate_store(
        self, store: ox.Store, focus: Collection[Node] | None = None, triples: int = 0
    ) -> ValidationReport:
        """The findings of a store's graphs, with the validator's ontology in place of the store's own (which a
        store loaded with data files alone does not hold) and without its shapes graph."""
        graphs: list[ox.NamedNode | ox.DefaultGraph] = [g for g in store.named_graphs() if g not in _OWN_GRAPHS]  # type: ignore[misc]
        added = [*self.ontology, *graph_marks(graphs)]
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ONTOLOGY_GRAPH) for t in added)
        try:
            return self.validate(store, [*graphs, ONTOLOGY_GRAPH], focus, triples)
        finally:
            store.remove_graph(ONTOLOGY_GRAPH)

    def validate_quads(
        self, data: Iterable[ox.Quad | ox.Triple], only: Collection[Node] | None = None
    ) -> ValidationReport:
        """Validate the union of the graphs of `data` together with the ontology (its own individuals, such as
        roles and sectors, are part of what data points at); with `only`, the findings of these focus nodes alone."""
        data = list(data)
        store = ox.Store()
        default = ox.DefaultGraph()
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in data)  # each triple kept once
        triples = len(store)
        marks = graph_marks({quad.graph_name for quad in data if isinstance(quad, ox.Quad)})
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in [*self.ontology, *marks])
        return self.validate(store, focus=only, triples=triples)

    def validate(
        self,
        store: ox.Store,
        default_graph: Sequence[ox.NamedNode | ox.DefaultGraph] | None = None,
        focus: Collection[Node] | None = None,
        triples: int = 0,
    ) -> ValidationReport:
        """The findings of the store's data: its default graph, or the union of `default_graph`'s graphs; of every
        focus node, or of those in `focus` only."""
        options: dict[str, object] = {"prefixes": self.prefixes, "custom_functions": {MATCHES: matches}}
        if default_graph is not None:
            options["default_graph"] = list(default_graph)
        if focus is not None:  # marked in a graph of their own while the checks run, then unmarked
            if not focus:
                return ValidationReport((), triples)
            options["named_graphs"] = [FOCUS_GRAPH]
            store.extend(ox.Quad(node, FOCUS_GRAPH, FOCUS_GRAPH, FOCUS_GRAPH) for node in focus)
        findings: set[Finding] = set()
        try:
            for check in self.checks:
                solutions = store.query(check.for_focus(focus is not None), **options)  # type: ignore[arg-type]
                assert isinstance(solutions, ox.QuerySolutions)
                names = [variable.value for variable in solutions.variables]
                for solution in solutions:
                    findings.add(_finding(check, {name: solution[name] for name in names}))
        finally:
            if focus is not None:
                store.remove_graph(FOCUS_GRAPH)
        ordered = sorted(findings, key=lambda f: (show_node(f.focus), f.path or "", f.message, f.value or ""))
        return ValidationReport(tuple(ordered), triples)


def _finding(check: Check, bound: dict[str, Term | None]) -> Finding:
    focus = bound["this"]
    assert isinstance(focus, ox.NamedNode | ox.BlankNode)
    value, path = bound.get("value"), bound.get("path")
    message = _fill(check.message, bound) if check.fills_message else check.message
    shown_path = compact(path.value) if isinstance(path, ox.NamedNode) else check.path
    return Finding(check.severity, focus, shown_path, show_term(value), message, check.shape)


def _fill(message: str, bound: dict[str, Term | None]) -> str:
    """The message with each {?name} replaced by the value bound to it."""

    def value_of(match: re.Match[str]) -> str:
        term = bound.get(match.group(1))
        return term.value if isinstance(term, ox.NamedNode | ox.Literal | ox.BlankNode) else match.group(0)

    return _PLACEHOLDER.sub(value_of, message)


def show_node(node: Node) -> str:
    """A focus node as a report writes it: prefix:local where a known namespace covers it."""
    return compact(node.value) if isinstance(node, ox.NamedNode) else str(node)


def show_term(term: Term | None) -> str | None:
    """A value as a report writes it: a compact IRI, or a literal as N-Triples writes it."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return compact(term.value) if term.value.startswith("http") else term.value
    return str(term)


def validate_quads(
    data: Iterable[ox.Quad | ox.Triple],
    shapes: Iterable[ox.Quad | ox.Triple],
    ontology: Iterable[ox.Quad | ox.Triple],
    only: Collection[Node] | None = None,
) -> ValidationReport:
    """Validate the union of the graphs of `data` together with the ontology; see Validator.validate_quads."""
    return Validator(shapes, ontology).validate_quads(data, only)


def validate_sources(sources: Sources) -> ValidationReport:
    """Validate the data of `sources` with their shapes, the ontology supplying the class hierarchy."""
    return validate_quads(sources.data, sources.shapes, sources.ontology)


def affected_nodes(
    store: QuadLookup, changed: Iterable[ox.Quad | ox.Triple], hops: int, validator: Validator
) -> set[Node]:
    """The focus nodes whose findings a change can alter, within `hops` steps of it: the nodes that read the
    statements of a node it changes (reaching that node backwards along any statement: shapes' paths go
    forwards), and the nodes whose SPARQL constraints can meet the change (going forwards along any statement and
    backwards along the predicates the shapes follow backwards, from the nodes it changes or points at). No walk
    goes through rdf:type, nor on from a term of the ontology (a role, a sector)."""
    subjects: set[Node] = set()
    objects: set[Node] = set()
    for quad in changed:
        subjects.add(quad.subject)  # type: ignore[arg-type]
        if isinstance(quad.object, ox.NamedNode | ox.BlankNode) and quad.predicate != _RDF_TYPE:
            objects.add(quad.object)
    vocabulary = validator.vocabulary
    readers = _walk(store, subjects, hops, vocabulary, forwards=False, backwards=None)
    meeting = _walk(store, subjects | objects, hops, vocabulary, forwards=True, backwards=validator.read_backwards)
    return readers | meeting


def neighbourhood(store: QuadLookup, nodes: Collection[Node], hops: int, validator: Validator) -> list[ox.Quad]:
    """Every statement about the nodes the checks of `nodes` can read: those within `hops` steps forwards along
    any statement but rdf:type, or backwards along the predicates the shapes follow backwards; taken from the store
    by index lookups instead of by the checks' scans of the whole store."""
    reached = _walk(store, set(nodes), hops, validator.vocabulary, forwards=True, backwards=validator.read_backwards)
    return [quad for node in reached for quad in store.quads_for_pattern(node, None, None, None)]


def _walk(
    store: QuadLookup,
    start: set[Node],
    hops: int,
    vocabulary: Collection[Node],
    forwards: bool,
    backwards: Collection[ox.NamedNode] | None,
) -> set[Node]:
    """The nodes within `hops` steps of `start`: forwards along statements if asked, backwards along those of the
    `backwards` predicates (all when None); never through rdf:type, never on from a vocabulary term."""
    reached, frontier = set(start), set(start)
    for _ in range(hops):
        found: set[Node] = set()
        for node in frontier.difference(vocabulary):
            if forwards:
                for quad in store.quads_for_pattern(node, None, None, None):
                    if isinstance(quad.object, ox.NamedNode | ox.BlankNode) and quad.predicate != _RDF_TYPE:
                        found.add(quad.object)
            for quad in store.quads_for_pattern(None, None, node, None):
                if quad.predicate != _RDF_TYPE and (backwards is None or quad.predicate in backwards):
                    found.add(quad.subject)  # type: ignore[arg-type]
        frontier = found - reached
        reached |= frontier
    return reached
