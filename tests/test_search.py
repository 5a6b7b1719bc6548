"""Finding and browsing over real HTTP: the text index's API, its SPARQL service, the CLI, class listings, graph
pages and the dataset's page, over the seed with the ROR fixture imported (companies in Bavaria and Osaka,
Japanese names), served by `biokg serve`."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import ROR_FIXTURE, SEED, seed_with_ror
from SPARQLWrapper import JSON, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from biokg.dataset import ensure_loaded
from biokg.ror.importer import import_ror
from biokg.search import SearchIndex
from biokg.sources import load_sources
from biokg.store import EmbeddedStore

ID = "https://w3id.org/biokg/id/"
BKG = "https://w3id.org/biokg/ontology#"
SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
SEARCH = """PREFIX search: <https://w3id.org/biokg/search#>
PREFIX bkg: <https://w3id.org/biokg/ontology#>
SELECT ?org ?label ?score WHERE {
  SERVICE <https://w3id.org/biokg/search> {
    ?org search:query "pharma" ; search:class bkg:Company ;
         search:label ?label ; search:score ?score .
  }
} ORDER BY DESC(?score) ?label"""


def get(base: str, path: str, accept: str = "*/*") -> tuple[int, str, str]:
    """Status, content type and text of a GET on the server."""
    request = urllib.request.Request(base + path, headers={"Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["content-type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["content-type"], error.read().decode()


def found(base: str, **parameters: str) -> list[tuple[str, str, str | None, int, str]]:
    status, _, body = get(base, "/api/search?" + urllib.parse.urlencode(parameters))
    assert status == 200, body
    return [
        (hit["page"], hit["label"], hit["classLabel"], hit["score"], hit["matched"])
        for hit in json.loads(body)["results"]
    ]


def test_exact_names_come_before_prefixes_words_and_parts(served: str) -> None:
    assert found(served, q="biom", limit="4") == [
        (
            "/id/organization/biom",
            "BioM Biotech Cluster Development GmbH",
            "cluster management organisation",
            39,
            "BioM",
        ),
        ("/ontology#Biomedicine", "biomedicine", "concept", 30, "biomedicine"),
        (
            "/id/event/biom-trade-missions-to-japan",
            "BioM trade missions to Japan",
            "trade mission series",
            30,
            "BioM trade missions to Japan",
        ),
        (
            "/id/coordination/biom-m4-award",
            "BioM coordinates the m4 Award",
            "coordination",
            30,
            "BioM coordinates the m4 Award",
        ),
    ]
    words = found(served, q="therapieforschung")
    assert words == [
        (
            "/id/organization/ror-012peaf20",
            "GKM Gesellschaft für Therapieforschung mbH (Germany)",
            "company",
            20,
            "GKM Gesellschaft für Therapieforschung mbH",  # its name in German: the shorter name that matches
        ),
    ]
    parts = found(served, q="apieforsch")  # inside a word: the trigram index
    assert [hit[0] for hit in parts] == ["/id/organization/ror-012peaf20"] and parts[0][3] == 10


def test_ror_companies_in_bavaria_and_osaka_by_class_and_country(served: str) -> None:
    companies = found(served, q="pharma", **{"class": "bkg:Company"})
    assert [(page, label) for page, label, *_ in companies] == [
        ("/id/organization/ror-03ygjjd25", "Protina Pharmazeutische GmbH (Germany)"),
        ("/id/organization/ror-009hsm219", "Sawai Pharmaceutical Co., Ltd. (Japan)"),
    ]
    in_japan = found(served, q="pharma", country="country:jp", **{"class": BKG + "Company"})
    assert [label for _, label, *_ in in_japan] == ["Sawai Pharmaceutical Co., Ltd. (Japan)"]
    assert [label for _, label, *_ in found(served, q="tubulis")] == ["Tubulis (Germany)"]


def test_japanese_names_case_and_accents(served: str) -> None:
    assert found(served, q="京都") == [
        ("/id/organization/ror-02kpeqv85", "Kyoto University", "educational organisation", 30, "京都大学"),
        (
            "/id/organization/ror-0035da546",
            "Academic Center for Computing and Media Studies, Kyoto University",
            "research facility",
            30,
            "京都大学学術情報メディアセンター",
        ),
    ]
    assert found(served, q="京都大学")[0][3:] == (40, "京都大学")
    assert found(served, q="KYOTO DAIGAKU") == [
        ("/id/organization/ror-02kpeqv85", "Kyoto University", "educational organisation", 39, "Kyōto daigaku")
    ]
    assert found(served, q="munchen", limit="1") == [("/id/place/city/2867714", "Munich", "city", 40, "München")]


def test_bad_parameters_are_refused_with_a_message(served: str) -> None:
    status, _, body = get(served, "/api/search?q=biom&limit=500")
    assert status == 422 and "limit" in body
    status, _, body = get(served, "/api/search")
    assert status == 422 and '"q"' in body


def test_a_sparql_query_searches_through_the_service(served: str) -> None:
    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery(SEARCH)
    client.setReturnFormat(JSON)
    answer = client.queryAndConvert()
    assert isinstance(answer, dict)
    rows = [
        (row["org"]["value"], row["label"]["value"], row["score"]["value"]) for row in answer["results"]["bindings"]
    ]
    assert rows == [
        (ID + "organization/ror-03ygjjd25", "Protina Pharmazeutische GmbH (Germany)", "20"),
        (ID + "organization/ror-009hsm219", "Sawai Pharmaceutical Co., Ltd. (Japan)", "20"),
    ]
    assert answer["results"]["bindings"][0]["label"]["xml:lang"] == "und"


def test_a_search_clause_that_cannot_be_read_is_refused_at_its_line(served: str) -> None:
    client = SPARQLWrapper(f"{served}/sparql")
    client.setQuery(SEARCH.replace("search:label", "search:name"))
    with pytest.raises(QueryBadFormed) as refused:
        client.query()
    assert "line 4, column 3: in SERVICE <https://w3id.org/biokg/search>: search:name is not a search term" in str(
        refused.value
    )
    status, _, body = get(served, "/sparql?" + urllib.parse.urlencode({"query": SEARCH.replace('"pharma"', "?text")}))
    assert status == 400
    assert body == (
        "malformed SPARQL query: line 4, column 3: in SERVICE <https://w3id.org/biokg/search>: search:query ?text "
        "is not bound: give a string, or bind ?text with VALUES\n"
    )


def test_the_canned_search_query_asks_the_index(served: str) -> None:
    status, _, body = get(served, "/api/queries/search?" + urllib.parse.urlencode({"text": "sawai", "format": "csv"}))
    assert status == 200
    assert body == (
        "resource,label,class,score\r\n"
        f'{ID}organization/ror-009hsm219,"Sawai Pharmaceutical Co., Ltd. (Japan)",{BKG}Company,30\r\n'
    )


def test_the_cli_searches_a_store(tmp_path: Path) -> None:
    store_dir = seed_with_ror(tmp_path / "store")  # the server holds the lock of the served one
    command = [sys.executable, "-m", "biokg", "search", "pharma", "--class", "bkg:Company", "--country", "country:de"]
    result = subprocess.run([*command, "--store", str(store_dir)], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2:] == [
        "organization:ror-03ygjjd25  Protina Pharmazeutische GmbH (Germany)  company  20     Protina Pharmazeutische GmbH",
        "(1 found)",
    ]


def test_a_class_lists_its_instances_sorted_and_paged(served: str) -> None:
    status, _, html = get(served, "/browse?class=bkg:Company", "text/html")
    assert status == 200
    assert re.findall(r'<td><a href="/id/organization/[^"]+">([^<]+)</a>', html) == [
        "GKM Gesellschaft für Therapieforschung mbH (Germany)",
        "Hensoldt (Germany)",
        "Kuboko Paint Co., Ltd. (Japan)",
        "Protina Pharmazeutische GmbH (Germany)",
        "Sawai Pharmaceutical Co., Ltd. (Japan)",
        "Technol Eight Co., Ltd. (Japan)",
        "Tubulis (Germany)",
        "VERBUND Innkraftwerke GmbH (Germany)",
    ]
    assert "8 resources of the class" in html and "page 1 of 1" in html
    classes = urllib.parse.quote("http://www.w3.org/2002/07/owl#Class")
    status, _, html = get(served, f"/browse?class={classes}&page=3&limit=40", "text/html")
    assert status == 200 and "Showing 81 to 93." in html and "page 3 of 3" in html
    assert 'rel="prev"' in html and 'rel="next"' not in html
    assert get(served, "/browse?class=bkg:Company&page=0")[0] == 422


def test_the_search_page_groups_by_class_and_filters(served: str) -> None:
    status, _, html = get(served, "/search?q=pharma", "text/html")
    assert status == 200
    assert '<h2>company <span class="muted">2</span></h2>' in html
    company_filter = "/search?q=pharma&amp;class=https%3A//w3id.org/biokg/ontology%23Company"
    assert f'<a href="{company_filter}">company</a> <span class="muted">2</span>' in html
    japan = urllib.parse.quote(ID + "place/country/jp", safe="")
    status, _, html = get(served, f"/search?q=pharma&country={japan}", "text/html")
    assert re.findall(r'<li><a href="(/id/[^"]+)">', html) == [
        "/id/organization/ror-009hsm219",
        "/id/event/eu-japan-biotech-pharma-partnering-conference-2022",
    ]


def test_every_named_graph_has_a_page_listing_what_it_holds(served: str) -> None:
    status, _, html = get(served, "/graph/metadata", "text/html")
    assert status == 200
    assert '<h2 id="holds">What this graph holds</h2>' in html
    assert '<a href="/id/source/biom-osaka-partnership-renewal-2022">' in html
    status, kind, turtle = get(served, "/graph/metadata.ttl")
    assert status == 200 and kind.startswith("text/turtle")
    assert re.search(r"void:triples \d+", turtle)


def test_the_dataset_description_has_a_page_for_browsers(served: str) -> None:
    status, kind, html = get(served, "/.well-known/void", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and kind.startswith("text/html")
    assert "<h2>Named graphs</h2>" in html and '<a href="/graph/metadata">' in html
    status, kind, _ = get(served, "/.well-known/void")
    assert status == 200 and kind.startswith("text/turtle")


def test_the_shapes_page_shows_property_shapes_by_path_and_constraints(served: str) -> None:
    status, _, html = get(served, "/shapes", "text/html")
    assert status == 200
    assert (
        "<li>sh:path skos:altLabel ; sh:datatype rdf:langString ; sh:message skos:altLabel needs a language tag"
        in html
    )
    assert not re.search(r">[0-9a-f]{32}<", html)


def test_canned_query_forms_show_labels_and_complete_iris(served: str) -> None:
    status, _, html = get(served, "/queries/organisations", "text/html")
    assert status == 200
    assert f'<option value="{BKG}Company" >company (bkg:Company)</option>' in html
    assert 'name="place"' in html and "data-fills" in html


def test_the_service_description_names_the_search_feature(served: str) -> None:
    status, kind, turtle = get(served, "/sparql", "text/turtle")
    assert status == 200 and kind.startswith("text/turtle")
    graph = rdflib.Graph().parse(data=turtle, format="turtle")
    search = rdflib.URIRef("https://w3id.org/biokg/search")
    assert (None, SD.feature, search) in graph
    assert (search, rdflib.RDF.type, SD.Feature) in graph
    assert str(graph.value(search, rdflib.RDFS.label)) == "Text search of names"


def test_an_index_refreshed_for_what_a_write_changed_finds_what_one_built_anew_finds() -> None:
    """A company renamed, one added in Munich, one removed: refreshed for those three, the index answers every
    search, facet and listing as one built from the changed store does."""
    store, sources = EmbeddedStore(), load_sources(SEED)
    ensure_loaded(store, sources)
    import_ror([ROR_FIXTURE], store, sources)
    index = SearchIndex.build(store)
    graph = ox.NamedNode("https://w3id.org/biokg/graph/changed")
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    biom, added = ox.NamedNode(ID + "organization/biom"), ox.NamedNode(ID + "organization/new-pharma")
    labels = store.oxigraph.quads_for_pattern(None, label, None)
    removed = next(quad.subject for quad in labels if str(quad.object).startswith('"Charité'))
    assert isinstance(removed, ox.NamedNode)
    for quad in [
        *store.oxigraph.quads_for_pattern(biom, label, None),
        *store.oxigraph.quads_for_pattern(removed, None, None),
    ]:
        store.oxigraph.remove(quad)
    store.oxigraph.extend(
        [
            ox.Quad(biom, label, ox.Literal("BioM Pharma Cluster", language="en"), graph),
            ox.Quad(added, label, ox.Literal("New Pharma München", language="de"), graph),
            ox.Quad(
                added,
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode(BKG + "Company"),
                graph,
            ),
            ox.Quad(
                added, ox.NamedNode("https://schema.org/location"), ox.NamedNode(ID + "place/city/2867714"), graph
            ),
        ]
    )
    index.refresh(store, [biom.value, added.value, removed.value])
    built = SearchIndex.build(store)
    for text in ("pharma", "harma", "biom", "charité", "berlin", "münchen", "ünche", "new", "大阪", "cluster"):
        assert index.search(text, limit=50) == built.search(text, limit=50), text
        assert index.facets(text) == built.facets(text), text
    assert index.instances(BKG + "Company", limit=1000) == built.instances(BKG + "Company", limit=1000)
    assert index.label(added.value) == "New Pharma München" and index.label(removed.value) is None
    assert len(index) == len(built)
