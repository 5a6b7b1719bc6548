"""pySHACL, the reference that biokg's validator must agree with, finding for finding.

It runs over an rdflib copy of the data with the RDFS entailments the shapes rely on added (subclass and
sub-property closure from the ontology; the ontology states domains and ranges with schema:domainIncludes, which
entail nothing), in advanced mode for the SPARQL targets. Its results are named as biokg names them: the shape
and path as biokg's shape reader writes them, the focus node as an Oxigraph term.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
from pyshacl import validate as pyshacl_validate
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node
from rdflib_bridge import from_rdflib, graph_of

from biokg.namespaces import compact
from biokg.validation import Finding, graph_marks, show_term
from biokg.validation.shapes import Shape, every_shape, read_shapes


def reference_findings(
    data: Iterable[ox.Quad | ox.Triple],
    shapes: Iterable[ox.Quad | ox.Triple],
    ontology: Iterable[ox.Quad | ox.Triple],
) -> set[Finding]:
    """pySHACL's findings on the union of `data` and the ontology."""
    shapes, ontology = list(shapes), list(ontology)
    ontology_graph = graph_of(ontology)
    data = list(data)
    marks = graph_marks({quad.graph_name for quad in data if isinstance(quad, ox.Quad)})
    data_graph = graph_of([*data, *marks]) + ontology_graph
    add_rdfs_entailments(data_graph, ontology_graph)
    _conforms, results, _text = pyshacl_validate(
        data_graph, shacl_graph=graph_of(shapes), inference="none", advanced=True
    )
    top, _prefixes = read_shapes(shapes)
    named = {shape.node: shape for shape in every_shape(top)}
    return set(_findings(results, named))


def add_rdfs_entailments(data: Graph, ontology: Graph) -> None:
    """Add what RDFS entails from the ontology's class and property hierarchy (rules rdfs5, rdfs7, rdfs9, rdfs11)."""
    superclasses = _ancestors(ontology, RDFS.subClassOf)
    for subject, cls in list(data.subject_objects(RDF.type)):
        for ancestor in superclasses.get(cls, set()):
            data.add((subject, RDF.type, ancestor))
    for prop, ancestors in _ancestors(ontology, RDFS.subPropertyOf).items():
        for subject, value in list(data.subject_objects(prop)):
            for ancestor in ancestors:
                data.add((subject, ancestor, value))


def _ancestors(ontology: Graph, relation: URIRef) -> dict[Node, set[Node]]:
    ancestors: dict[Node, set[Node]] = {}
    for term in set(ontology.subjects(relation)):
        ancestors[term] = {node for node in ontology.transitive_objects(term, relation) if node is not None} - {term}
    return ancestors


def _findings(results: Graph, named: dict[ox.NamedNode | ox.BlankNode, Shape]) -> Iterator[Finding]:
    for result in results.subjects(RDF.type, SH.ValidationResult):
        severity = results.value(result, SH.resultSeverity)
        focus = from_rdflib(results.value(result, SH.focusNode))  # type: ignore[arg-type]
        source = from_rdflib(results.value(result, SH.sourceShape))  # type: ignore[arg-type]
        assert isinstance(focus, ox.NamedNode | ox.BlankNode) and isinstance(source, ox.NamedNode | ox.BlankNode)
        shape = named[source]
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        shown_path = shape.path.shown() if shape.path is not None else (compact(str(path)) if path else None)
        yield Finding(
            severity=str(severity).removeprefix(str(SH)) if severity else "Violation",
            focus=focus,
            path=shown_path,
            value=show_term(from_rdflib(value)) if value is not None else None,
            message=str(results.value(result, SH.resultMessage) or "(no message)"),
            shape=shape.name,
        )
