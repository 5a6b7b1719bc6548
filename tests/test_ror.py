"""`biokg import ror` on a fixture of real ROR records: mapping, places, links to the seed, rejections, filters."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import described, value_of

from biokg.canned import Catalogue
from biokg.dataset import ensure_loaded, load_quads
from biokg.engine import json_fetcher
from biokg.errors import NotFoundError
from biokg.ror import importer
from biokg.ror.importer import ROR_GRAPH, RecordFilter, import_ror
from biokg.ror.records import read_records
from biokg.search.service import searching_engine
from biokg.shipped import shipped_dir
from biokg.sources import Sources
from biokg.store import EmbeddedStore, Store

FIXTURE = Path(__file__).parent / "ror" / "records.jsonl"
ID = "https://w3id.org/biokg/id/"
BKG = "https://w3id.org/biokg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
GRID_MESSAGE = 'bkg:gridId is a GRID id as a plain string, e.g. "grid.5252.0".'


def fresh_store(folder: Path, sources: Sources) -> EmbeddedStore:
    store = EmbeddedStore(folder)
    ensure_loaded(store, sources)
    return store


def values(store: Store, query: str) -> list[str]:
    answer = store.query(query)
    assert not isinstance(answer, bool | tuple)
    return [" ".join(term.value if term is not None else "" for term in row) for row in answer.rows]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, sources: Sources) -> EmbeddedStore:
    store = fresh_store(tmp_path_factory.mktemp("ror") / "store", sources)
    report = import_ror(FIXTURE, store, sources)
    assert (report.read, report.imported, report.filtered) == (23, 22, 0)
    return store


def test_the_cli_imports_the_fixture_and_lists_the_rejected_record(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "biokg", "import", "ror", str(FIXTURE), "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (
        f"rejected records.jsonl:21 02fvjvv74: {GRID_MESSAGE} "
        '(bkg:gridId: "https://www.grid.ac/institutes/grid.445690.a")'
    ) in result.stderr.splitlines()
    assert result.stdout.startswith("Read 23 records: imported 22, rejected 1, left out by the filter 0; ")


def test_records_map_onto_the_ontology(imported: EmbeddedStore) -> None:
    max_planck_library = f"{ID}organization/ror-0061msm67"
    rows = values(
        imported,
        f"SELECT ?p ?o WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{max_planck_library}> ?p ?o }} }} ORDER BY ?p ?o",
    )
    assert rows == [
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type https://w3id.org/biokg/ontology#Archive",
        "http://www.w3.org/2000/01/rdf-schema#label Max Planck Digital Library",
        "http://www.w3.org/2004/02/skos/core#altLabel MPDL",
        "http://www.w3.org/2004/02/skos/core#exactMatch http://www.wikidata.org/entity/Q1394898",
        "http://www.w3.org/2004/02/skos/core#exactMatch https://ror.org/0061msm67",
        "http://www.w3.org/ns/org#subOrganizationOf https://w3id.org/biokg/id/organization/ror-01hhn8329",
        "http://xmlns.com/foaf/0.1/homepage https://www.mpdl.mpg.de/en",
        "https://schema.org/location https://w3id.org/biokg/id/place/city/2867714",
        "https://w3id.org/biokg/ontology#foundingYear 2007",
        "https://w3id.org/biokg/ontology#gridId grid.431460.4",
        "https://w3id.org/biokg/ontology#isni 0000 0004 0432 4635",
        "https://w3id.org/biokg/ontology#registryStatus inactive",
        "https://w3id.org/biokg/ontology#rorId 0061msm67",
        "https://w3id.org/biokg/ontology#successor https://w3id.org/biokg/id/organization/ror-009r0wm36",
    ]
    names = imported.query(
        f"SELECT ?name WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{max_planck_library}> "
        "<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#altLabel> ?name } } "
        "ORDER BY ?name"
    )
    assert not isinstance(names, bool | tuple)
    # each name in its record's language; an acronym without one is "und" (undetermined), as rdf:langString needs
    assert [(row[0].value, row[0].language) for row in names.rows if isinstance(row[0], ox.Literal)] == [
        ("MPDL", "und"),
        ("Max Planck Digital Library", "en"),
    ]


def test_every_ror_type_has_its_class(imported: EmbeddedStore) -> None:
    rows = values(
        imported,
        f"SELECT DISTINCT ?class WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ ?o a ?class ; <{BKG}rorId> ?id }} }} "
        "ORDER BY ?class",
    )
    expected = ["Archive", "Company", "EducationalOrganization", "Funder", "GovernmentBody", "HealthcareOrganization"]
    expected += ["NonprofitOrganization", "Organization", "ResearchFacility"]
    assert rows == [BKG + name for name in expected]


def test_the_seed_places_are_the_same_resources_and_stay_curated(imported: EmbeddedStore) -> None:
    munich, bavaria = f"{ID}place/city/2867714", f"{ID}place/region/de-by"
    in_ror_graph = values(imported, f"SELECT ?p WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{munich}> ?p ?o }} }}")
    assert in_ror_graph == []  # described by the curated places graph only
    located = values(
        imported,
        f"SELECT ?o WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ ?o <https://schema.org/location> <{munich}> }} }} "
        "ORDER BY ?o",
    )
    expected = ("003x73b58", "0061msm67", "009r0wm36", "00kt9hm47", "012peaf20")
    assert located == [f"{ID}organization/ror-{ror}" for ror in expected]
    planegg = values(
        imported, f"SELECT ?r WHERE {{ <{ID}place/city/2853463> <https://schema.org/containedInPlace> ?r }}"
    )
    assert planegg == [bavaria]


def test_organisations_outside_the_import_become_named_stubs(imported: EmbeddedStore) -> None:
    parent = f"{ID}organization/ror-01hhn8329"
    rows = values(imported, f"SELECT ?p ?o WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{parent}> ?p ?o }} }} ORDER BY ?p")
    assert rows == [
        f"http://www.w3.org/1999/02/22-rdf-syntax-ns#type {BKG}Organization",
        "http://www.w3.org/2000/01/rdf-schema#label Max Planck Society",
        "http://www.w3.org/2004/02/skos/core#exactMatch https://ror.org/01hhn8329",
        f"{BKG}rorId 01hhn8329",
    ]


def test_the_import_graph_says_where_it_came_from(imported: EmbeddedStore) -> None:
    rows = values(
        imported,
        f"""SELECT ?entities ?licence ?comment WHERE {{ GRAPH <{ROR_GRAPH.value}> {{
              <{ROR_GRAPH.value}> <http://rdfs.org/ns/void#entities> ?entities ;
                  <http://www.w3.org/2000/01/rdf-schema#comment> ?comment ;
                  <http://www.w3.org/ns/prov#wasDerivedFrom>/<http://purl.org/dc/terms/license> ?licence }} }}""",
    )
    assert rows == [
        "22 https://creativecommons.org/publicdomain/zero/1.0/ "
        "23 records read from records.jsonl, 22 imported, 1 rejected or left out"
    ]


def canned(store: Store, name: str, **given: list[str]) -> list[tuple[str, ...]]:
    catalogue = Catalogue.read(shipped_dir("queries"))
    _bound, answer = catalogue.run(catalogue.get(name), given, json_fetcher(searching_engine(store)), 1000)
    return [tuple(value_of(term) if term is not None else "" for term in row) for row in answer.rows]


def test_companies_in_bavaria_and_osaka_prefecture_answer_from_the_import(imported: EmbeddedStore) -> None:
    company = [BKG + "Company"]
    bavaria = canned(imported, "organisations", place=["region:de-by"], kind=company)
    assert [row[1] for row in bavaria] == [
        "GKM Gesellschaft für Therapieforschung mbH (Germany)",
        "Hensoldt (Germany)",
        "Protina Pharmazeutische GmbH (Germany)",
        "Tubulis (Germany)",
        "VERBUND Innkraftwerke GmbH (Germany)",
    ]
    osaka = canned(imported, "organisations", place=["region:jp-27"], kind=company)
    assert [row[1] for row in osaka] == [
        "Kuboko Paint Co., Ltd. (Japan)",
        "Sawai Pharmaceutical Co., Ltd. (Japan)",
        "Technol Eight Co., Ltd. (Japan)",
    ]
    pharma = canned(imported, "life-science-companies")
    assert [(row[1], row[3]) for row in pharma] == [
        ("GKM Gesellschaft für Therapieforschung mbH (Germany)", "name"),
        ("Protina Pharmazeutische GmbH (Germany)", "name"),
    ]


def test_the_sub_organisation_tree(imported: EmbeddedStore) -> None:
    tree = canned(imported, "sub-organisations", org=[f"{ID}organization/ror-02kpeqv85"])
    assert (
        f"{ID}organization/ror-0035da546",
        "Academic Center for Computing and Media Studies, Kyoto University",
        f"{ID}organization/ror-02kpeqv85",
        "Kyoto University",
    ) in tree


def test_a_curated_organisation_linked_to_a_ror_id_is_not_duplicated(tmp_path: Path, sources: Sources) -> None:
    store = fresh_store(tmp_path / "store", sources)
    link = ox.Quad(
        ox.NamedNode(f"{ID}organization/biom"),
        ox.NamedNode("http://www.w3.org/2004/02/skos/core#exactMatch"),
        ox.NamedNode("https://ror.org/00kt9hm47"),
        ox.NamedNode("https://w3id.org/biokg/graph/links"),
    )
    load_quads(store, [link, *described("https://w3id.org/biokg/graph/links")], sources)
    import_ror(FIXTURE, store, sources)
    assert store.query(f"ASK {{ <{ID}organization/ror-00kt9hm47> ?p ?o }}") is False
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    in_ror = values(
        store, f"SELECT ?l WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{ID}organization/biom> {label} ?l }} }}"
    )
    assert in_ror == ["Hensoldt (Germany)"]
    curated = values(
        store,
        f"SELECT ?l WHERE {{ GRAPH <https://w3id.org/biokg/graph/biom-osaka-partnership-renewal-2022> "
        f"{{ <{ID}organization/biom> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }}",
    )
    assert curated == ["BioM Biotech Cluster Development GmbH"]


def test_a_line_that_is_not_json_is_reported_with_its_line_and_nothing_is_lost(
    tmp_path: Path, sources: Sources
) -> None:
    lines = FIXTURE.read_text().splitlines()
    broken = tmp_path / "broken.jsonl.gz"
    broken.write_bytes(
        gzip.compress("\n".join([*lines[:2], '{"id": "https://ror.org/x", "names": [', *lines[2:]]).encode())
    )
    store = fresh_store(tmp_path / "store", sources)
    report = import_ror(broken, store, sources)
    assert report.read == 24
    assert report.imported + len(report.rejected) == report.read
    assert next((r.where, r.message) for r in report.rejected) == (
        "broken.jsonl.gz:3",
        "not JSON: Expecting value at column 39",
    )


def test_filters_keep_records_by_country_and_type(tmp_path: Path, sources: Sources) -> None:
    store = fresh_store(tmp_path / "store", sources)
    report = import_ror(FIXTURE, store, sources, RecordFilter(frozenset({"JP"}), frozenset({"company"})))
    assert (report.read, report.imported, report.filtered, len(report.rejected)) == (23, 3, 20, 0)


def test_a_zip_dump_and_a_folder_of_records_are_read(tmp_path: Path) -> None:
    records = [json.loads(line) for line in FIXTURE.read_text().splitlines()]
    dump = tmp_path / "v2.0-ror-data.zip"
    with zipfile.ZipFile(dump, "w") as archive:
        archive.writestr("v2.0-ror-data.json", json.dumps(records[:5]))
    assert [read.record["id"] for read in read_records(dump) if read.record] == [r["id"] for r in records[:5]]
    folder = tmp_path / "records"
    folder.mkdir()
    for record in records[:3]:
        (folder / (record["id"].rsplit("/", 1)[1] + ".json")).write_text(json.dumps(record))
    assert len([read for read in read_records(folder) if read.record]) == 3


def test_a_failed_import_leaves_the_store_as_it_was(tmp_path: Path, sources: Sources) -> None:
    store = fresh_store(tmp_path / "store", sources)
    before = sorted(map(str, store.quads()))
    with pytest.raises(NotFoundError, match="no ROR records at"):
        import_ror(tmp_path / "missing.jsonl", store, sources)
    assert sorted(map(str, store.quads())) == before


def test_the_cli_exits_1_on_a_missing_source(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    command = [sys.executable, "-m", "biokg", "import", "ror", str(missing), "--store", str(tmp_path / "store")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert f"error: no ROR records at {missing}" in result.stderr.splitlines()


def test_small_batches_give_the_same_graph_as_one(
    tmp_path: Path, sources: Sources, imported: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Memory is bounded by the batch: records validated four at a time give the same import."""
    monkeypatch.setattr(importer, "BATCH", 4)
    store = fresh_store(tmp_path / "store", sources)
    report = import_ror(FIXTURE, store, sources)
    assert (report.imported, [r.ror_id for r in report.rejected]) == (22, ["02fvjvv74"])

    def ror_graph(of: Store) -> set[str]:
        query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ ?s ?p ?o }} "
        query += f"FILTER(?p != <{PROV}generatedAtTime>) }}"
        return set(values(of, query))

    assert ror_graph(store) == ror_graph(imported)
