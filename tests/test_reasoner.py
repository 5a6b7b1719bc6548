"""The ontology is OWL 2 DL, and a DL reasoner (HermiT, through owlready2, on Debian's Java) finds it consistent,
alone and with the shipped data, with no unsatisfiable class.

OWL 2's datatype map has no xsd:gYear, xsd:gYearMonth or xsd:date, the precisions biokg keeps dates at; the data
goes to the reasoner with each such date as the xsd:dateTime that starts it (its lower bound), which the reasoner
reads and which keeps every comparison the ontology could make.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import owlready2  # type: ignore[import-untyped]
import pyoxigraph as ox
import pytest

from biokg.namespaces import PREFIXES
from biokg.sources import Sources

pytestmark = pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java (CI installs it)")
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
OWL, XSD = PREFIXES["owl"], PREFIXES["xsd"]
KINDS = {ox.NamedNode(OWL + kind) for kind in ("Class", "ObjectProperty", "DatatypeProperty", "AnnotationProperty")}
BUILT_IN = (PREFIXES["rdf"], PREFIXES["rdfs"], OWL, XSD)
_START = {"gYear": "-01-01T00:00:00", "gYearMonth": "-01T00:00:00", "date": "T00:00:00"}


def as_owl(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples with each date at a precision OWL 2 lacks written as the xsd:dateTime it starts at."""
    written = []
    for triple in triples:
        value = triple.object
        if isinstance(value, ox.Literal) and value.datatype.value.removeprefix(XSD) in _START:
            start = value.value + _START[value.datatype.value.removeprefix(XSD)]
            value = ox.Literal(start, datatype=ox.NamedNode(XSD + "dateTime"))
        written.append(ox.Triple(triple.subject, triple.predicate, value))
    return written


def reasoned(triples: Iterable[ox.Triple], folder: Path) -> owlready2.World:
    """A world holding the triples, after HermiT has classified it (an inconsistency raises)."""
    path = folder / "input.nt"
    path.write_bytes(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
    world = owlready2.World()
    ontology = world.get_ontology(path.as_uri()).load(format="ntriples")
    with ontology:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    return world


def kinds_of(triples: Iterable[ox.Triple]) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    kinds: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for triple in triples:
        if triple.predicate == RDF_TYPE and triple.object in KINDS and isinstance(triple.subject, ox.NamedNode):
            kinds.setdefault(triple.subject, set()).add(triple.object)  # type: ignore[arg-type]
    return kinds


@pytest.fixture(scope="module")
def ontology(sources: Sources) -> list[ox.Triple]:
    return [quad.triple for quad in sources.ontology]


def test_no_term_has_two_kinds(ontology: list[ox.Triple]) -> None:
    """No punning: a class is not also a property, an object property not also a datatype property."""
    assert {term.value: kinds for term, kinds in kinds_of(ontology).items() if len(kinds) > 1} == {}


def test_every_term_the_ontology_and_the_data_use_is_declared(ontology: list[ox.Triple], sources: Sources) -> None:
    declared = kinds_of(ontology)
    used: set[ox.NamedNode] = set()
    for triple in [*ontology, *(quad.triple for quad in sources.data)]:
        used.add(triple.predicate)
        if triple.predicate.value.endswith(("#type", "#subClassOf")) and isinstance(triple.object, ox.NamedNode):
            used.add(triple.object)
    undeclared = {term.value for term in used if not term.value.startswith(BUILT_IN)} - {t.value for t in declared}
    assert undeclared == set()


def test_every_term_of_biokg_is_defined_by_the_ontology(ontology: list[ox.Triple]) -> None:
    defined_by = ox.NamedNode(PREFIXES["rdfs"] + "isDefinedBy")
    terms = {
        t.subject
        for t in ontology
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(PREFIXES["bkg"])
    }
    defined = {t.subject for t in ontology if t.predicate == defined_by}
    assert {str(term) for term in terms - defined} == set()


def test_the_ontology_is_consistent_with_no_unsatisfiable_class(ontology: list[ox.Triple], tmp_path: Path) -> None:
    world = reasoned(ontology, tmp_path)
    assert list(world.inconsistent_classes()) == []


def test_the_ontology_with_the_data_is_consistent(
    ontology: list[ox.Triple], sources: Sources, tmp_path: Path
) -> None:
    data = as_owl(quad.triple for quad in sources.data)
    world = reasoned([*ontology, *data], tmp_path)
    assert list(world.inconsistent_classes()) == []
    person = world.search_one(iri=PREFIXES["bkg"] + "Person")
    assert person is not None and {p.name for p in person.instances()} == {"horst-domdey", "shizuko-akira"}


def test_the_reasoner_finds_a_person_who_is_an_organisation_inconsistent(
    ontology: list[ox.Triple], sources: Sources, tmp_path: Path
) -> None:
    """The disjointness axioms bite: the same data with one person typed an organisation is refused."""
    person = ox.NamedNode("https://w3id.org/biokg/id/person/horst-domdey")
    wrong = ox.Triple(person, RDF_TYPE, ox.NamedNode(PREFIXES["bkg"] + "Organization"))
    data = as_owl([*(quad.triple for quad in sources.data), wrong])
    with pytest.raises(owlready2.OwlReadyInconsistentOntologyError):
        reasoned([*ontology, *data], tmp_path)
