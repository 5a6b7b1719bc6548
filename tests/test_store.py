"""One suite over every kind of store, with identical expected answers."""

from __future__ import annotations

import csv
import dataclasses
import gc
import hashlib
import io
import socket
import threading
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import described, remote_store, serialized, value_of
from servers import Server, oxigraph_server, require_virtuoso, store_answering_once, virtuoso_server

from biokg.dataset import load_quads, load_validated
from biokg.engine import QueryJob
from biokg.engine.remote import RemoteEngine
from biokg.errors import (
    AnswerTooLargeError,
    NonConformingDataError,
    PartialResultError,
    QuerySyntaxError,
    StoreError,
    StoreTimeoutError,
)
from biokg.formats import FORMATS, Format, ResultKind, format_named
from biokg.namespaces import sparql_prologue
from biokg.sources import Sources
from biokg.store import EmbeddedStore, RemoteConfig, RemoteStore, SelectResult, Store
from biokg.store.embedded import Changed
from biokg.validation import validate_quads

TEST_GRAPH = "https://w3id.org/biokg/graph/test-extra"
SHIPPED_GRAPHS = [
    "https://w3id.org/biokg/graph/biom-osaka-partnership-renewal-2022",
    "https://w3id.org/biokg/graph/metadata",
    "https://w3id.org/biokg/graph/places",
    "https://w3id.org/biokg/graph/places-geonames",
    "https://w3id.org/biokg/graph/places-wikidata",
    "https://w3id.org/biokg/ontology",
    "https://w3id.org/biokg/shapes",
]
WRITABLE_KINDS = [
    "embedded",
    "oxigraph-graph-store",
    "oxigraph-update",
    pytest.param("virtuoso", marks=pytest.mark.virtuoso),
]
PEOPLE = sparql_prologue() + "SELECT ?person ?name WHERE { ?person a bkg:Person ; rdfs:label ?name } ORDER BY ?name"
DOMDEY = "https://w3id.org/biokg/id/person/horst-domdey"
JSON_RESULTS = format_named("json")


@pytest.fixture(params=WRITABLE_KINDS)
def loaded(request: pytest.FixtureRequest, sources: Sources, tmp_path: Path) -> Iterator[Store]:
    """A store of each kind holding the shipped graph and nothing else of biokg's."""
    kind = request.param
    if kind == "embedded":
        store: Store = EmbeddedStore(tmp_path / "store")
        load_validated(store, sources)
        yield store
    elif kind.startswith("oxigraph"):
        with oxigraph_server(tmp_path / "oxigraph") as server:
            if kind == "oxigraph-update":
                server = dataclasses.replace(server, graph_store_url=None)
            store = remote_store(server)
            load_validated(store, sources)
            yield store
    else:
        store = remote_store(request.getfixturevalue("virtuoso"))
        load_validated(store, sources)
        yield store
        store.replace_graphs([], graphs=[TEST_GRAPH])


def fingerprint(store: Store) -> str:
    """A canonical digest of every quad of the store: equal digests, the same contents up to the names of blank
    nodes (which a load may change)."""
    dataset = ox.Dataset(store.quads())
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    lines = sorted(str(quad) for quad in dataset)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def extra_quads(count: int = 3) -> list[ox.Quad]:
    """Quads that no shape targets, in the test graph."""
    graph = ox.NamedNode(TEST_GRAPH)
    return [
        ox.Quad(ox.NamedNode(f"urn:test:{i}"), ox.NamedNode("urn:test:value"), ox.Literal(str(i)), graph)
        for i in range(count)
    ]


def shipped_count(sources: Sources) -> int:
    return len({*sources.ontology, *sources.shapes, *sources.data})


def test_every_kind_holds_the_same_graphs_and_counts(loaded: Store, sources: Sources) -> None:
    assert loaded.graph_names() == SHIPPED_GRAPHS
    assert loaded.triple_count() == shipped_count(sources)


def test_select_ask_and_construct_answer_alike(loaded: Store) -> None:
    people = loaded.query(PEOPLE)
    assert isinstance(people, SelectResult)
    assert people.variables == ("person", "name")
    assert [(value_of(row[0]), value_of(row[1])) for row in people.rows] == [
        (DOMDEY, "Horst Domdey"),
        ("https://w3id.org/biokg/id/person/shizuko-akira", "Shizuko Akira"),
    ]
    assert loaded.query(f"ASK {{ <{DOMDEY}> ?p ?o }}") is True
    assert loaded.query("ASK { <urn:nothing> ?p ?o }") is False
    triples = loaded.query(f"CONSTRUCT {{ <{DOMDEY}> ?p ?o }} WHERE {{ <{DOMDEY}> ?p ?o }}")
    assert isinstance(triples, tuple)
    assert len(triples) == 5


@pytest.mark.parametrize("fmt", FORMATS, ids=[fmt.name for fmt in FORMATS])
def test_every_format_is_served_and_parses_back(loaded: Store, fmt: Format) -> None:
    people = [[DOMDEY, "Horst Domdey"], ["https://w3id.org/biokg/id/person/shizuko-akira", "Shizuko Akira"]]
    if fmt.name == "csv":  # lossy by design: Oxigraph does not parse it back, Python's csv does
        raw = serialized(loaded, PEOPLE, fmt).decode()
        assert list(csv.reader(io.StringIO(raw))) == [["person", "name"], *people]
    elif fmt.kind is ResultKind.SOLUTIONS:
        assert isinstance(fmt.oxigraph, ox.QueryResultsFormat)
        parsed = ox.parse_query_results(serialized(loaded, PEOPLE, fmt), format=fmt.oxigraph)
        assert isinstance(parsed, ox.QuerySolutions)
        assert [[value_of(row["person"]), value_of(row["name"])] for row in parsed] == people
    else:
        construct = f"CONSTRUCT {{ <{DOMDEY}> ?p ?o }} WHERE {{ <{DOMDEY}> ?p ?o }}"
        written = serialized(loaded, construct, fmt)
        assert isinstance(fmt.oxigraph, ox.RdfFormat)
        parsed_triples = {quad.triple for quad in ox.parse(written, format=fmt.oxigraph)}
        constructed = loaded.query(construct)
        assert isinstance(constructed, tuple)
        assert parsed_triples == set(constructed)
        assert len(parsed_triples) == 5


def test_a_format_that_does_not_fit_the_query_is_refused(loaded: Store) -> None:
    with pytest.raises(QuerySyntaxError, match="does not fit"):
        serialized(loaded, PEOPLE, next(fmt for fmt in FORMATS if fmt.name == "turtle"))


def test_a_malformed_query_is_a_query_syntax_error(loaded: Store) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        loaded.query("SELECT ?s WHERE { ?s ?p }")
    assert str(caught.value).startswith("malformed SPARQL query: ")


def test_replacing_a_graph_leaves_the_others_as_they_were(loaded: Store, sources: Sources) -> None:
    shipped = fingerprint(loaded)
    loaded.replace_graphs(extra_quads(3))
    loaded.replace_graphs(extra_quads(2))
    assert loaded.graph_names() == sorted([*SHIPPED_GRAPHS, TEST_GRAPH])
    assert loaded.triple_count() == shipped_count(sources) + 2
    loaded.replace_graphs([], graphs=[TEST_GRAPH])
    assert fingerprint(loaded) == shipped


def test_a_load_with_one_violation_leaves_the_store_byte_for_byte_unchanged(loaded: Store, sources: Sources) -> None:
    before = fingerprint(loaded)
    post_without_role = ox.Quad(
        ox.NamedNode("https://w3id.org/biokg/id/post/biom-cfo"),
        ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
        ox.NamedNode("http://www.w3.org/ns/org#Post"),
        ox.NamedNode(TEST_GRAPH),
    )
    with pytest.raises(NonConformingDataError) as caught:
        load_quads(loaded, [*extra_quads(100), post_without_role], sources)
    assert "A post has exactly one org:role" in caught.value.report.render()
    assert fingerprint(loaded) == before


def test_a_conforming_load_lands_and_exports_with_its_graph(loaded: Store, sources: Sources) -> None:
    added = [*extra_quads(4), *described(TEST_GRAPH)]
    load_quads(loaded, added, sources)
    trig = loaded.export(next(fmt for fmt in FORMATS if fmt.name == "trig"))
    assert set(ox.parse(trig, format=ox.RdfFormat.TRIG)) == set(loaded.quads())
    assert {quad for quad in loaded.quads() if value_of(quad.graph_name) == TEST_GRAPH} == set(added)


def test_an_on_disk_store_survives_reopening_and_is_not_rebuilt(tmp_path: Path, sources: Sources) -> None:
    from biokg.dataset import ensure_loaded

    first = EmbeddedStore(tmp_path / "store")
    built = ensure_loaded(first, sources)
    digest = fingerprint(first)
    del first  # closes the store: RocksDB allows one open per folder
    gc.collect()
    assert built is True
    reopened = EmbeddedStore(tmp_path / "store")
    assert ensure_loaded(reopened, sources) is False
    assert fingerprint(reopened) == digest
    assert len(list((tmp_path / "store").glob("generation-*"))) == 1


def test_predicate_groups_hold_every_quad_once_a_predicate_at_a_time_in_subject_order(sources: Sources) -> None:
    store = EmbeddedStore()
    load_validated(store, sources)
    in_default_graph = ox.Quad(
        ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"), ox.Literal("x")
    )
    store.replace_graphs([in_default_graph])
    groups = list(store.predicate_groups())
    predicates = [group[0].predicate.value for group in groups]
    assert predicates == sorted({quad.predicate.value for quad in store.quads()})
    for group in groups:
        assert {quad.predicate for quad in group} == {group[0].predicate}
        assert [str(quad.subject) for quad in group] == sorted(str(quad.subject) for quad in group)
    flat = [quad for group in groups for quad in group]
    assert len(flat) == len(set(flat)) == store.triple_count()
    assert set(flat) == set(store.quads())
    assert in_default_graph in flat


@pytest.mark.virtuoso
def test_a_partial_answer_from_virtuoso_is_an_error(tmp_path: Path, sources: Sources) -> None:
    require_virtuoso()
    with virtuoso_server(tmp_path, max_rows=5) as server:
        store = remote_store(server)
        load_validated(store, sources)
        with pytest.raises(PartialResultError, match="cut the rows at its limit of 5"):
            store.query("SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/biokg/graph/places> { ?s ?p ?o } }")


def test_a_store_that_does_not_answer_times_out_with_its_name() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        accepted: list[socket.socket] = []
        thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
        thread.start()
        store = RemoteStore(RemoteConfig(query_url=f"http://127.0.0.1:{port}/sparql", timeout=1))
        with pytest.raises(
            StoreTimeoutError, match=rf"SPARQL store at http://127.0.0.1:{port}/sparql did not answer"
        ):
            store.query("ASK {}")
        thread.join(5)
        for connection in accepted:
            connection.close()


def test_an_unreachable_store_is_an_error_that_names_it() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = RemoteStore(RemoteConfig(query_url=f"http://127.0.0.1:{port}/sparql", timeout=2))
    with pytest.raises(StoreError, match=rf"SPARQL store at http://127.0.0.1:{port}/sparql could not be reached"):
        store.query("ASK {}")


def test_data_exported_from_a_store_validates_again(loaded: Store, sources: Sources) -> None:
    exported = ox.parse(
        loaded.export(next(fmt for fmt in FORMATS if fmt.name == "nquads")), format=ox.RdfFormat.N_QUADS
    )
    data = [quad for quad in exported if quad.graph_name.value.startswith("https://w3id.org/biokg/graph/")]
    report = validate_quads(data, shapes=sources.shapes, ontology=sources.ontology)
    assert report.findings == ()


def test_a_remote_answer_is_read_only_as_far_as_the_row_cap_or_the_byte_limit(
    oxigraph: Server, sources: Sources
) -> None:
    """A cross join the store writes as tens of megabytes: the serving process must not hold it to cut it."""
    remote = remote_store(oxigraph)
    load_validated(remote, sources)
    cross_join = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 200000"
    tracemalloc.start()
    try:
        capped = RemoteEngine(remote).run(QueryJob(cross_join, "json", max_rows=3))
        _, capped_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        with pytest.raises(AnswerTooLargeError, match=r"larger than this endpoint sends \(100,000 bytes\)"):
            RemoteEngine(remote).run(QueryJob(cross_join, "json", max_bytes=100_000))
        _, limited_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(serialized(remote, cross_join, JSON_RESULTS)) > 20_000_000
    assert capped.truncated
    capped_solutions = ox.parse_query_results(capped.body, format=ox.QueryResultsFormat.JSON)
    assert isinstance(capped_solutions, ox.QuerySolutions)
    assert len(list(capped_solutions)) == 3
    assert capped_peak < 2_000_000
    assert limited_peak < 2_000_000


def test_a_remote_answer_that_does_not_parse_is_an_error_that_names_the_store() -> None:
    broken = b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": 42'
    with store_answering_once("200 OK", broken) as url:
        store = RemoteStore(RemoteConfig(query_url=url, timeout=5))
        with pytest.raises(StoreError, match=rf"^SPARQL store at {url} sent an answer that"):
            RemoteEngine(store).run(QueryJob("SELECT ?s WHERE { ?s ?p ?o }", "json", max_rows=10))


def test_a_store_as_a_change_would_leave_it_answers_every_pattern_as_the_changed_store_does() -> None:
    def quad(subject: str, value: str, graph: str) -> ox.Quad:
        name = ox.NamedNode
        return ox.Quad(name(f"http://example.org/{subject}"), name("http://example.org/p"), name(value), name(graph))

    kept, removed = quad("a", "http://example.org/b", "http://g/1"), quad("b", "http://example.org/c", "http://g/1")
    added = [quad("b", "http://example.org/d", "http://g/2"), quad("d", "http://example.org/a", "http://g/2")]
    store, changed = ox.Store(), ox.Store()
    store.extend([kept, removed])
    changed.extend([kept, *added])
    view = Changed(store, [removed], added)
    terms = [None, *{term for each in (kept, removed, *added) for term in (each.subject, each.object)}]
    for subject in terms:
        for value in terms:
            pattern = (subject if not isinstance(subject, ox.Literal) else None, None, value, None)
            assert set(view.quads_for_pattern(*pattern)) == set(changed.quads_for_pattern(*pattern)), pattern
