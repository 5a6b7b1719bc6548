"""What must never happen at the endpoint: a 5xx from biokg's own code, a hang on a hung store, a file read."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from servers import Server, store_answering_once

from biokg.config import Settings
from biokg.engine.remote import RemoteEngine
from biokg.guard import QueryPolicy
from biokg.search.service import SearchingEngine
from biokg.server import prepare
from biokg.store import RemoteConfig, RemoteStore
from biokg.web import create_app
from biokg.web.context import ServerContext

SEEDS = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 3",
    'PREFIX ex: <http://example.org/> SELECT ?x WHERE { ?x ex:p "a\\"b" } ORDER BY ?x',
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } FILTER(REGEX(STR(?o), 'Osaka')) } LIMIT 5",
    "ASK { <https://w3id.org/biokg/id/organization/biom> ?p ?o }",
]


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(prepare(Settings(query_workers=1, query_time_limit=5)))) as test_client:
        yield test_client
        test_client.app.state.context.engine.close()  # type: ignore[attr-defined]


@st.composite
def mutated_queries(draw: st.DrawFn) -> str:
    """A seed query with a few characters replaced, inserted or deleted."""
    text = list(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        character = draw(st.characters(codec="utf-8"))
        if action == "insert" or not text:
            text.insert(position, character)
        elif action == "delete":
            del text[min(position, len(text) - 1)]
        else:
            text[min(position, len(text) - 1)] = character
    return "".join(text)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=mutated_queries())
def test_mutated_queries_never_get_a_5xx(client: TestClient, query: str) -> None:
    response = client.post("/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.status_code < 500, response.text


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=300))
def test_random_bytes_never_get_a_5xx(client: TestClient, raw: bytes) -> None:
    response = client.post("/sparql", content=raw, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code < 500, response.text
    response = client.post("/sparql", content=raw, headers={"Content-Type": "application/sparql-query"})
    assert response.status_code < 500, response.text


def test_from_a_file_iri_is_refused(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    assert response.text == "FROM names graphs of this store; file: IRIs are refused\n"


def remote_client(query_url: str, timeout: float, time_limit: float | None = None) -> TestClient:
    """The endpoint in front of the store at `query_url`, as it would serve it."""
    store = RemoteStore(RemoteConfig(query_url=query_url, timeout=timeout))
    engine = RemoteEngine(store, time_limit)
    return TestClient(create_app(ServerContext(Settings(), engine, QueryPolicy(), store.name, ())))


def test_a_partial_answer_from_a_remote_store_gets_502_not_a_cut_200() -> None:
    """Virtuoso answers 206 with the rows it had at its time or row limit; a client must never take that whole."""
    no_rows = b'{"head": {"vars": ["s"]}, "results": {"bindings": []}}'
    with store_answering_once("206 Partial Content", no_rows) as url, remote_client(url, 5) as partial:
        response = partial.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p ?o }"})
    assert response.status_code == 502
    assert response.text.startswith(f"SPARQL store at {url} answered with a partial result")


def test_a_hung_remote_store_gets_504_and_a_missing_one_502() -> None:
    """Past the store's own timeout, 504; past the query time limit (the server's, or a client's shorter
    timeout=), the same 503 as the embedded store gives."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []
        threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True).start()
        with remote_client(f"http://127.0.0.1:{port}/sparql", 1) as hung:
            response = hung.get("/sparql", params={"query": "ASK {}"})
            shortened = hung.get("/sparql", params={"query": "ASK {}", "timeout": "200ms"})
        with remote_client(f"http://127.0.0.1:{port}/sparql", 5, time_limit=0.3) as limited:
            started = time.monotonic()
            stopped = limited.get("/sparql", params={"query": "ASK {}"})
            waited = time.monotonic() - started
        for connection in accepted:
            connection.close()
    store = f"SPARQL store at http://127.0.0.1:{port}/sparql"
    assert response.status_code == 504
    assert response.text == f"{store} did not answer within 1 s\n"
    assert (shortened.status_code, shortened.text) == (
        503,
        f"the query ran past the time limit of 0.2 s; the {store} was no longer waited for\n",
    )
    assert (stopped.status_code, stopped.text) == (
        503,
        f"the query ran past the time limit of 0.3 s; the {store} was no longer waited for\n",
    )
    assert waited < 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    with remote_client(f"http://127.0.0.1:{closed}/sparql", 1) as missing:
        response = missing.get("/sparql", params={"query": "ASK {}"})
    assert response.status_code == 502
    assert response.text.startswith(f"SPARQL store at http://127.0.0.1:{closed}/sparql could not be reached")


def test_the_server_bounds_a_remote_stores_queries_by_its_time_limit(oxigraph: Server) -> None:
    context = prepare(Settings(sparql_url=oxigraph.query_url, query_time_limit=7))
    assert isinstance(context.engine, SearchingEngine) and isinstance(context.engine.engine, RemoteEngine)
    assert context.engine.engine.time_limit == 7
