"""`biokg import ror` on a fixture of real ROR records: mapping, places, links to the seed, rejections, filters."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

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
MORE = FIXTURE.with_name("more.jsonl")
SCHEMA1 = FIXTURE.with_name("schema1.jsonl")
ID = "https://w3id.org/biokg/id/"
BKG = "https://w3id.org/biokg/ontology#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
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
    report = import_ror([FIXTURE], store, sources)
    assert (report.read, report.imported, report.filtered) == (23, 23, 0)
    return store


def test_the_cli_imports_several_files_and_lists_the_rejected_record(tmp_path: Path) -> None:
    files = [str(FIXTURE), str(MORE), str(SCHEMA1)]
    result = subprocess.run(
        [sys.executable, "-m", "biokg", "import", "ror", *files, "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert f'rejected more.jsonl:1 05swbnm48: {GRID_MESSAGE} (bkg:gridId: "100011307")' in result.stderr.splitlines()
    assert result.stdout.startswith("Read 36 records: imported 35, rejected 1, left out by the filter 0; ")


def test_records_map_onto_the_ontology(imported: EmbeddedStore) -> None:
    max_planck_library = f"{ID}organization/ror-0061msm67"
    rows = values(
        imported,
        f"SELECT ?p ?o WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{max_planck_library}> ?p ?o }} }} ORDER BY ?p ?o",
    )
    assert rows == [
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type https://w3id.org/biokg/ontology#Archive",
        "http://www.w3.org/2000/01/rdf-schema#label Max Planck Digital Library",
        "http://www.w3.org/2004/02/skos/core#exactMatch http://www.wikidata.org/entity/Q1394898",
        "http://www.w3.org/2004/02/skos/core#exactMatch https://ror.org/0061msm67",
        "http://www.w3.org/2004/02/skos/core#prefLabel Max Planck Digital Library",
        "http://www.w3.org/ns/org#subOrganizationOf https://w3id.org/biokg/id/organization/ror-01hhn8329",
        "http://xmlns.com/foaf/0.1/homepage https://www.mpdl.mpg.de/en",
        "http://xmlns.com/foaf/0.1/isPrimaryTopicOf https://en.wikipedia.org/wiki/Max_Planck_Digital_Library",
        "https://schema.org/location https://w3id.org/biokg/id/place/city/2867714",
        "https://w3id.org/biokg/ontology#acronym MPDL",
        "https://w3id.org/biokg/ontology#foundingYear 2007",
        "https://w3id.org/biokg/ontology#gridId grid.431460.4",
        "https://w3id.org/biokg/ontology#isni 0000 0004 0432 4635",
        "https://w3id.org/biokg/ontology#preferredGridId grid.431460.4",
        "https://w3id.org/biokg/ontology#recordModifiedOn 2026-03-12",
        "https://w3id.org/biokg/ontology#registeredOn 2018-11-14",
        "https://w3id.org/biokg/ontology#registryStatus inactive",
        "https://w3id.org/biokg/ontology#rorId 0061msm67",
        "https://w3id.org/biokg/ontology#successor https://w3id.org/biokg/id/organization/ror-009r0wm36",
    ]
    names = imported.query(
        f"SELECT ?name WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{max_planck_library}> "
        f"<http://www.w3.org/2000/01/rdf-schema#label>|<{BKG}acronym> ?name }} }} "
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
        f"""SELECT ?entities ?licence ?comment WHERE {{ GRAPH <https://w3id.org/biokg/graph/metadata> {{
              <{ROR_GRAPH.value}> <http://rdfs.org/ns/void#entities> ?entities ;
                  <http://www.w3.org/2000/01/rdf-schema#comment> ?comment ;
                  <http://www.w3.org/ns/prov#wasDerivedFrom>/<http://purl.org/dc/terms/license> ?licence }} }}""",
    )
    assert rows == [
        "23 https://creativecommons.org/publicdomain/zero/1.0/ "
        "23 records read from records.jsonl: 23 imported, 0 rejected, 0 left out by the filter"
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
    import_ror([FIXTURE], store, sources)
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
    report = import_ror([broken], store, sources)
    assert report.read == 24
    assert report.imported + len(report.rejected) == report.read
    assert next((r.where, r.message) for r in report.rejected) == (
        "broken.jsonl.gz:3",
        "not JSON: Expecting value at column 39",
    )


def test_filters_keep_records_by_country_and_type(tmp_path: Path, sources: Sources) -> None:
    store = fresh_store(tmp_path / "store", sources)
    report = import_ror([FIXTURE], store, sources, RecordFilter(frozenset({"JP"}), frozenset({"company"})))
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
        import_ror([tmp_path / "missing.jsonl"], store, sources)
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
    report = import_ror([FIXTURE], store, sources)
    assert (report.imported, report.rejected) == (23, [])

    def ror_graph(of: Store) -> set[str]:
        query = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ ?s ?p ?o }} "
        query += f"FILTER(?p != <{PROV}generatedAtTime>) }}"
        return set(values(of, query))

    assert ror_graph(store) == ror_graph(imported)


def expected_statements(raw: dict[str, Any]) -> set[tuple[str, str, str]]:
    """What the graph must say of a record, read from the record itself: (property, value, language)."""
    rdfs, skos, foaf = "http://www.w3.org/2000/01/rdf-schema#", "http://www.w3.org/2004/02/skos/core#", FOAF
    classes = {"education": "EducationalOrganization", "company": "Company", "facility": "ResearchFacility"}
    classes |= {"nonprofit": "NonprofitOrganization", "government": "GovernmentBody", "funder": "Funder"}
    classes |= {"healthcare": "HealthcareOrganization", "archive": "Archive", "other": "Organization"}
    relations = {
        "parent": ORG + "subOrganizationOf",
        "child": ORG + "hasSubOrganization",
        "related": ORG + "linkedTo",
    }
    relations |= {"predecessor": BKG + "predecessor", "successor": BKG + "successor"}
    ror_id = raw["id"].rsplit("/", 1)[1]
    said = {
        (BKG + "rorId", ror_id, ""),
        (skos + "exactMatch", raw["id"], ""),
        (BKG + "registryStatus", raw["status"], ""),
    }
    said |= {(RDF_TYPE, BKG + classes[kind.lower()], "") for kind in raw["types"]}
    if raw.get("established"):
        said.add((BKG + "foundingYear", str(raw["established"]), ""))
    if "name" in raw:  # schema 1
        names: list[tuple[str, str, tuple[str, ...]]] = [(raw["name"], "", (rdfs + "label", skos + "prefLabel"))]
        names += [(alias, "", (skos + "altLabel",)) for alias in raw["aliases"]]
        names += [(acronym, "", (BKG + "acronym",)) for acronym in raw["acronyms"]]
        names += [(label["label"], label["iso639"], (skos + "prefLabel",)) for label in raw["labels"]]
        ids = [(kind.lower(), ids) for kind, ids in raw["external_ids"].items()]
        ids = [
            (kind, {"all": v["all"] if isinstance(v["all"], list) else [v["all"]], "preferred": v["preferred"]})
            for kind, v in ids
        ]
        links = [(foaf + "homepage", link) for link in raw["links"]]
        links += [(foaf + "isPrimaryTopicOf", raw["wikipedia_url"])] if raw["wikipedia_url"] else []
        cities = [address["geonames_city"]["id"] for address in raw["addresses"]]
        relationships = [(r["type"].lower(), r["id"]) for r in raw["relationships"]]
    else:
        properties = {"ror_display": rdfs + "label", "label": skos + "prefLabel", "alias": skos + "altLabel"}
        properties["acronym"] = BKG + "acronym"
        names = [(n["value"], n["lang"] or "", tuple(properties[t] for t in n["types"])) for n in raw["names"]]
        ids = [(e["type"], e) for e in raw["external_ids"]]
        kinds = {"website": foaf + "homepage", "wikipedia": foaf + "isPrimaryTopicOf"}
        links = [(kinds[link["type"]], link["value"]) for link in raw["links"]]
        cities = [location["geonames_id"] for location in raw["locations"]]
        relationships = [(r["type"], r["id"]) for r in raw["relationships"]]
        said |= {(BKG + "internetDomain", domain, "") for domain in raw["domains"]}
        said.add((BKG + "registeredOn", raw["admin"]["created"]["date"], ""))
        said.add((BKG + "recordModifiedOn", raw["admin"]["last_modified"]["date"], ""))
    said |= {(p, value, language or "und") for value, language, ps in names for p in ps}
    identifiers = {"grid": BKG + "gridId", "isni": BKG + "isni", "fundref": BKG + "fundrefId"}
    preferred = {
        "grid": BKG + "preferredGridId",
        "isni": BKG + "preferredIsni",
        "fundref": BKG + "preferredFundrefId",
    }
    for kind, values_of_kind in ids:
        wikidata = kind == "wikidata"
        if kind not in identifiers and not wikidata:
            continue
        written = [v.rsplit("/", 1)[1] if v.startswith("https://www.grid.ac/") else v for v in values_of_kind["all"]]
        if kind == "isni":  # written in groups of four, however the record spaces them
            written = [" ".join(re.findall(".{4}", v.replace(" ", ""))) for v in written]
        shown = [f"http://www.wikidata.org/entity/{v}" if wikidata else v for v in written]
        said |= {(skos + "exactMatch" if wikidata else identifiers[kind], v, "") for v in shown}
        if values_of_kind["preferred"]:
            chosen = shown[values_of_kind["all"].index(values_of_kind["preferred"])]  # preferred is one of all
            said.add((BKG + "preferredWikidataEntity" if wikidata else preferred[kind], chosen, ""))
    said |= {(p, link, "") for p, link in links}
    said |= {("https://schema.org/location", f"{ID}place/city/{city}", "") for city in cities}
    said |= {
        (relations[kind], f"{ID}organization/ror-{other.rsplit('/', 1)[1]}", "") for kind, other in relationships
    }
    return said


@pytest.fixture(scope="module")
def imported_all(tmp_path_factory: pytest.TempPathFactory, sources: Sources) -> EmbeddedStore:
    store = fresh_store(tmp_path_factory.mktemp("ror-all") / "store", sources)
    report = import_ror([FIXTURE, MORE, SCHEMA1], store, sources)
    assert (report.read, report.imported, [r.key for r in report.rejected]) == (36, 35, ["05swbnm48"])
    return store


def test_every_field_of_35_real_records_of_both_schemas_is_in_the_graph(imported_all: EmbeddedStore) -> None:
    records = [json.loads(line) for file in (FIXTURE, MORE, SCHEMA1) for line in file.read_text().splitlines()]
    compared = 0
    for raw in records:
        if raw["id"].endswith("05swbnm48"):
            continue
        iri = f"{ID}organization/ror-{raw['id'].rsplit('/', 1)[1]}"
        answer = imported_all.query(f"SELECT ?p ?o WHERE {{ GRAPH <{ROR_GRAPH.value}> {{ <{iri}> ?p ?o }} }}")
        assert not isinstance(answer, bool | tuple)
        stated = {
            (row[0].value, row[1].value, getattr(row[1], "language", None) or "")
            for row in answer.rows
            if row[0] is not None and row[1] is not None
        }
        assert stated == expected_statements(raw), raw["id"]
        compared += 1
    assert compared == 35


def test_a_schema1_address_with_a_state_is_in_its_iso_region(imported_all: EmbeddedStore) -> None:
    located = "<https://schema.org/location>/<https://schema.org/containedInPlace>"
    city = values(imported_all, f"SELECT ?region WHERE {{ <{ID}organization/ror-02rcfyf15> {located} ?region }}")
    assert city == [f"{ID}place/region/us-ny"]


def test_a_zenodo_dump_with_both_schemas_is_read_once_from_its_schema_2_file(tmp_path: Path) -> None:
    records = [json.loads(line) for line in FIXTURE.read_text().splitlines()][:3]
    old = [json.loads(line) for line in SCHEMA1.read_text().splitlines()][:3]
    dump = tmp_path / "v1.50-2024-07-29-ror-data.zip"
    with zipfile.ZipFile(dump, "w") as archive:  # ROR's Zenodo layout: the same records in both schemas
        archive.writestr("v1.50-2024-07-29-ror-data.json", json.dumps(old))
        archive.writestr("v1.50-2024-07-29-ror-data_schema_v2.json", json.dumps(records))
    assert [read.record["id"] for read in read_records(dump) if read.record] == [r["id"] for r in records]
