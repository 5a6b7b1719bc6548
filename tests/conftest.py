"""Shared fixtures: the shipped sources, real SPARQL servers, and the same store suite over every kind of store.

The tests of the machinery (protocol, formats, stores, pages, canned queries across stores) assert exact answers
over the seed: the press release of 2022, the places and the metadata (`data/*.trig`). BIOKG_DATA points every
server, command and Settings() of the session at it. The tests of the knowledge read the whole shipped data
(`shipped`, and the sources of `data/graphs/`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from rdflib import Literal
from rdflib.term import Node
from servers import Server, biokg_serving, oxigraph_server, require_virtuoso, virtuoso_server

from biokg.config import Settings
from biokg.dataset import ensure_loaded, load_validated
from biokg.engine import QueryJob
from biokg.engine.inline import engine_for
from biokg.formats import Format
from biokg.namespaces import sparql_prologue
from biokg.ror.importer import import_ror
from biokg.server import prepare
from biokg.shipped import data_dir
from biokg.sources import Sources, load_sources
from biokg.store import EmbeddedStore, RemoteConfig, RemoteStore, Store, select
from biokg.web import create_app

Rows = list[tuple[str | None, ...]]

STORE_KINDS = ["embedded", "oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)]
SEED = sorted(data_dir().glob("*.trig"))
os.environ["BIOKG_DATA"] = json.dumps([str(path) for path in SEED])


@pytest.fixture(scope="session")
def sources() -> Sources:
    """The seed's sources."""
    return load_sources(SEED)


@pytest.fixture(scope="session")
def shipped() -> Sources:
    """Every shipped source: the seed and the sources of data/graphs."""
    return load_sources()


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    require_virtuoso()
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def remote_store(server: Server) -> RemoteStore:
    return RemoteStore(
        RemoteConfig(
            query_url=server.query_url,
            update_url=server.update_url,
            graph_store_url=server.graph_store_url,
            user=server.user,
            password=server.password,
            auth=server.auth,
            timeout=30,
        )
    )


def new_store(kind: str, request: pytest.FixtureRequest, folder: Path) -> Store:
    """A store of one kind: embedded on disk in `folder`, or the session's server of that kind."""
    if kind == "embedded":
        return EmbeddedStore(folder)
    return remote_store(request.getfixturevalue(kind))


@pytest.fixture(scope="session", params=STORE_KINDS)
def store(request: pytest.FixtureRequest, sources: Sources, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The shipped graph, loaded into each kind of store in turn; the same tests must pass on all."""
    loaded = new_store(request.param, request, tmp_path_factory.mktemp("store"))
    load_validated(loaded, sources)
    return loaded


def serialized(store: Store, query: str, fmt: Format) -> bytes:
    """A query's answer written in `fmt` by the engine that one-off commands use over `store`."""
    return engine_for(store).run(QueryJob(query, fmt.name)).body


def plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    """A term as the string a test compares: an IRI's value, a literal's lexical form with @lang if any."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.language:
        return f"{term.value}@{term.language}"
    return term.value


def value_of(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | ox.DefaultGraph | None) -> str:
    """The `value` of a term that must have one (an IRI, blank node or literal; not a quoted triple, nor the default
    graph, nor an unbound variable)."""
    assert isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)), term
    return term.value


def language_of(node: Node) -> str | None:
    """The language tag of an rdflib node that must be a literal."""
    assert isinstance(node, Literal), node
    return node.language


@pytest.fixture(scope="session")
def rows(store: Store) -> Callable[[str], Rows]:
    """Run a SELECT with biokg's prefixes and give its rows as plain strings, in the query's order."""

    def run(query: str) -> Rows:
        result = select(store, sparql_prologue() + query)
        return [tuple(plain(term) for term in row) for row in result.rows]

    return run


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    """The server of `biokg serve` on the seed (embedded store, one query worker), through TestClient."""
    context = prepare(Settings(query_workers=1))
    with TestClient(create_app(context)) as client:
        yield client
    context.engine.close()


def described(graph: str) -> list[ox.Quad]:
    """The statements that describe a test graph as every named graph must be: a bkg:SourceGraph derived from a
    source of the metadata graph (the shipped press release)."""
    node, in_graph = ox.NamedNode(graph), ox.NamedNode(graph)
    source = ox.NamedNode("https://w3id.org/biokg/id/source/biom-osaka-partnership-renewal-2022")
    return [
        ox.Quad(node, ox.NamedNode(RDF_TYPE), ox.NamedNode("https://w3id.org/biokg/ontology#SourceGraph"), in_graph),
        ox.Quad(node, ox.NamedNode(RDFS_LABEL), ox.Literal("A test graph", language="en"), in_graph),
        ox.Quad(node, ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom"), source, in_graph),
    ]


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


ROR_FIXTURE = Path(__file__).parent / "ror" / "records.jsonl"


def seed_with_ror(folder: Path) -> Path:
    """An on-disk store of the seed with the ROR fixture imported."""
    sources = load_sources(SEED)
    store = EmbeddedStore(folder)
    ensure_loaded(store, sources)
    import_ror([ROR_FIXTURE], store, sources)
    return folder


@pytest.fixture(scope="module")
def ror_store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seed_with_ror(tmp_path_factory.mktemp("search") / "store")


@pytest.fixture(scope="module")
def served(ror_store_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The URL of `biokg serve` over the seed with the ROR fixture imported, on an on-disk store."""
    options = ["--store", str(ror_store_dir), "--workers", "1"]
    with biokg_serving(options, tmp_path_factory.mktemp("serve") / "serve.log") as (url, _):
        yield url
