"""biokg's validator against pySHACL, the reference: the same findings on every invalid fixture and on generated
graphs with violations of many kinds injected; incremental validation of a load against validation of all."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest
from reference_validator import reference_findings

from biokg.dataset import load_quads, load_validated
from biokg.errors import NonConformingDataError, UnsupportedShapeError
from biokg.sources import Sources, parse_file
from biokg.store import EmbeddedStore
from biokg.validation import Finding, Validator, validate_quads

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FIXTURES = sorted((Path(__file__).parent / "shapes" / "invalid").glob("*.ttl"))
ID = "https://w3id.org/biokg/id/"
PREFIXES = """PREFIX bkg: <https://w3id.org/biokg/ontology#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX id: <https://w3id.org/biokg/id/>
"""
INJECTED = {
    "label removed": "DELETE WHERE { id:organization\\/org-1 rdfs:label ?label }",
    "label without a language": 'INSERT DATA { id:organization\\/org-2 rdfs:label "no language" }',
    "organisation IRI off the pattern": 'INSERT DATA { <https://w3id.org/biokg/id/organization/Bad_Org> a bkg:Company ; rdfs:label "Bad"@en }',
    "founding year as an integer": "DELETE { ?o bkg:foundingYear ?y } INSERT { ?o bkg:foundingYear 1990 } WHERE { VALUES ?o { id:organization\\/org-3 } ?o bkg:foundingYear ?y }",
    "two legal names": 'INSERT DATA { id:organization\\/org-4 schema:legalName "One GmbH", "Two GmbH" }',
    "location not a place": "INSERT DATA { id:organization\\/org-5 schema:location id:person\\/p-5-ceo }",
    "sector outside the scheme": "INSERT DATA { id:organization\\/org-6 bkg:sector bkg:Signatory }",
    "ROR id off the pattern": 'INSERT DATA { id:organization\\/org-7 bkg:rorId "https://ror.org/02jet3w32" }',
    "registry status not listed": 'INSERT DATA { id:organization\\/org-8 bkg:registryStatus "closed" }',
    "homepage as a string": 'INSERT DATA { id:organization\\/org-9 <http://xmlns.com/foaf/0.1/homepage> "https://example.org" }',
    "signing date at another precision": 'DELETE { ?s bkg:date ?d } INSERT { ?s bkg:date "2001-05-06T00:00:00"^^xsd:dateTime } WHERE { VALUES ?s { id:signing\\/a-1-0 } ?s bkg:date ?d }',
    "two members of a holding": "INSERT DATA { id:holding\\/org-3-ceo org:member id:person\\/p-3-president }",
    "renewal number zero": 'DELETE { ?s bkg:renewalNumber ?n } INSERT { ?s bkg:renewalNumber "0"^^xsd:nonNegativeInteger } WHERE { VALUES ?s { id:signing\\/a-3-1 } ?s bkg:renewalNumber ?n }',
    "renewal number as text": 'DELETE { ?s bkg:renewalNumber ?n } INSERT { ?s bkg:renewalNumber "two" } WHERE { VALUES ?s { id:signing\\/a-4-2 } ?s bkg:renewalNumber ?n }',
    "signing of no agreement": "DELETE WHERE { id:signing\\/a-5-1 bkg:signingOf ?agreement }",
    "first signing with a renewal number": 'INSERT DATA { id:signing\\/a-6-0 bkg:renewalNumber "1"^^xsd:nonNegativeInteger }',
    "two first signings": "INSERT DATA { id:signing\\/a-7-1 a bkg:FirstSigning }",
    "agent not a person": "DELETE { ?a prov:agent ?p } INSERT { ?a prov:agent id:organization\\/org-8 } WHERE { VALUES ?a { id:association\\/a-8-0-1 } ?a prov:agent ?p }",
    "signatory without a post in a party": "DELETE WHERE { id:post\\/org-9-ceo org:heldBy ?person }",
    "schema.org over http": 'INSERT DATA { id:organization\\/org-10 <http://schema.org/name> "Old schema" }',
    "statistic qualifier not listed": "DELETE { ?s bkg:qualifier ?q } INSERT { ?s bkg:qualifier bkg:Roughly } WHERE { VALUES ?s { id:statistic\\/org-11-formations } ?s bkg:qualifier ?q }",
    "ill-formed date": 'DELETE { ?s bkg:date ?d } INSERT { ?s bkg:date "2011-13-40"^^xsd:date } WHERE { VALUES ?s { id:signing\\/a-12-1 } ?s bkg:date ?d }',
    "a title in a person's label": 'INSERT DATA { id:person\\/p-13-ceo rdfs:label "Dr. Person 13"@de }',
    "post without its organisation": "DELETE WHERE { id:post\\/org-14-president org:postIn ?org }",
    "renewal before the first signing": 'DELETE { ?s bkg:date ?d } INSERT { ?s bkg:date "1990"^^xsd:gYear } WHERE { VALUES ?s { id:signing\\/a-13-1 } ?s bkg:date ?d }',
    "two renewals with one number": 'DELETE { ?s bkg:renewalNumber ?n } INSERT { ?s bkg:renewalNumber "1"^^xsd:nonNegativeInteger } WHERE { VALUES ?s { id:signing\\/a-0-2 } ?s bkg:renewalNumber ?n }',
    "signatory for a non-party": "DELETE { ?a bkg:onBehalfOf ?o } INSERT { ?a bkg:onBehalfOf id:organization\\/org-0 } WHERE { VALUES ?a { id:association\\/a-14-0-1 } ?a bkg:onBehalfOf ?o }",
    "holding that ends before it starts": 'INSERT DATA { id:holding\\/org-5-president bkg:endDate "1980"^^xsd:gYear }',
    "misspelt class": "INSERT DATA { id:organization\\/org-6 a bkg:Compnay }",
    "statistic value outside its bounds": 'INSERT DATA { id:statistic\\/org-7-formations schema:value "1"^^xsd:nonNegativeInteger }',
}
"""Kinds of violation injected into a generated graph that conforms, one SPARQL update each."""


def as_stored(quads: list[ox.Quad]) -> list[ox.Quad]:
    """The quads as Oxigraph stores them (a count typed xsd:nonNegativeInteger reads back as xsd:integer)."""
    store = ox.Store()
    store.bulk_extend(quads)
    return list(store)


def shown(findings: set[Finding] | tuple[Finding, ...]) -> set[tuple[str, str, str, str | None, str | None, str]]:
    return {(f.severity, f.shape, str(f.focus), f.path, f.value, f.message) for f in findings}


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[ox.Quad]:
    """A generated graph of about 2,000 triples that conforms to the shapes."""
    generator = Path(__file__).parent.parent / "benchmarks" / "generate.py"
    spec = importlib.util.spec_from_file_location("generate", generator)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = tmp_path_factory.mktemp("generated") / "synthetic.trig"
    module.generate(2_000, path)
    return as_stored(parse_file(path))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture.stem for fixture in FIXTURES])
def test_the_validator_finds_what_pyshacl_finds_on_every_invalid_fixture(fixture: Path, sources: Sources) -> None:
    data = as_stored([*sources.data, *parse_file(fixture)])
    found = validate_quads(data, sources.shapes, sources.ontology).findings
    assert found
    assert shown(found) == shown(reference_findings(data, sources.shapes, sources.ontology))


def test_a_generated_graph_conforms_for_both(generated: list[ox.Quad], sources: Sources) -> None:
    assert validate_quads(generated, sources.shapes, sources.ontology).findings == ()
    assert reference_findings(generated, sources.shapes, sources.ontology) == set()


def injected(generated: list[ox.Quad], *kinds: str) -> list[ox.Quad]:
    """The generated graph with the violations of `kinds` injected (each touches nodes of its own)."""
    store = ox.Store()  # in the default graph, where the update reads and writes: validation merges graphs anyway
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in generated)
    for kind in kinds:
        store.update(PREFIXES + INJECTED[kind])
    return list(store)


@pytest.mark.parametrize("kind", sorted(INJECTED))
def test_each_injected_violation_is_found(kind: str, generated: list[ox.Quad], sources: Sources) -> None:
    assert validate_quads(injected(generated, kind), sources.shapes, sources.ontology).findings


def test_the_validator_finds_what_pyshacl_finds_on_every_injected_violation(
    generated: list[ox.Quad], sources: Sources
) -> None:
    """All kinds in one graph, for one pySHACL run (about 13 s on this graph, where biokg takes a tenth of one)."""
    data = injected(generated, *INJECTED)
    found = validate_quads(data, sources.shapes, sources.ontology).findings
    assert shown(found) == shown(reference_findings(data, sources.shapes, sources.ontology))


@pytest.mark.parametrize("fixture", FIXTURES, ids=[fixture.stem for fixture in FIXTURES])
def test_a_load_validates_what_it_changes_as_a_whole_validation_would(
    fixture: Path, sources: Sources, tmp_path: Path
) -> None:
    store = EmbeddedStore()
    load_validated(store, sources)
    before = sorted(store.quads(), key=str)
    added = parse_file(fixture, graph="https://w3id.org/biokg/graph/fixture")
    with pytest.raises(NonConformingDataError) as refused:
        load_quads(store, added, sources)
    whole = validate_quads([*sources.data, *added], sources.shapes, sources.ontology)
    assert shown(refused.value.report.findings) == shown(whole.findings)
    assert sorted(store.quads(), key=str) == before


def test_an_ill_formed_year_is_refused_where_pyshacl_takes_it(generated: list[ox.Quad], sources: Sources) -> None:
    """SHACL's sh:datatype refuses an ill-formed literal; rdflib, under pySHACL, checks dates but not years."""
    year = ox.NamedNode("https://w3id.org/biokg/ontology#foundingYear")
    organisation = ox.NamedNode(ID + "organization/org-12")
    data = [quad for quad in generated if not (quad.subject == organisation and quad.predicate == year)]
    data.append(ox.Quad(organisation, year, ox.Literal("nineteen", datatype=ox.NamedNode(XSD + "gYear"))))
    found = validate_quads(data, sources.shapes, sources.ontology).findings
    assert [(f.shape, f.value) for f in found] == [
        ("bkgsh:OrganizationShape (bkg:foundingYear)", f'"nineteen"^^<{XSD}gYear>')
    ]
    assert reference_findings(data, sources.shapes, sources.ontology) == set()


def test_a_shape_using_shacl_the_validator_does_not_compile_is_refused_naming_it(sources: Sources) -> None:
    extra = ox.parse(
        b"@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
        b"<urn:shape> sh:targetClass <urn:class> ; sh:property [ sh:path <urn:p> ; sh:qualifiedValueShape [] ] .",
        format=ox.RdfFormat.TURTLE,
    )
    with pytest.raises(UnsupportedShapeError, match=r"uses sh:qualifiedValueShape, which biokg's validator"):
        Validator([*sources.shapes, *extra], sources.ontology)


@pytest.mark.parametrize(
    "removed",
    ["http://www.w3.org/ns/org#heldBy", "http://www.w3.org/ns/org#postIn", "https://w3id.org/biokg/ontology#party"],
)
def test_a_load_that_removes_statements_validates_the_nodes_that_reach_them(sources: Sources, removed: str) -> None:
    """A post that no longer says who holds it, or where: the signing it signs for, three steps away, breaks."""
    store = EmbeddedStore()
    load_validated(store, sources)
    graph = ox.NamedNode("https://w3id.org/biokg/graph/biom-osaka-partnership-renewal-2022")
    replaced = [quad for quad in store.quads() if quad.graph_name == graph and quad.predicate.value != removed]
    kept = [quad for quad in sources.data if quad.graph_name != graph]
    whole = validate_quads([*kept, *replaced], sources.shapes, sources.ontology)
    assert not whole.conforms
    with pytest.raises(NonConformingDataError) as refused:
        load_quads(store, replaced, sources)
    assert shown(refused.value.report.findings) == shown(whole.findings)


def test_every_shacl_parameter_the_validator_compiles_finds_what_pyshacl_finds() -> None:
    """Closed shapes, string lengths, languages, logical constraints, every kind of target and path, severity and
    deactivation, on data that breaks each (tests/shapes/features/)."""
    folder = Path(__file__).parent / "shapes" / "features"
    shapes = parse_file(folder / "shapes.ttl")
    data = as_stored(parse_file(folder / "data.ttl"))
    found = validate_quads(data, shapes, [])
    assert len(found.findings) >= 20
    assert {finding.severity for finding in found.findings} == {"Violation", "Warning"}
    assert not any("never checked" in finding.message for finding in found.findings)
    assert shown(found.findings) == shown(reference_findings(data, shapes, []))


def test_a_change_of_type_alone_reaches_the_nodes_that_meet_it_in_a_sparql_constraint(sources: Sources) -> None:
    """A renewal typed a first signing too: the agreement's first signing, which points at neither the renewal
    nor anything it changes, breaks as well (they meet at the agreement)."""
    store = EmbeddedStore()
    load_validated(store, sources)
    graph = ox.NamedNode("https://w3id.org/biokg/graph/biom-osaka-partnership-renewal-2022")
    renewal = ox.NamedNode(ID + "signing/munich-osaka-partnership-2022")
    first_signing = ox.NamedNode("https://w3id.org/biokg/ontology#FirstSigning")
    retyped = [*(q for q in store.quads() if q.graph_name == graph), ox.Quad(renewal, RDF_TYPE, first_signing, graph)]
    kept = [quad for quad in sources.data if quad.graph_name != graph]
    whole = validate_quads([*kept, *retyped], sources.shapes, sources.ontology)
    assert len({finding.focus for finding in whole.findings if finding.shape == "bkgsh:FirstSigningShape"}) == 2
    with pytest.raises(NonConformingDataError) as refused:
        load_quads(store, retyped, sources)
    assert shown(refused.value.report.findings) == shown(whole.findings)
