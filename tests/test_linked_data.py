"""Linked data over HTTP: every entity dereferences in every format to the same description, with negotiation,
caching headers, HTML pages, the ontology at its IRI, VoID and dumps."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import SEED, value_of
from fastapi.testclient import TestClient
from rdflib.compare import isomorphic

from biokg.config import Settings
from biokg.dataset import ensure_loaded
from biokg.formats import FORMATS
from biokg.linked.description import describe
from biokg.linked.dumps import dump_name, make_dump
from biokg.sources import load_sources
from biokg.store import EmbeddedStore, SelectResult, open_store

BASE = "https://w3id.org/biokg/"
ID = BASE + "id/"
BIOM = ID + "organization/biom"
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}
EXTENSIONS = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
    "html": "text/html",
}


def shipped_entities() -> list[str]:
    store = open_store(Settings())
    assert isinstance(store, EmbeddedStore)
    ensure_loaded(store, load_sources(SEED))
    answer = store.query(
        f'SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "{ID}")) }} ORDER BY ?s'
    )
    assert isinstance(answer, SelectResult)
    return [value_of(row[0]) for row in answer.rows]


ENTITIES = shipped_entities()


def parsed(response_text: str, rdflib_format: str) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=response_text, format=rdflib_format)
    return graph


def test_the_shipped_data_has_entities_to_dereference() -> None:
    assert len(ENTITIES) == 43
    assert BIOM in ENTITIES


@pytest.mark.parametrize("iri", ENTITIES)
def test_every_entity_dereferences_in_every_format_to_the_same_description(client: TestClient, iri: str) -> None:
    path = "/" + iri[len(BASE) :]
    reference = parsed(client.get(path, headers={"Accept": "application/n-triples"}).text, "nt")
    assert (rdflib.URIRef(iri), None, None) in reference
    for media_type, rdflib_format in RDF_TYPES.items():
        response = client.get(path, headers={"Accept": media_type})
        assert response.status_code == 200
        assert response.headers["content-type"].split(";")[0] == media_type
        assert isomorphic(parsed(response.text, rdflib_format), reference), media_type
    trig = client.get(path, headers={"Accept": "application/trig"}).content
    quads = list(ox.parse(trig, format=ox.RdfFormat.TRIG))
    assert all(isinstance(quad.graph_name, ox.NamedNode) for quad in quads)
    merged = ox.serialize(list(dict.fromkeys(quad.triple for quad in quads)), format=ox.RdfFormat.N_TRIPLES)
    assert merged is not None
    assert isomorphic(parsed(merged.decode(), "nt"), reference)


def test_the_description_has_outgoing_and_incoming_statements_with_their_source_graph(client: TestClient) -> None:
    trig = client.get("/id/person/horst-domdey.trig").text
    quads = set(ox.parse(trig.encode(), format=ox.RdfFormat.TRIG))
    press = ox.NamedNode(BASE + "graph/biom-osaka-partnership-renewal-2022")
    domdey = ox.NamedNode(ID + "person/horst-domdey")
    assert ox.Quad(domdey, ox.NamedNode("https://schema.org/familyName"), ox.Literal("Domdey"), press) in quads
    assert (
        ox.Quad(ox.NamedNode(ID + "post/biom-ceo"), ox.NamedNode("http://www.w3.org/ns/org#heldBy"), domdey, press)
        in quads
    )
    label = ox.Quad(
        ox.NamedNode(ID + "post/biom-ceo"),
        ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        ox.Literal("CEO of BioM Biotech Cluster Development GmbH", language="en"),
        press,
    )
    assert label in quads


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("text/turtle;q=0.9, application/ld+json", "application/ld+json"),
        ("application/ld+json;q=0.5, text/turtle", "text/turtle"),
        ("*/*", "text/turtle"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("application/rdf+xml, text/html;q=0.1", "application/rdf+xml"),
    ],
)
def test_quality_values_are_honoured(client: TestClient, accept: str, media_type: str) -> None:
    response = client.get("/id/organization/biom", headers={"Accept": accept})
    assert response.headers["content-type"].split(";")[0] == media_type


def test_headers_name_the_document_and_its_alternates(client: TestClient) -> None:
    response = client.get("/id/organization/biom", headers={"Accept": "text/turtle"})
    assert response.headers["content-location"] == "/id/organization/biom.ttl"
    assert "Accept" in response.headers["vary"]
    assert '</id/organization/biom.jsonld>; rel="alternate"; type="application/ld+json"' in response.headers["link"]
    assert '</id/organization/biom.html>; rel="alternate"; type="text/html"' in response.headers["link"]


@pytest.mark.parametrize(("extension", "media_type"), sorted(EXTENSIONS.items()))
def test_an_extension_picks_the_format(client: TestClient, extension: str, media_type: str) -> None:
    response = client.get(f"/id/organization/biom.{extension}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == media_type
    assert response.headers["content-location"] == f"/id/organization/biom.{extension}"


def test_an_unknown_iri_is_404_with_a_page_for_people(client: TestClient) -> None:
    plain = client.get("/id/organization/no-such-thing", headers={"Accept": "text/turtle"})
    assert (plain.status_code, plain.text) == (
        404,
        f"the graph holds nothing about <{ID}organization/no-such-thing>\n",
    )
    page = client.get("/id/organization/no-such-thing", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "<h1>Not found</h1>" in page.text


def test_etag_and_last_modified_answer_304(client: TestClient) -> None:
    first = client.get("/id/organization/biom.ttl")
    again = client.get("/id/organization/biom.ttl", headers={"If-None-Match": first.headers["etag"]})
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == first.headers["etag"]
    changed = client.get("/id/organization/biom.ttl", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200
    since = client.get("/id/organization/biom.ttl", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    other_format = client.get("/id/organization/biom.nt", headers={"If-None-Match": first.headers["etag"]})
    assert other_format.status_code == 200


def test_the_html_page_has_the_label_labelled_properties_sources_and_local_links(client: TestClient) -> None:
    page = client.get("/id/organization/biom", headers={"Accept": "text/html"}).text
    assert "<title>BioM Biotech Cluster Development GmbH · biokg</title>" in page
    assert '<a href="/ontology#ClusterManagementOrganization">cluster management organisation</a>' in page
    assert '<a href="/id/place/city/2867714">Munich</a>' in page
    assert '<a href="/ontology#sector" title="https://w3id.org/biokg/ontology#sector">sector</a>' in page
    assert (
        'Die Netzwerkorganisation der Biotechnologiebranche in München und Bayern. <span class="lang">@de</span>'
        in page
    )
    assert (
        '<a href="/graph/biom-osaka-partnership-renewal-2022">'
        "Osaka and Munich continue their successful partnership</a> (2022)" in page
    )
    assert '<a href="/id/organization/biom.ttl">Turtle</a>' in page
    assert "<h2>Referred to by</h2>" in page
    assert '<a href="/id/organization/inqlab">inQlab</a>' in page


def test_the_home_page_lists_classes_with_counts_and_the_ways_in(client: TestClient) -> None:
    page = client.get("/").text
    statistic = "/browse?class=https%3A//w3id.org/biokg/ontology%23Statistic"
    definition = '<a class="muted" href="/ontology#Statistic" title="the class in the ontology">(definition)</a>'
    assert f'<tr><td><a href="{statistic}">statistic</a> {definition}</td><td>4</td></tr>' in page
    for link in (
        'href="/sparql"',
        'href="/queries"',
        'href="/dumps/"',
        'href="/.well-known/void"',
        'href="/ontology"',
    ):
        assert link in page


def test_the_ontology_iri_gives_documentation_to_browsers_and_turtle_to_rdf_clients(client: TestClient) -> None:
    html = client.get("/ontology", headers={"Accept": "text/html"})
    assert html.headers["content-type"] == "text/html; charset=utf-8"
    assert '<section id="Company">' in html.text
    assert "A commercial business." in html.text
    turtle = client.get("/ontology", headers={"Accept": "text/turtle"})
    graph = parsed(turtle.text, "turtle")
    ontology = rdflib.Namespace(BASE + "ontology#")
    assert (ontology.Company, rdflib.RDFS.subClassOf, ontology.FormalOrganization) in graph
    classes = {
        term for term in graph.subjects(rdflib.RDF.type, rdflib.OWL.Class) if str(term).startswith(str(ontology))
    }
    for term in classes:
        assert f'<section id="{str(term).split("#")[1]}">' in html.text
    assert '<section id="org-Post">' in html.text  # the external terms, declared, have a section each
    person = html.text.split('<section id="Person">')[1].split("</section>")[0]
    assert (
        '<tr><th>disjoint with</th><td><ul class="values"><li><a href="/ontology#Organization">organisation</a>'
        in person
    )
    predecessor = html.text.split('<section id="predecessor">')[1].split("</section>")[0]
    assert '<tr><th>inverse of</th><td><a href="/ontology#successor">successor</a></td></tr>' in predecessor
    shapes = client.get("/shapes.ttl")
    assert (rdflib.URIRef(BASE + "shapes"), rdflib.OWL.imports, rdflib.URIRef(BASE + "ontology")) in parsed(
        shapes.text, "turtle"
    )
    assert client.get("/shapes", headers={"Accept": "text/html"}).status_code == 200


def test_void_describes_the_dataset(client: TestClient) -> None:
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    graph = parsed(response.text, "turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = rdflib.URIRef(BASE + "dataset")
    triples = graph.value(dataset, void.triples)
    assert isinstance(triples, rdflib.Literal)
    assert int(triples) == client.app.state.context.triples  # type: ignore[attr-defined]
    assert graph.value(dataset, void.sparqlEndpoint) == rdflib.URIRef("http://testserver/sparql")
    assert set(graph.objects(dataset, void.dataDump)) == {
        rdflib.URIRef(f"http://testserver/dumps/biokg.{ext}.gz") for ext in ("ttl", "nt", "trig")
    }
    assert len(set(graph.objects(dataset, void.subset))) == 7
    assert graph.value(dataset, rdflib.DCTERMS.license) == rdflib.URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


def test_dumps_hold_the_whole_dataset_and_match_biokg_export(client: TestClient, tmp_path: Path) -> None:
    response = client.get("/dumps/biokg.trig.gz")
    assert response.headers["content-type"] == "application/gzip"
    quads = list(ox.parse(gzip.decompress(response.content), format=ox.RdfFormat.TRIG))
    assert len(set(quads)) == client.app.state.context.triples  # type: ignore[attr-defined]
    again = client.get("/dumps/biokg.trig.gz", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    assert client.get("/dumps/biokg.zip").status_code == 404
    result = subprocess.run(
        [sys.executable, "-m", "biokg", "export", "--dumps", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("biokg.ttl.gz", "biokg.nt.gz", "biokg.trig.gz"):
        assert (tmp_path / name).read_bytes() == client.get(f"/dumps/{name}").content


def test_the_jsonld_context_is_served_at_a_stable_url(client: TestClient) -> None:
    context = client.get("/context.jsonld").json()["@context"]
    assert context["organization"] == ID + "organization/"


@pytest.mark.parametrize(("pointing", "more"), [(100, False), (101, True)])
def test_a_description_holds_the_first_hundred_statements_pointing_at_a_resource(pointing: int, more: bool) -> None:
    store = ox.Store()
    target, graph = ox.NamedNode("urn:test:target"), ox.NamedNode(BASE + "graph/test")
    store.add(ox.Quad(target, ox.NamedNode("urn:test:name"), ox.Literal("target"), graph))
    store.extend(
        ox.Quad(ox.NamedNode(f"urn:test:s{number:03}"), ox.NamedNode("urn:test:refers"), target, graph)
        for number in range(pointing)
    )

    def fetch(text: str, _rows: int) -> bytes:
        solutions = store.query(text)
        assert isinstance(solutions, ox.QuerySolutions)
        return solutions.serialize(format=ox.QueryResultsFormat.JSON) or b""

    description = describe(target, fetch)
    assert [value_of(quad.subject) for quad in description.incoming] == [f"urn:test:s{n:03}" for n in range(100)]
    assert description.more_incoming is more


@pytest.mark.parametrize("name", ["biokg.ttl.gz", "biokg.nt.gz", "biokg.trig.gz"])
def test_a_dump_is_the_same_bytes_in_whatever_order_the_store_gives_its_statements(name: str) -> None:
    sources = load_sources()
    quads = sorted({*sources.ontology, *sources.shapes, *sources.data}, key=str)
    fmt = next(fmt for fmt in FORMATS if dump_name(fmt) == name)
    assert make_dump(quads, fmt) == make_dump(list(reversed(quads)), fmt)
