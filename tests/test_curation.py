"""A curator's workflow through the installed command: a new source's file, finding IRIs, checking the file
against the store with positions, its difference, and loading it beside the other sources."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from test_cli_store import store_digest

from biokg.config import Settings
from biokg.server import prepare
from biokg.shipped import data_dir
from biokg.store import EmbeddedStore
from biokg.web import create_app

ID = "https://w3id.org/biokg/id/"
GRAPH = "https://w3id.org/biokg/graph/"
METADATA = ox.NamedNode(GRAPH + "metadata")
SOURCE = [
    "source", "new", "https://www.example.org/news/biom-jubilaeum",
    "--title", "BioM feiert Jubiläum", "--publisher", "organization:biom", "--language", "de",
    "--published", "2022-07", "--retrieved", "2026-12-01",
]  # fmt: skip


def biokg(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    """The command over the whole shipped data (the session's BIOKG_DATA points at the seed)."""
    environment = {name: value for name, value in os.environ.items() if name != "BIOKG_DATA"}
    return subprocess.run(
        [sys.executable, "-m", "biokg", *map(str, arguments)],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("curated") / "store"
    assert biokg("load", "--store", folder).returncode == 0
    return folder


def new_source(folder: Path, facts: str = "") -> Path:
    result = biokg(*SOURCE, "--folder", folder)
    assert result.returncode == 0, result.stderr
    path = Path(result.stdout.strip())
    if facts:
        path.write_text(path.read_text().replace(f"<{GRAPH}biom-feiert-jubilaum-2022> {{\n}}", facts))
    return path


def test_source_new_writes_the_record_and_an_empty_graph(tmp_path: Path) -> None:
    path = new_source(tmp_path)
    assert path == tmp_path / "biom-feiert-jubilaum-2022.trig"
    quads = set(ox.parse(path.read_bytes(), format=ox.RdfFormat.TRIG))
    source = ox.NamedNode(ID + "source/biom-feiert-jubilaum-2022")
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert {(q.predicate.value, q.object) for q in quads if q.subject == source} == {
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", ox.NamedNode("https://w3id.org/biokg/ontology#SourceDocument")),
        ("http://www.w3.org/2000/01/rdf-schema#label", ox.Literal("BioM feiert Jubiläum", language="de")),
        ("http://purl.org/dc/terms/title", ox.Literal("BioM feiert Jubiläum", language="de")),
        ("http://purl.org/dc/terms/publisher", ox.NamedNode(ID + "organization/biom")),
        ("http://purl.org/dc/terms/issued", ox.Literal("2022-07", datatype=ox.NamedNode(xsd + "gYearMonth"))),
        ("http://purl.org/dc/terms/language", ox.Literal("de", datatype=ox.NamedNode(xsd + "language"))),
        ("https://schema.org/url", ox.Literal("https://www.example.org/news/biom-jubilaeum", datatype=ox.NamedNode(xsd + "anyURI"))),
        ("https://w3id.org/biokg/ontology#retrievedOn", ox.Literal("2026-12-01", datatype=ox.NamedNode(xsd + "date"))),
    }  # fmt: skip
    assert {q.graph_name for q in quads} == {METADATA}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--published", "July 2022"), "--published 'July 2022' is not YYYY, YYYY-MM or YYYY-MM-DD"),
        (("--language", "German"), "the language 'German' is not a tag such as en, de or ja"),
        (("--publisher", "BioM"), "the publisher 'BioM' is not an organisation: give organization:slug"),
    ],
)
def test_source_new_refuses_a_bad_value(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    arguments = list(SOURCE)
    arguments[arguments.index(change[0]) + 1] = change[1]
    result = biokg(*arguments, "--folder", tmp_path)
    assert (result.returncode, result.stderr.strip()) == (1, f"error: {message}")
    assert list(tmp_path.iterdir()) == []


def test_source_new_refuses_to_overwrite_a_file(tmp_path: Path) -> None:
    new_source(tmp_path)
    result = biokg(*SOURCE, "--folder", tmp_path)
    assert result.returncode == 1
    assert f"{tmp_path / 'biom-feiert-jubilaum-2022.trig'} exists" in result.stderr


def test_find_reuses_names_acronyms_and_ror_ids(store: Path) -> None:
    first = biokg("find", "BioM", "--store", store, "--limit", "1").stdout.splitlines()[2].split()
    assert first[0] == "organization:biom"
    by_ror = biokg("find", "05591te55", "--store", store).stdout.splitlines()
    assert by_ror[2].split()[0] == "organization:ludwig-maximilian-university-of-munich"
    assert by_ror[-1] == "(1 found)"
    empty = biokg("find", " ", "--store", store)
    assert (empty.returncode, empty.stderr.strip()) == (1, "error: give a text to find")


def test_validate_against_the_store_names_file_line_and_column_and_writes_nothing(
    store: Path, tmp_path: Path
) -> None:
    facts = f'<{GRAPH}biom-feiert-jubilaum-2022> {{\n    <{ID}person/horst-domdey> <https://schema.org/givenName> "Horst"@de .\n}}'
    path = new_source(tmp_path, facts)
    before = store_digest(store)
    result = biokg("validate", path, "--store", store)
    line = (
        path.read_text()
        .splitlines()
        .index(f'    <{ID}person/horst-domdey> <https://schema.org/givenName> "Horst"@de .')
        + 1
    )
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == f"{path}:{line}:5: Violation: Give schema:givenName as a plain string."
    assert store_digest(store) == before


def test_diff_says_what_a_source_adds_and_contradicts(store: Path, tmp_path: Path) -> None:
    facts = f'<{GRAPH}biom-feiert-jubilaum-2022> {{\n    <{ID}organization/biom> <https://w3id.org/biokg/ontology#foundingYear> "1996"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n}}'
    result = biokg("diff", new_source(tmp_path, facts), "--store", store)
    lines = result.stdout.splitlines()
    assert lines[0] == "adds 12 statement(s)"
    assert "  organization:biom bkg:foundingYear 1996 [graph:biom-feiert-jubilaum-2022]" in lines
    assert "removes 0 statement(s)" in lines
    contradicts = lines[lines.index("contradicts 1 statement(s)") :]
    assert contradicts == [
        "contradicts 1 statement(s)",
        "  organization:biom bkg:foundingYear 1996 [graph:biom-feiert-jubilaum-2022]",
        "    where organization:biom bkg:foundingYear 1997 [graph:biom-25th-anniversary-2022]",
        "    where organization:biom bkg:foundingYear 1997 [graph:event-eu-japan-conference-osaka-2022]",
    ]


def test_loading_a_source_merges_its_record_into_the_metadata_graph(store: Path, tmp_path: Path) -> None:
    facts = f'<{GRAPH}biom-feiert-jubilaum-2022> {{\n    <{ID}organization/biom> <https://w3id.org/biokg/ontology#foundingYear> "1997"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n}}'
    result = biokg("load", new_source(tmp_path, facts), "--store", store)
    assert result.returncode == 0, result.stderr
    loaded = EmbeddedStore(store)
    records = {
        q.subject.value
        for q in loaded.oxigraph.quads_for_pattern(None, None, None, METADATA)
        if isinstance(q.subject, ox.NamedNode)
    }
    del loaded
    assert {ID + "source/biom-feiert-jubilaum-2022", ID + "source/biom-osaka-partnership-renewal-2022"} <= records
    assert ID + "source/m4-award-vbio-2025" in records


@pytest.fixture(scope="module")
def shipped_client() -> Iterator[TestClient]:
    """The server on the whole shipped data."""
    context = prepare(Settings(query_workers=1, data=[data_dir()]))
    with TestClient(create_app(context)) as client:
        yield client
    context.engine.close()


def test_a_resource_page_shows_each_value_with_its_sources_and_marks_disagreements(
    shipped_client: TestClient,
) -> None:
    page = shipped_client.get("/id/person/shizuko-akira", headers={"Accept": "text/html"})
    assert page.status_code == 200
    rows = re.findall(r"<tr>(.*?)</tr>", page.text, flags=re.S)
    first = next(index for index, row in enumerate(rows) if ">given name</a>" in row)
    given = rows[first : first + 3]  # one row per value, the property's cell spanning them
    assert 'rowspan="3"' in given[0] and "sources disagree" in given[0]
    values = [re.findall(r"<td>(.*?)</td>", row)[0] for row in given]
    assert values == [
        "Shizuko",
        'Shizuo <span class="tag" title="a curator prefers this value">preferred</span>',
        "静男",
    ]
    assert given[0].count("Osaka and Munich continue their successful partnership") == 3  # three sources, one title
    assert "A strategic city for life sciences and medicine" in given[1]


def test_rows_compile_to_the_trig_of_the_sources_graph(tmp_path: Path) -> None:
    rows = tmp_path / "rows.yaml"
    rows.write_text(
        "graph: osaka-trifft-muenchen\n"
        "facts:\n"
        "  - organization:remohab a bkg:Company\n"
        '  - organization:remohab rdfs:label "Remohab Inc."@en\n'
        "  - [organization:remohab, schema:location, city:1853909]\n"
    )
    result = biokg("source", "rows", rows)
    assert result.returncode == 0, result.stderr
    graph = ox.NamedNode(GRAPH + "osaka-trifft-muenchen")
    remohab = ox.NamedNode(ID + "organization/remohab")
    assert set(ox.parse(result.stdout.encode(), format=ox.RdfFormat.TRIG)) == {
        ox.Quad(
            remohab,
            ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            ox.NamedNode("https://w3id.org/biokg/ontology#Company"),
            graph,
        ),
        ox.Quad(
            remohab,
            ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
            ox.Literal("Remohab Inc.", language="en"),
            graph,
        ),
        ox.Quad(remohab, ox.NamedNode("https://schema.org/location"), ox.NamedNode(ID + "place/city/1853909"), graph),
    }


def test_a_row_that_is_no_statement_is_refused_at_its_line(tmp_path: Path) -> None:
    rows = tmp_path / "rows.yaml"
    rows.write_text(
        "graph: osaka-trifft-muenchen\nfacts:\n  - organization:remohab a bkg:Company\n  - organization:remohab nolabel:x 3\n"
    )
    result = biokg("source", "rows", rows)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {rows}:4:5: 'organization:remohab nolabel:x 3' is not a statement: ")
    assert result.stdout == ""
