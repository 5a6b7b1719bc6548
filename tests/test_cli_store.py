"""The store commands of biokg (load, query, export) through the installed entry point, on the embedded store."""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
from conftest import described

from biokg.store import EmbeddedStore

TEST_GRAPH = "https://w3id.org/biokg/graph/test-bulk"


def biokg(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "biokg", *map(str, arguments)], capture_output=True, text=True, timeout=300
    )


def store_digest(folder: Path) -> str:
    store = EmbeddedStore(folder)
    digest = hashlib.sha256("\n".join(sorted(str(quad) for quad in store.quads())).encode()).hexdigest()
    del store
    return digest


def bulk_trig(path: Path, count: int) -> Path:
    """A TriG file of `count` triples that no shape targets, in one named graph, and the graph's description."""
    lines = [f"<{TEST_GRAPH}> {{"]
    lines += [" ".join(f"{quad.subject} {quad.predicate} {quad.object} ." for quad in described(TEST_GRAPH))]
    lines += [f'<urn:test:{i}> <urn:test:value> "{i}" .' for i in range(count)]
    path.write_text("\n".join([*lines, "}"]) + "\n")
    return path


def test_query_prints_a_table_by_default() -> None:
    result = biokg(
        "query",
        "SELECT ?name WHERE { ?p a <https://w3id.org/biokg/ontology#Person> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?name",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "name",
        "----------------",
        "Horst Domdey@en",
        "Shizuko Akira@en",
        "(2 rows)",
    ]


def test_query_writes_csv_and_reads_a_query_file(tmp_path: Path) -> None:
    query = tmp_path / "people.rq"
    query.write_text(
        "SELECT ?name WHERE { ?p a <https://w3id.org/biokg/ontology#Person> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?name } ORDER BY ?name"
    )
    result = biokg("query", query, "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "name\nHorst Domdey\nShizuko Akira\n"  # CRLF in the file, as RFC 4180 says


def test_a_broken_query_exits_1_with_line_and_column() -> None:
    result = biokg("query", "SELECT ?s\nWHERE { ?s ?p }")
    assert result.returncode == 1
    assert result.stdout == ""
    assert (
        result.stderr == "error: malformed SPARQL query: line 2, column 16: expected one of LATERAL, SERVICE, [_]\n"
    )


def test_a_format_that_does_not_exist_exits_1() -> None:
    result = biokg("query", "ASK {}", "--format", "yaml")
    assert result.returncode == 1
    assert result.stderr.startswith("error: unknown format 'yaml'; known: json, xml, csv, tsv, turtle")


def test_load_reports_triples_and_speed_and_export_gives_the_graphs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert biokg("load", "--store", store).returncode == 0
    result = biokg("load", "--store", store, bulk_trig(tmp_path / "bulk.trig", 10))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"Loaded 13 triples into 1 named graph(s) of the embedded store at {store} in ")
    assert result.stdout.rstrip().endswith("triples/s).")
    exported = biokg("export", "--store", store, "--format", "nquads")
    quads = list(ox.parse(exported.stdout.encode(), format=ox.RdfFormat.N_QUADS))
    assert len([quad for quad in quads if quad.graph_name.value == TEST_GRAPH]) == 13


def test_a_load_with_a_violation_exits_1_and_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert biokg("load", "--store", store).returncode == 0
    before = store_digest(store)
    bad = tmp_path / "bad.trig"
    bad.write_text(
        f"<{TEST_GRAPH}> {{ <https://w3id.org/biokg/id/person/x> a <https://w3id.org/biokg/ontology#Person> . }}"
    )
    result = biokg("load", "--store", store, bad)
    assert result.returncode == 1
    assert "Give this resource at least one rdfs:label with a language tag" in result.stderr
    assert store_digest(store) == before


def test_a_graph_no_metadata_describes_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert biokg("load", "--store", store).returncode == 0
    before = store_digest(store)
    facts = tmp_path / "facts.trig"
    facts.write_text(f'<{TEST_GRAPH}> {{ <urn:test:a> <urn:test:value> "1" . }}\n')
    result = biokg("load", "--store", store, facts)
    assert result.returncode == 1
    assert result.stderr.splitlines()[-4:] == [
        "Violation: This named graph is not described in the metadata graph: state it a bkg:SourceGraph, "
        "prov:wasDerivedFrom the record of its source.",
        "  focus node: graph:test-bulk",
        "  value:      graph:test-bulk",
        "  shape:      bkgsh:NamedGraphShape",
    ]
    assert store_digest(store) == before


def test_a_turtle_file_needs_a_graph_to_load_into(tmp_path: Path) -> None:
    turtle = tmp_path / "x.ttl"
    turtle.write_text("<urn:a> <urn:b> <urn:c> .\n")
    result = biokg("load", "--store", tmp_path / "store", turtle)
    assert result.returncode == 1
    assert result.stderr == f"error: {turtle}: holds triples outside a named graph: give --graph IRI\n"


def test_a_load_killed_half_way_leaves_the_old_graph(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert biokg("load", "--store", store).returncode == 0
    before = store_digest(store)
    bulk = bulk_trig(tmp_path / "bulk.trig", 150_000)
    load = subprocess.Popen(
        [sys.executable, "-m", "biokg", "load", "--store", str(store), str(bulk)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while len(list(store.glob("generation-*"))) < 2 and load.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    load.send_signal(signal.SIGKILL)
    load.wait(10)
    assert load.returncode == -signal.SIGKILL, "the load finished before it could be killed half-way"
    assert len(list(store.glob("generation-*"))) == 2  # the half-written next generation is there
    assert store_digest(store) == before
    assert len(list(store.glob("generation-*"))) == 1  # and opening the store removed it
