"""The table of formats is the one place a format is known: a row added in a fixture is served everywhere."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from biokg import formats
from biokg.config import Settings
from biokg.dataset import load_validated
from biokg.engine.inline import InlineEngine
from biokg.formats import Format, ResultKind, choose_format, format_named
from biokg.guard import QueryPolicy
from biokg.sources import Sources, load_sources
from biokg.stats import graph_sizes
from biokg.store import EmbeddedStore
from biokg.web import create_app
from biokg.web.context import ServerContext

N3 = Format("n3", "text/n3", ("n3",), ResultKind.GRAPH, ox.RdfFormat.N3, "N3", aliases=("notation3",))
DOMDEY = "https://w3id.org/biokg/id/person/horst-domdey"
CONSTRUCT = f"CONSTRUCT {{ <{DOMDEY}> ?p ?o }} WHERE {{ <{DOMDEY}> ?p ?o }}"


@pytest.fixture
def with_n3(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, N3))


@pytest.fixture
def client(with_n3: None, sources: Sources) -> Iterator[TestClient]:
    store = EmbeddedStore()
    load_validated(store, sources)
    context = ServerContext(Settings(), InlineEngine(store.oxigraph), QueryPolicy(), store.name, graph_sizes(store))
    with TestClient(create_app(context)) as client:
        yield client


def test_a_new_row_is_negotiated_named_and_written_by_the_endpoint(client: TestClient) -> None:
    negotiated = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/n3"})
    assert (negotiated.status_code, negotiated.headers["content-type"]) == (200, "text/n3; charset=utf-8")
    assert len(list(ox.parse(negotiated.content, format=ox.RdfFormat.N3))) == 5
    for name in ("n3", "notation3", "text/n3"):
        named = client.get("/sparql", params={"query": CONSTRUCT, "format": name})
        assert named.headers["content-type"] == "text/n3; charset=utf-8"
        assert named.content == negotiated.content


def test_a_new_row_is_described_by_the_service_and_openapi_descriptions(client: TestClient) -> None:
    description = client.get("/sparql", headers={"Accept": "application/n-triples"}).text
    assert "<http://www.w3.org/ns/formats/N3>" in description
    sparql = client.get("/openapi.json").json()["paths"]["/sparql"]
    assert sparql["get"]["responses"]["200"]["content"]["text/n3"] == {"schema": {"type": "string"}}
    assert "n3" in next(p for p in sparql["get"]["parameters"] if p["name"] == "format")["schema"]["enum"]


def test_a_new_row_serves_linked_data_by_extension_and_by_accept(client: TestClient) -> None:
    by_extension = client.get("/id/person/horst-domdey.n3")
    assert (by_extension.status_code, by_extension.headers["content-type"]) == (200, "text/n3; charset=utf-8")
    by_accept = client.get("/id/person/horst-domdey", headers={"Accept": "text/n3"})
    assert by_accept.headers["content-location"] == "/id/person/horst-domdey.n3"
    assert '</id/person/horst-domdey.n3>; rel="alternate"; type="text/n3"' in by_accept.headers["link"]


def test_a_new_row_is_a_file_format_and_a_format_name_of_the_cli(with_n3: None, tmp_path: Path) -> None:
    (tmp_path / "facts.n3").write_text(f'<{DOMDEY}> <https://schema.org/familyName> "Domdey" .\n')
    assert len(load_sources([tmp_path]).data) == 1
    assert format_named("n3") is N3
    assert choose_format(formats.formats_of(ResultKind.GRAPH), None, "notation3") is N3
