"""The SPARQL 1.1 Protocol at /sparql, each behaviour with its exact status and media type, on both engines."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import socket
import time
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import remote_store, value_of
from fastapi.testclient import TestClient
from servers import Server

from biokg.config import Settings
from biokg.dataset import load_validated
from biokg.engine.remote import RemoteEngine
from biokg.errors import BiokgError, EngineBusyError, HttpError, QueryTimeoutError
from biokg.guard import QueryPolicy
from biokg.server import prepare
from biokg.sources import Sources
from biokg.web import create_app
from biokg.web.context import ServerContext
from biokg.web.errors import headers_of

PEOPLE = "SELECT ?person WHERE { ?person a <https://w3id.org/biokg/ontology#Person> } ORDER BY ?person"
PEOPLE_ROWS = ["https://w3id.org/biokg/id/person/horst-domdey", "https://w3id.org/biokg/id/person/shizuko-akira"]
DOMDEY = "https://w3id.org/biokg/id/person/horst-domdey"
DESCRIBE = f"CONSTRUCT {{ <{DOMDEY}> ?p ?o }} WHERE {{ <{DOMDEY}> ?p ?o }}"
PLACES = "https://w3id.org/biokg/graph/places"


def make_client(settings: Settings, kind: str, oxigraph: Server | None, sources: Sources) -> TestClient:
    if kind == "embedded":
        return TestClient(create_app(prepare(settings)))
    assert oxigraph is not None
    store = remote_store(oxigraph)
    load_validated(store, sources)
    sizes = tuple((graph, 0) for graph in store.graph_names())
    policy = QueryPolicy(max_nesting=settings.max_nesting, allow_service=settings.allow_service)
    return TestClient(create_app(ServerContext(settings, RemoteEngine(store), policy, store.name, sizes)))


@pytest.fixture(scope="module", params=["embedded", "remote"])
def client(request: pytest.FixtureRequest, sources: Sources) -> Iterator[TestClient]:
    oxigraph = request.getfixturevalue("oxigraph") if request.param == "remote" else None
    settings = Settings(query_workers=2, query_time_limit=10, max_rows=1000, max_request_bytes=50_000)
    with make_client(settings, request.param, oxigraph, sources) as test_client:
        yield test_client
        test_client.app.state.context.engine.close()  # type: ignore[attr-defined]


def bindings(response_json: dict[str, Any], variable: str) -> list[str]:
    return [row[variable]["value"] for row in response_json["results"]["bindings"]]


def test_get_answers_json_by_default(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": PEOPLE})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/sparql-results+json"
    assert bindings(response.json(), "person") == PEOPLE_ROWS


def test_post_form_encoded(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": PEOPLE})
    assert response.status_code == 200
    assert bindings(response.json(), "person") == PEOPLE_ROWS


def test_post_sparql_query_body(client: TestClient) -> None:
    response = client.post("/sparql", content=PEOPLE, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 200
    assert bindings(response.json(), "person") == PEOPLE_ROWS


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8"),
        ("application/sparql-results+json", "application/sparql-results+json"),
    ],
)
def test_select_results_in_every_format(client: TestClient, accept: str, content_type: str) -> None:
    response = client.get("/sparql", params={"query": PEOPLE}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    if accept == "text/csv":
        assert list(csv.reader(io.StringIO(response.text))) == [["person"], *[[row] for row in PEOPLE_ROWS]]
    else:
        parsed = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.from_media_type(accept))
        assert isinstance(parsed, ox.QuerySolutions)
        assert [value_of(row["person"]) for row in parsed] == PEOPLE_ROWS


@pytest.mark.parametrize(
    "accept",
    [
        "text/turtle",
        "application/n-triples",
        "application/ld+json",
        "application/rdf+xml",
        "application/trig",
        "application/n-quads",
    ],
)
def test_construct_in_every_graph_format(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", params={"query": DESCRIBE}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == accept
    parsed = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(accept)))
    assert len(parsed) == 5
    assert {quad.subject.value for quad in parsed} == {DOMDEY}


def test_construct_defaults_to_turtle_and_quality_values_decide(client: TestClient) -> None:
    assert client.get("/sparql", params={"query": DESCRIBE}).headers["content-type"] == "text/turtle; charset=utf-8"
    response = client.get(
        "/sparql", params={"query": DESCRIBE}, headers={"Accept": "text/turtle;q=0.5, application/ld+json"}
    )
    assert response.headers["content-type"] == "application/ld+json"


@pytest.mark.parametrize(
    ("query", "accept", "content_type"),
    [
        (PEOPLE, "application/json", "application/sparql-results+json"),
        (PEOPLE, "application/xml", "application/sparql-results+xml"),
        (PEOPLE, "text/xml", "application/sparql-results+xml"),
        (DESCRIBE, "application/json", "application/ld+json"),
        (DESCRIBE, "application/xml", "application/rdf+xml"),
        (DESCRIBE, "text/plain", "application/n-triples; charset=utf-8"),
        (DESCRIBE, "application/x-turtle", "text/turtle; charset=utf-8"),
        (DESCRIBE, "application/x-trig", "application/trig"),
        (DESCRIBE, "text/x-nquads", "application/n-quads; charset=utf-8"),
    ],
)
def test_generic_and_older_media_types_get_the_format_they_name(
    client: TestClient, query: str, accept: str, content_type: str
) -> None:
    """Clients that ask for plain JSON or XML, or by a format's pre-registration name, get an answer, not a 406."""
    response = client.get("/sparql", params={"query": query}, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    if query == PEOPLE:
        fmt = ox.QueryResultsFormat.from_media_type(content_type)
        parsed = ox.parse_query_results(response.content, format=fmt)
        assert isinstance(parsed, ox.QuerySolutions)
        assert [value_of(row["person"]) for row in parsed] == PEOPLE_ROWS
    else:
        parsed_graph = list(ox.parse(response.content, format=ox.RdfFormat.from_media_type(content_type)))
        assert {quad.subject.value for quad in parsed_graph} == {DOMDEY}
        assert len(parsed_graph) == 5


@pytest.mark.parametrize(
    ("accept_encoding", "gzipped"),
    [
        ("gzip", True),
        ("deflate, gzip;q=0.5", True),
        ("*", True),
        ("x-gzip", True),
        ("gzip;q=0, *", False),
        ("deflate", False),
        ("identity", False),
    ],
)
def test_answers_are_gzipped_for_clients_that_take_it(
    client: TestClient, accept_encoding: str, gzipped: bool
) -> None:
    every_triple = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
    response = client.get("/sparql", params={"query": every_triple}, headers={"Accept-Encoding": accept_encoding})
    assert response.status_code == 200
    assert response.headers.get("content-encoding") == ("gzip" if gzipped else None)
    assert response.headers["vary"] == "Accept, Accept-Encoding, Origin"
    plain = client.get("/sparql", params={"query": every_triple}, headers={"Accept-Encoding": "identity"})
    assert response.json() == plain.json()
    assert len(plain.content) > 100_000
    if gzipped:
        assert response.num_bytes_downloaded * 5 < len(response.content)


def test_get_answers_of_the_embedded_store_revalidate_without_running_the_query(client: TestClient) -> None:
    """The embedded store's data stays as loaded, so a GET's answer is as new as the load: a cache revalidating it
    gets 304 at once. A remote store's data may change under the endpoint: no Last-Modified there."""
    first = client.get("/sparql", params={"query": PEOPLE})
    embedded = client.app.state.context.fixed_data  # type: ignore[attr-defined]
    if not embedded:
        assert "last-modified" not in first.headers
        return
    assert first.headers["cache-control"] == "no-cache"
    since = {"If-Modified-Since": first.headers["last-modified"]}
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n2 ?o }"
    started = time.perf_counter()
    revalidated = client.get("/sparql", params={"query": endless}, headers=since)
    assert time.perf_counter() - started < 1  # the query, which would run to the 10 s limit, was not run
    assert (revalidated.status_code, revalidated.content) == (304, b"")
    assert revalidated.headers["last-modified"] == first.headers["last-modified"]
    assert revalidated.headers["vary"] == "Accept, Accept-Encoding, Origin"
    older = {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"}
    assert client.get("/sparql", params={"query": PEOPLE}, headers=older).status_code == 200
    posted = client.post("/sparql", data={"query": PEOPLE}, headers=since)
    assert posted.status_code == 200
    assert "last-modified" not in posted.headers


def test_a_short_answer_is_not_gzipped(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": PEOPLE}, headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in response.headers
    assert bindings(response.json(), "person") == PEOPLE_ROWS


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": PEOPLE, "format": "csv"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"


def test_fusekis_output_parameter_names_the_format_too(client: TestClient) -> None:
    as_xml = client.get("/sparql", params={"query": PEOPLE, "output": "xml"})
    both = client.get("/sparql", params={"query": PEOPLE, "format": "csv", "output": "xml"})
    page = client.get("/sparql", params={"query": PEOPLE, "output": "html"})
    assert as_xml.headers["content-type"] == "application/sparql-results+xml"
    assert both.headers["content-type"] == "text/csv; charset=utf-8"
    assert page.headers["content-type"] == "text/html; charset=utf-8"


def test_a_client_can_shorten_the_time_limit_with_timeout(sources: Sources) -> None:
    """timeout= as Fuseki and GraphDB take it (seconds), or with a unit; it never lengthens the server's limit."""
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    with make_client(Settings(query_workers=1, query_time_limit=20), "embedded", None, sources) as limited:
        started = time.monotonic()
        stopped = [limited.get("/sparql", params={"query": runaway, "timeout": given}) for given in ("0.5", "500ms")]
        waited = time.monotonic() - started
        generous = limited.get("/sparql", params={"query": PEOPLE, "timeout": "3600s"})
        limited.app.state.context.engine.close()  # type: ignore[attr-defined]
    for answer in stopped:
        assert (answer.status_code, answer.text) == (
            503,
            "the query ran past the time limit of 0.5 s and was stopped\n",
        )
    assert waited < 10
    assert bindings(generous.json(), "person") == PEOPLE_ROWS


@pytest.mark.parametrize("given", ["soon", "0", "-1", "5m", ""])
def test_a_timeout_that_is_not_a_time_gets_400(client: TestClient, given: str) -> None:
    response = client.get("/sparql", params={"query": PEOPLE, "timeout": given})
    assert (response.status_code, response.text) == (
        400,
        f"timeout={given} is not a time: give seconds above 0, such as 10, 2.5, 10s or 500ms\n",
    )


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/*;q=0.8, text/csv;q=0.1", "text/tab-separated-values; charset=utf-8"),  # the most specific range rules
        ("application/sparql-results+xml;q=0.5, */*;q=0.4", "application/sparql-results+xml"),
    ],
)
def test_the_most_specific_media_range_gives_each_format_its_quality(
    client: TestClient, accept: str, content_type: str
) -> None:
    response = client.get("/sparql", params={"query": PEOPLE}, headers={"Accept": accept})
    assert (response.status_code, response.headers["content-type"]) == (200, content_type)


def test_a_format_accepted_with_quality_zero_is_refused(client: TestClient) -> None:
    response = client.get(
        "/sparql", params={"query": PEOPLE}, headers={"Accept": "application/sparql-results+json;q=0"}
    )
    assert response.status_code == 406


def test_an_accept_header_nothing_fits_gets_406(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": PEOPLE}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.text.startswith("none of the accepted media types (image/png) can write this answer")


def test_a_malformed_query_gets_400_with_position(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text.startswith("malformed SPARQL query: ")
    if client.app.state.context.engine.__class__.__name__ == "WorkerPool":  # type: ignore[attr-defined]
        assert response.text == "malformed SPARQL query: line 1, column 26: expected one of LATERAL, SERVICE, [_]\n"


def test_two_query_parameters_get_400(client: TestClient) -> None:
    response = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert response.status_code == 400
    assert response.text == "give exactly one query parameter, not 2\n"


def test_a_post_without_query_gets_400(client: TestClient) -> None:
    response = client.post("/sparql", data={"default-graph-uri": PLACES})
    assert response.status_code == 400
    assert response.text == "give exactly one query parameter, not 0\n"


def test_a_wrong_media_type_gets_415(client: TestClient) -> None:
    response = client.post("/sparql", content=PEOPLE, headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert response.text == (
        "POST a query as application/x-www-form-urlencoded or application/sparql-query, not text/plain\n"
    )


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"data": {"update": "DROP ALL"}},
        {"content": "DROP ALL", "headers": {"Content-Type": "application/sparql-update"}},
        {"data": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
        {"data": {"query": "PREFIX ex: <urn:ex:> WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"}},
    ],
    ids=["update-parameter", "update-media-type", "update-as-query", "update-with-graph-as-query"],
)
def test_updates_are_refused(client: TestClient, request_kwargs: dict[str, Any]) -> None:
    response = client.post("/sparql", **request_kwargs)
    assert response.status_code == 400
    assert "read-only" in response.text
    assert bindings(client.get("/sparql", params={"query": PEOPLE}).json(), "person") == PEOPLE_ROWS


def test_default_and_named_graph_uris_set_the_dataset(client: TestClient) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    response = client.get("/sparql", params={"query": count, "default-graph-uri": PLACES})
    assert bindings(response.json(), "n") == ["22"]
    graphs = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": graphs, "named-graph-uri": PLACES})
    assert bindings(response.json(), "g") == [PLACES]
    in_the_url = client.post("/sparql", params={"default-graph-uri": PLACES}, data={"query": count})
    assert bindings(in_the_url.json(), "n") == ["22"]  # a form POST may name its dataset in the URL too


def test_from_and_from_named_in_the_query_set_its_dataset(sources: Sources) -> None:
    """On the embedded store; `oxigraph serve --union-default-graph` answers FROM over every graph."""
    with make_client(Settings(query_workers=1), "embedded", None, sources) as client:
        _check_from(client)
        client.app.state.context.engine.close()  # type: ignore[attr-defined]


def _check_from(client: TestClient) -> None:
    count = f"SELECT (COUNT(*) AS ?n) FROM <{PLACES}> WHERE {{ ?s ?p ?o }}"
    assert bindings(client.get("/sparql", params={"query": count}).json(), "n") == ["22"]
    graphs = f"SELECT DISTINCT ?g FROM NAMED <{PLACES}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert bindings(client.get("/sparql", params={"query": graphs}).json(), "g") == [PLACES]
    nothing = f"SELECT (COUNT(*) AS ?n) FROM NAMED <{PLACES}> WHERE {{ ?s ?p ?o }}"
    assert bindings(client.get("/sparql", params={"query": nothing}).json(), "n") == ["0"]  # no FROM: empty


def test_a_query_over_the_length_limit_is_refused_before_it_is_parsed(sources: Sources) -> None:
    with make_client(Settings(query_workers=1), "embedded", None, sources) as roomy:
        response = roomy.post("/sparql", data={"query": "ASK {} #" + "x" * 100_000})
        roomy.app.state.context.engine.close()  # type: ignore[attr-defined]
    assert (response.status_code, response.text) == (
        400,
        "the query is 100008 characters long; this endpoint takes at most 100000\n",
    )


def test_service_description_without_a_query(client: TestClient) -> None:
    response = client.get("/sparql")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/turtle; charset=utf-8"
    graph = {quad.triple for quad in ox.parse(response.content, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = ox.NamedNode("http://testserver/sparql")
    assert ox.Triple(endpoint, ox.NamedNode(sd + "supportedLanguage"), ox.NamedNode(sd + "SPARQL11Query")) in graph
    assert ox.Triple(endpoint, ox.NamedNode(sd + "feature"), ox.NamedNode(sd + "UnionDefaultGraph")) in graph
    formats = {t.object.value for t in graph if t.predicate.value == sd + "resultFormat"}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_JSON" in formats
    assert len(formats) == 10
    names = {t.object.value for t in graph if t.predicate.value == sd + "name"}
    assert PLACES in names
    jsonld = client.get("/sparql", headers={"Accept": "application/ld+json"})
    assert jsonld.headers["content-type"] == "application/ld+json"
    assert json.loads(jsonld.text)


BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def test_a_browser_gets_the_query_page_and_programs_the_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": BROWSER})
    assert (response.status_code, response.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert response.headers["vary"] == "Accept, Origin"
    assert '<textarea name="query" rows="12" spellcheck="false" aria-label="SPARQL query">PREFIX bkg: &lt;' in (
        response.text
    )
    assert f'<a href="/graph/places">{PLACES}</a>' in response.text
    described = client.get("/sparql", params={"format": "turtle"}, headers={"Accept": BROWSER})
    assert described.headers["content-type"] == "text/turtle; charset=utf-8"


def test_a_browser_gets_answers_as_tables(client: TestClient) -> None:
    page = client.get("/sparql", params={"query": PEOPLE}, headers={"Accept": BROWSER}).text
    people = page[: page.index("<h2>This endpoint</h2>")]  # the answer, not the table of named graphs
    rows = [
        '<tr><td><a href="/id/person/horst-domdey">person:horst-domdey</a></td></tr>',
        '<tr><td><a href="/id/person/shizuko-akira">person:shizuko-akira</a></td></tr>',
    ]
    assert [line.strip() for line in people.splitlines() if line.strip().startswith("<tr><td>")] == rows
    assert '<p class="muted">2 rows;' in people
    described = client.get("/sparql", params={"query": DESCRIBE, "format": "html"}).text
    assert "<tr><th>subject</th><th>predicate</th><th>object</th></tr>" in described
    assert '<p class="muted">5 rows;' in described
    assert '<a href="/sparql?query=CONSTRUCT+%7B+%3Chttps%3A%2F%2Fw3id.org' in described
    assert '&amp;format=turtle">turtle</a> or <a' in described
    asked = client.post("/sparql", data={"query": "ASK { ?s ?p ?o }", "format": "html"}).text
    assert "<p>Answer: <strong>yes</strong></p>" in asked


def test_the_query_page_reads_at_most_five_megabytes_and_points_to_the_downloads(client: TestClient) -> None:
    """A page is rendered in the event loop: 40 MB of values held every other request for a third of a second."""
    long_values = 'BIND("0123456789" AS ?v0) ' + " ".join(
        f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(10)
    )
    query = f"SELECT ?s ?v10 WHERE {{ ?s ?p ?o {long_values} }} LIMIT 600"  # about 6 MB
    page = client.get("/sparql", params={"query": query, "format": "html"})
    as_json = client.get("/sparql", params={"query": query, "format": "json"})
    assert (page.status_code, page.headers["content-type"]) == (503, "text/html; charset=utf-8")
    assert "the answer is larger than a page shows (5,000,000 bytes); choose a download format" in page.text
    assert len(as_json.json()["results"]["bindings"]) == 600


def test_the_query_page_shows_the_first_thousand_rows_and_links_the_whole_answer(client: TestClient) -> None:
    every_triple = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    page = client.get("/sparql", params={"query": every_triple, "format": "html"}).text
    answer = page[: page.index("<h2>This endpoint</h2>")]
    assert answer.count("<tr><td>") == 1000
    assert '<p class="muted">The first 1,000 rows;\n    the whole answer (up to 1,000 rows) as' in answer
    csv_link = "/sparql?query=SELECT+%3Fs+%3Fp+%3Fo+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D&amp;format=csv"
    assert f'<a href="{csv_link}">csv</a> or ' in answer
    whole = client.get(csv_link.replace("&amp;", "&"))
    assert whole.headers["content-type"] == "text/csv; charset=utf-8"


def test_the_query_page_shows_an_error_with_its_status_and_keeps_the_query_escaped(client: TestClient) -> None:
    malformed = "SELECT ?s WHERE { ?s ?p } # </textarea><script>alert(1)</script>"
    response = client.get("/sparql", params={"query": malformed}, headers={"Accept": "text/html"})
    assert (response.status_code, response.headers["content-type"]) == (400, "text/html; charset=utf-8")
    assert re.search(r'<p role="alert"><strong>malformed SPARQL query: line 1, column \d+: ', response.text)
    assert "# &lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in response.text
    assert "<script>" not in response.text


def test_openapi_documents_the_endpoint_and_other_methods_get_405(client: TestClient) -> None:
    sparql = client.get("/openapi.json").json()["paths"]["/sparql"]
    names = [parameter["name"] for parameter in sparql["get"]["parameters"]]
    assert names == ["query", "default-graph-uri", "named-graph-uri", "format", "output", "timeout"]
    bodies = {"application/x-www-form-urlencoded", "application/sparql-query"}
    assert set(sparql["post"]["requestBody"]["content"]) == bodies
    assert "text/csv" in sparql["get"]["responses"]["200"]["content"]
    response = client.put("/sparql", content="ASK {}")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_service_is_refused_before_anything_is_fetched(client: TestClient) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
        response = client.get("/sparql", params={"query": query})
        assert response.status_code == 400
        assert response.text == (
            "SERVICE (federated query) is switched off on this endpoint (BIOKG_ALLOW_SERVICE); only biokg's own text "
            "search, SERVICE <https://w3id.org/biokg/search>, is answered\n"
        )
        with pytest.raises(TimeoutError):
            listener.accept()


def test_a_deeply_nested_query_gets_400_and_the_server_lives(client: TestClient) -> None:
    query = "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000
    response = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code == 400
    assert response.text == "the query nests groups 10000 deep; this endpoint takes at most 200\n"
    assert client.get("/healthz").status_code == 200


def test_percent_encoded_bytes_that_are_not_utf8_get_400(client: TestClient) -> None:
    response = client.get("/sparql?query=SELECT%20%FF%FE")
    assert response.status_code == 400
    assert response.text == "the URL holds percent-encoded bytes that are not UTF-8 (byte 7)\n"


def test_a_body_over_the_limit_gets_413(client: TestClient) -> None:
    response = client.post("/sparql", data={"query": "ASK {} #" + "x" * 60_000})
    assert response.status_code == 413
    assert response.text == "the request body is larger than this endpoint takes (50000 bytes)\n"


def test_cors_lets_any_origin_read_without_credentials(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": PEOPLE}, headers={"Origin": "https://example.org"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_healthz_says_what_the_store_holds(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["graphs"] == 7


def test_a_query_past_the_memory_limit_gets_503_and_the_endpoint_goes_on(sources: Sources) -> None:
    """A 600-byte query building a 256 MiB value, under a 64 MiB limit: stopped with a message, not the machine."""
    steps = " ".join(f"BIND(CONCAT(?v{level}, ?v{level}) AS ?v{level + 1})" for level in range(24))
    bomb = f'SELECT (STRLEN(?v24) AS ?n) WHERE {{ BIND("0123456789abcdef" AS ?v0) {steps} }}'
    with TestClient(create_app(prepare(Settings(query_workers=1, query_memory_mib=64)))) as limited:
        refused = limited.post("/sparql", data={"query": bomb})
        after = limited.get("/sparql", params={"query": PEOPLE})
        limited.app.state.context.engine.close()  # type: ignore[attr-defined]
    assert (refused.status_code, refused.headers["content-type"]) == (503, "text/plain; charset=utf-8")
    assert refused.text == "the query needed more memory than a query may take (64 MiB) and was stopped\n"
    assert "retry-after" not in refused.headers  # the same query would be stopped again
    assert bindings(after.json(), "person") == PEOPLE_ROWS


@pytest.mark.parametrize("kind", ["embedded", "remote"])
def test_an_answer_over_the_byte_limit_gets_503_not_a_cut_body(
    request: pytest.FixtureRequest, sources: Sources, kind: str
) -> None:
    """Rows are capped, but a row can hold a huge value: past max_answer_bytes the answer is refused whole."""
    oxigraph = request.getfixturevalue("oxigraph") if kind == "remote" else None
    settings = Settings(query_workers=1, max_answer_bytes=2_000)
    every_triple = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    with make_client(settings, kind, oxigraph, sources) as limited:
        refused = limited.get("/sparql", params={"query": every_triple})
        small = limited.get("/sparql", params={"query": PEOPLE})
        limited.app.state.context.engine.close()  # type: ignore[attr-defined]
    assert refused.status_code == 503
    assert refused.text == (
        "the answer is larger than this endpoint sends (2,000 bytes); ask for fewer or shorter values\n"
    )
    assert bindings(small.json(), "person") == PEOPLE_ROWS


@pytest.mark.parametrize(
    ("error", "headers"),
    [
        (EngineBusyError("every query worker stayed busy"), {"Retry-After": "5"}),
        (QueryTimeoutError("the query ran past the time limit"), {}),
        (HttpError(408, "the request body did not arrive"), {"Connection": "close"}),
    ],
)
def test_only_a_busy_endpoint_says_when_to_try_again(error: BiokgError, headers: dict[str, str]) -> None:
    assert headers_of(error) == headers


@pytest.mark.parametrize("kind", ["embedded", "remote"])
def test_the_row_cap_cuts_with_a_header_and_a_standard_body(
    request: pytest.FixtureRequest, sources: Sources, kind: str
) -> None:
    oxigraph = request.getfixturevalue("oxigraph") if kind == "remote" else None
    every_triple = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    with make_client(Settings(query_workers=1, max_rows=3), kind, oxigraph, sources) as capped:
        response = capped.get("/sparql", params={"query": every_triple})
        as_csv = capped.get("/sparql", params={"query": every_triple, "format": "csv"})
        as_xml = capped.get("/sparql", params={"query": every_triple, "format": "xml"})
        triples = capped.get("/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }", "format": "turtle"})
        capped.app.state.context.engine.close()  # type: ignore[attr-defined]
    for cut in (response, as_csv, as_xml, triples):
        assert cut.status_code == 200
        assert cut.headers["biokg-result-truncated"] == "the answer was cut at 3 rows"
    assert len(response.json()["results"]["bindings"]) == 3
    assert set(response.json()) == {"head", "results"}  # strict parsers (Oxigraph's) refuse unknown keys
    assert response.json()["head"] == {"vars": ["s", "p", "o"], "link": ["urn:biokg:truncated"]}
    from_json = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    assert isinstance(from_json, ox.QuerySolutions)
    assert len(list(from_json)) == 3
    assert len(list(csv.reader(io.StringIO(as_csv.text)))) == 1 + 3
    assert '<link href="urn:biokg:truncated"/>' in as_xml.text
    from_xml = ox.parse_query_results(as_xml.content, format=ox.QueryResultsFormat.XML)
    assert isinstance(from_xml, ox.QuerySolutions)
    assert len(list(from_xml)) == 3
    assert len(list(ox.parse(triples.content, format=ox.RdfFormat.TURTLE))) == 3


def test_a_remote_answer_within_the_row_cap_is_forwarded_as_the_store_wrote_it(
    oxigraph: Server, sources: Sources
) -> None:
    accepts = ["application/sparql-results+json", "application/sparql-results+xml"]
    with make_client(Settings(query_workers=1, max_rows=3), "remote", oxigraph, sources) as capped:
        forwarded = [capped.get("/sparql", params={"query": PEOPLE}, headers={"Accept": a}) for a in accepts]
        capped.app.state.context.engine.close()  # type: ignore[attr-defined]
    for answer, accept in zip(forwarded, accepts, strict=True):
        request = urllib.request.Request(f"{oxigraph.query_url}?query={quote(PEOPLE)}", headers={"Accept": accept})
        with urllib.request.urlopen(request) as direct:
            assert answer.content == direct.read()
        assert "biokg-result-truncated" not in answer.headers


def test_a_long_query_is_logged_by_its_start(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    long_query = PEOPLE + " #" + "x" * 5_000
    with caplog.at_level(logging.INFO, logger="biokg.access"):
        client.post("/sparql", data={"query": long_query})
    (entry,) = [json.loads(record.getMessage()) for record in caplog.records if record.name == "biokg.access"]
    assert entry["query"] == long_query[:2_000] + "…"


def test_each_request_gets_one_access_log_line_with_its_query(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="biokg.access"):
        client.post("/sparql", data={"query": PEOPLE}, headers={"Accept": "text/csv"})
        client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    logged = [json.loads(record.getMessage()) for record in caplog.records if record.name == "biokg.access"]
    assert [sorted(entry) for entry in logged] == [
        ["cache", "client", "form", "method", "ms", "path", "query", "query_ms", "status", "truncated"],
        ["client", "form", "method", "ms", "path", "query", "status"],  # refused by the engine's parser
    ]
    answered, refused = logged
    assert (answered["query"], refused["query"]) == (PEOPLE, "SELECT ?s WHERE { ?s ?p }")
    assert (answered["method"], answered["path"], answered["status"], answered["form"]) == (
        "POST",
        "/sparql",
        200,
        "SELECT",
    )
    assert answered["truncated"] is False
    assert answered["cache"] in ("hit", "miss")  # the embedded store's answer may be kept from an earlier test
    assert 0 < answered["query_ms"] <= answered["ms"]
    assert (refused["method"], refused["status"], refused["form"]) == ("GET", 400, "SELECT")


def test_a_dataset_graph_that_is_not_an_iri_gets_400(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": PEOPLE, "named-graph-uri": "no-scheme"})
    assert response.status_code == 400
    assert response.text.startswith("named-graph-uri=no-scheme is not an absolute IRI: ")


def test_a_form_post_takes_format_and_timeout_from_the_url_where_its_body_has_none(client: TestClient) -> None:
    response = client.post("/sparql?format=csv&timeout=soon", data={"query": PEOPLE})
    assert response.status_code == 400
    assert response.text.startswith("timeout=soon is not a time")
    response = client.post("/sparql?format=csv", data={"query": PEOPLE})
    assert (response.status_code, response.headers["content-type"]) == (200, "text/csv; charset=utf-8")
    assert response.text.splitlines() == ["person", *PEOPLE_ROWS]
    response = client.post("/sparql?format=csv", data={"query": PEOPLE, "format": "tsv"})
    assert response.headers["content-type"] == "text/tab-separated-values; charset=utf-8"


def test_the_service_description_refuses_a_timeout_that_is_no_time(client: TestClient) -> None:
    response = client.get("/sparql", params={"timeout": "soon"})
    assert response.status_code == 400


def test_a_path_no_route_takes_gets_a_plain_text_404(client: TestClient) -> None:
    response = client.get("/id/a%0Ab")
    assert (response.status_code, response.headers["content-type"], response.text) == (
        404,
        "text/plain; charset=utf-8",
        "Not Found\n",
    )
