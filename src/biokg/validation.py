"""SHACL validation of the data against biokg's shapes, with a report a curator can read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from pyshacl import shape as pyshacl_shape
from pyshacl import validate as pyshacl_validate
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from biokg.namespaces import compact
from biokg.rdflib_bridge import from_rdflib, graph_of, to_rdflib
from biokg.shacl_sparql import SparqlCheck, run_checks, split_shapes
from biokg.sources import Sources

# pyshacl looks each shape's parameters up in a list of its ~40 constraint parameters, compared by rdflib's
# Python-level __eq__, every time it checks a property shape on a focus node (400,000 times for the ROR import).
# It caches that list in this module attribute; a frozenset there answers the same lookups by hash: validating
# the 13,503 ROR records went from 38 s to 29 s. Only pyshacl's JavaScript and advanced modes, which biokg does
# not use, would need a list there.
pyshacl_shape.CONSTRAINT_PARAMS = (frozenset(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Finding:
    """One validation result: which node broke which shape, and what to do."""

    severity: str
    focus: ox.NamedNode | ox.BlankNode
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


def validate_sources(sources: Sources) -> ValidationReport:
    """Validate the data of `sources` with their shapes, the ontology supplying RDFS inference."""
    return validate_quads(sources.data, shapes=graph_of(sources.shapes), ontology=graph_of(sources.ontology))


def validate_quads(
    data: Iterable[ox.Quad | ox.Triple], shapes: Graph, ontology: Graph, only: set[ox.NamedNode] | None = None
) -> ValidationReport:
    """Validate the union of the graphs of `data` together with the ontology.

    The ontology's own individuals (roles, sectors, qualifiers) are part of what data points at, so they are
    validated with it. With `only`, the findings are those of these nodes, checked against their own statements
    and the types of everything in `data` (other nodes are there by their type alone, and are checked where they
    are described). That is sound because the core shapes follow no inverse path: a node's core result depends on
    its statements, its values' types and the ontology. The SHACL-SPARQL constraints run on all of `data`.
    """
    triples = [quad.triple if isinstance(quad, ox.Quad) else quad for quad in data]
    if only is None:
        data_graph = graph_of(triples)
    else:
        if (None, SH.inversePath, None) in shapes:
            raise ValueError("a partial validation needs shapes without sh:inversePath")
        type_iri = str(RDF.type)
        data_graph = graph_of([t for t in triples if t.subject in only or t.predicate.value == type_iri])
    checked = len(data_graph)
    data_graph += ontology
    add_rdfs_entailments(data_graph, ontology)
    core_shapes, sparql_checks = split_shapes(shapes)
    _conforms, results, _text = pyshacl_validate(data_graph, shacl_graph=core_shapes, inference="none")
    findings = [*_findings(results, shapes), *_sparql_findings(sparql_checks, triples, ontology)]
    if only is not None:  # nodes present only by their type are checked where they are described
        findings = [finding for finding in findings if finding.focus in only]
    return ValidationReport(
        findings=tuple(sorted(findings, key=lambda f: (show_node(f.focus), f.path or "", f.message))),
        triples=checked,
    )


def _sparql_findings(checks: list[SparqlCheck], triples: list[ox.Triple], ontology: Graph) -> Iterator[Finding]:
    """The violations of the SHACL-SPARQL constraints, run by Oxigraph over the data and the ontology."""
    store = ox.Store()
    default = ox.DefaultGraph()
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, default) for t in triples)
    store.bulk_extend(
        ox.Quad(from_rdflib(s), from_rdflib(p), from_rdflib(o), default)  # type: ignore[arg-type]
        for s, p, o in ontology
    )
    for violation in run_checks(checks, store):
        yield Finding(
            severity="Violation",
            focus=violation.focus,
            path=None,
            value=_show(to_rdflib(violation.value)) if violation.value is not None else None,
            message=violation.message,
            shape=_show(violation.shape) or "",
        )


def add_rdfs_entailments(data: Graph, ontology: Graph) -> None:
    """Add what RDFS entails from the ontology's class and property hierarchy (rules rdfs5, rdfs7, rdfs9, rdfs11).

    These are the entailments the shapes rely on (the ontology states domains and ranges with
    schema:domainIncludes and schema:rangeIncludes, which entail nothing). Computed directly, they cost about a
    second per 100,000 triples, where pyshacl's full RDFS closure took 44 s.
    """
    superclasses = _ancestors(ontology, RDFS.subClassOf)
    for subject, cls in list(data.subject_objects(RDF.type)):
        for ancestor in superclasses.get(cls, set()):
            data.add((subject, RDF.type, ancestor))
    for prop, ancestors in _ancestors(ontology, RDFS.subPropertyOf).items():
        for subject, value in list(data.subject_objects(prop)):
            for ancestor in ancestors:
                data.add((subject, ancestor, value))


def _ancestors(ontology: Graph, relation: URIRef) -> dict[Node, set[Node]]:
    """Each term's ancestors along a transitive relation (rdfs:subClassOf, rdfs:subPropertyOf), itself excluded."""
    ancestors: dict[Node, set[Node]] = {}
    for term in set(ontology.subjects(relation)):
        ancestors[term] = {node for node in ontology.transitive_objects(term, relation) if node is not None} - {term}
    return ancestors


def _findings(results: Graph, shapes: Graph) -> Iterable[Finding]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        focus = from_rdflib(results.value(result, SH.focusNode))  # type: ignore[arg-type]
        assert isinstance(focus, ox.NamedNode | ox.BlankNode)
        yield Finding(
            severity=compact(str(severity)).removeprefix("sh:") if severity else "Violation",
            focus=focus,
            path=_show(results.value(result, SH.resultPath)),
            value=_show(results.value(result, SH.value)),
            message=str(results.value(result, SH.resultMessage) or "(no message)"),
            shape=_shape_name(results.value(result, SH.sourceShape), shapes),
        )


def _shape_name(shape: Node | None, shapes: Graph) -> str:
    """A shape by its name; an anonymous property shape by the node shape that holds it and its path."""
    if isinstance(shape, BNode):
        holder = shapes.value(predicate=SH.property, object=shape) or shapes.value(predicate=SH.sparql, object=shape)
        path = shapes.value(shape, SH.path)
        if holder is not None:
            return f"{_show(holder)} ({_show(path)})" if path is not None else f"{_show(holder)} (SPARQL)"
    return _show(shape) or ""


def show_node(node: ox.NamedNode | ox.BlankNode) -> str:
    """A focus node as a report writes it: prefix:local where a known namespace covers it."""
    return compact(node.value) if isinstance(node, ox.NamedNode) else str(node)


def _show(node: Node | None) -> str | None:
    if node is None:
        return None
    if isinstance(node, Literal):
        return node.n3()
    text = str(node)
    return compact(text) if text.startswith("http") else text
