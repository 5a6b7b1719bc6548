"""Ontology hygiene: every term labelled and defined, aligned, covered by shapes, mirrored by biokg.namespaces."""

from __future__ import annotations

import pytest
from conftest import language_of, value_of
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS
from rdflib_bridge import graph_of

from biokg.namespaces import BKG, ONTOLOGY_IRI
from biokg.sources import Sources

TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


@pytest.fixture(scope="module")
def ontology(sources: Sources) -> Graph:
    return graph_of(sources.ontology)


def own_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and s.startswith(str(BKG._NS))}


def test_the_ontology_has_a_version_iri(ontology: Graph) -> None:
    assert ontology.value(URIRef(ONTOLOGY_IRI), OWL.versionIRI) == URIRef(ONTOLOGY_IRI + "/0.3.0")
    assert ontology.value(URIRef(ONTOLOGY_IRI), OWL.priorVersion) == URIRef(ONTOLOGY_IRI + "/0.2.0")
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in ontology


def test_every_term_has_an_english_label_and_definition(ontology: Graph) -> None:
    missing = []
    for term in own_terms(ontology):
        labels = [label for label in ontology.objects(term, RDFS.label) if language_of(label) == "en"]
        definitions = [d for d in ontology.objects(term, SKOS.definition) if language_of(d) == "en"]
        if len(labels) != 1 or len(definitions) != 1:
            missing.append(term)
    assert missing == []


def test_every_class_and_property_is_aligned_or_declared(ontology: Graph) -> None:
    classes = set(ontology.subjects(RDF.type, OWL.Class)) & own_terms(ontology)
    assert {c for c in classes if ontology.value(c, RDFS.subClassOf) is None} == set()
    declared = {t for kind in TERM_TYPES for t in ontology.subjects(RDF.type, kind)}
    schemes = {t for t in own_terms(ontology) if (t, RDF.type, SKOS.ConceptScheme) in ontology}
    concepts = {t for t in own_terms(ontology) if ontology.value(t, SKOS.inScheme) is not None}
    assert own_terms(ontology) - declared - schemes - concepts == set()


def test_no_equivalence_and_schema_org_over_https_only(ontology: Graph) -> None:
    assert list(ontology.triples((None, OWL.equivalentClass, None))) == []
    assert list(ontology.triples((None, OWL.equivalentProperty, None))) == []
    assert [t for t in ontology if any(str(term).startswith("http://schema.org/") for term in t)] == []


def test_the_python_namespace_lists_exactly_the_ontology_terms(ontology: Graph) -> None:
    declared = {str(term).removeprefix(str(BKG._NS)) for term in own_terms(ontology)}
    assert set(BKG.__annotations__) == declared


def test_every_class_the_data_uses_has_a_node_shape(sources: Sources, ontology: Graph) -> None:
    shapes = graph_of(sources.shapes)
    targeted = set(shapes.objects(None, SH.targetClass))
    used = {value_of(quad.object) for quad in sources.data if quad.predicate.value == str(RDF.type)}
    uncovered = {cls for cls in used if not targeted & set(ontology.transitive_objects(URIRef(cls), RDFS.subClassOf))}
    assert uncovered == set()
