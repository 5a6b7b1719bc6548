"""`biokg import clinicaltrials` and `biokg import ema` on 30-odd real records each, after ROR: every field compared
with the graph, counts that add up, the rejected rows listed, links to ROR, provenance, and canned queries on them."""

from __future__ import annotations

import csv
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import SEED
from test_canned import run

from biokg.clinicaltrials.importer import import_clinicaltrials
from biokg.dataset import ensure_loaded
from biokg.ema.importer import import_ema
from biokg.ema.records import read_medicines
from biokg.importing.pipeline import ImportReport
from biokg.ror.importer import import_ror
from biokg.sources import load_sources
from biokg.store import EmbeddedStore

HERE = Path(__file__).parent
STUDIES = HERE / "registries" / "ctg-studies.csv"
MEDICINES = HERE / "registries" / "medicines-epar.xlsx"
ROR_RECORDS = [HERE / "ror" / "records.jsonl", HERE / "registries" / "ror.jsonl"]
ID = "https://w3id.org/biokg/id/"
BKG = "https://w3id.org/biokg/ontology#"
SCHEMA = "https://schema.org/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
NOTATION = "http://www.w3.org/2004/02/skos/core#notation"
ASSOCIATION = "http://www.w3.org/ns/prov#qualifiedAssociation"
XSD = "http://www.w3.org/2001/XMLSchema#"
CT_GRAPH = "https://w3id.org/biokg/graph/clinicaltrials"
EMA_GRAPH = "https://w3id.org/biokg/graph/ema"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("registries") / "store"


@pytest.fixture(scope="module")
def imported(folder: Path) -> Iterator[tuple[EmbeddedStore, ImportReport, ImportReport]]:
    sources = load_sources(SEED)
    store = EmbeddedStore(folder)
    ensure_loaded(store, sources)
    import_ror(ROR_RECORDS, store, sources)
    medicines = import_ema(MEDICINES, store, sources)
    studies = import_clinicaltrials(STUDIES, store, sources)
    yield store, studies, medicines


def statements(store: EmbeddedStore, graph: str, subject: str) -> set[tuple[str, str, str]]:
    """(property, value, datatype or language) of what `graph` says of `subject`."""
    answer = store.query(f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ <{subject}> ?p ?o }} }}")
    assert not isinstance(answer, bool | tuple)
    said = set()
    for p, o in answer.rows:
        assert p is not None and o is not None
        kind = (o.language or o.datatype.value.removeprefix(XSD)) if isinstance(o, ox.Literal) else ""
        said.add((p.value.removeprefix(BKG).removeprefix(SCHEMA), o.value.removeprefix(BKG), kind))
    return said


def dated(value: str) -> str:
    return {10: "date", 7: "gYearMonth", 4: "gYear"}[len(value)]


def expected_study(row: dict[str, str]) -> set[tuple[str, str, str]]:
    """What the graph must say of a study, read from its row of the export."""
    split = [value.strip() for value in row["Conditions"].split("|") if value.strip()]
    said = {("nctId", row["NCT Number"], "string"), ("url", row["Study URL"], "anyURI")}
    said.add((RDFS_LABEL, row["Study Title"], "en"))
    said |= {("healthCondition", condition, "en") for condition in split}
    said |= {("intervention", item, "en") for item in row["Interventions"].split("|") if item}
    said |= {("otherStudyId", item, "string") for item in row["Other IDs"].split("|") if item}
    if row["Acronym"]:
        said.add(("http://www.w3.org/2004/02/skos/core#altLabel", row["Acronym"], "en"))
    if row["Enrollment"]:
        said.add(("enrollment", row["Enrollment"], "integer"))
    columns = {"Start Date": "startDate", "Primary Completion Date": "primaryCompletionDate"}
    columns |= {"Completion Date": "endDate", "First Posted": "firstPosted", "Last Update Posted": "lastUpdatePosted"}
    said |= {(term, row[column], dated(row[column])) for column, term in columns.items() if row[column]}
    return said


def test_32_studies_are_imported_field_by_field(imported: tuple[EmbeddedStore, ImportReport, ImportReport]) -> None:
    store, studies, _ = imported
    assert (studies.read, studies.imported, studies.rejected) == (32, 32, [])
    rows = list(csv.DictReader(STUDIES.read_text(encoding="utf-8").splitlines()))
    simple = {"nctId", "url", RDFS_LABEL, "healthCondition", "intervention", "otherStudyId"}
    simple |= {"http://www.w3.org/2004/02/skos/core#altLabel", "enrollment", "startDate", "primaryCompletionDate"}
    simple |= {"endDate", "firstPosted", "lastUpdatePosted"}
    for row in rows:
        iri = f"{ID}study/{row['NCT Number'].lower()}"
        said = statements(store, CT_GRAPH, iri)
        assert {s for s in said if s[0] in simple} == expected_study(row), row["NCT Number"]
        codes = store.query(f"SELECT ?what ?code WHERE {{ <{iri}> ?what ?concept . ?concept <{NOTATION}> ?code }}")
        assert not isinstance(codes, bool | tuple)
        found = {(w.value.removeprefix(BKG), c.value) for w, c in codes.rows if w is not None and c is not None}
        phases = {("phase", phase) for phase in row["Phases"].split("|") if phase}
        kind = {("studyType", row["Study Type"])} if row["Study Type"] else set()
        assert found == {("studyStatus", row["Study Status"]), *phases, *kind}, row["NCT Number"]
        roles = store.query(
            f"SELECT ?label WHERE {{ GRAPH <{CT_GRAPH}> {{ <{iri}> <{ASSOCIATION}>/<{RDFS_LABEL}> ?label }} }}"
        )
        assert not isinstance(roles, bool | tuple)
        named = sorted(str(r[0].value) for r in roles.rows if r[0] is not None)
        sponsor = [] if row["Sponsor"] == "[Redacted]" else [f"{row['Sponsor']}, lead sponsor of {row['NCT Number']}"]
        collaborators = [f"{c}, collaborator of {row['NCT Number']}" for c in row["Collaborators"].split("|") if c]
        assert named == sorted(sponsor + collaborators), row["NCT Number"]


FLAGS = {"Generic": "generic", "Biosimilar": "biosimilar", "Conditional approval": "conditionalApproval"}
FLAGS |= {"Exceptional circumstances": "exceptionalCircumstances", "Accelerated assessment": "acceleratedAssessment"}
FLAGS |= {"Orphan medicine": "orphanMedicine", "Additional monitoring": "additionalMonitoring"}
REJECTED = [
    ("medicines-epar.xlsx:row 12", "Date of refusal of marketing authorisation is empty for a refused medicine"),
    ("medicines-epar.xlsx:row 35", "Marketing authorisation date is empty, but Authorisation status is 'Authorised'"),
    ("medicines-epar.xlsx:row 36", "ATC code 'L01XE3' is not an ATC code (such as J02AC03, or L04AC)"),
    ("medicines-epar.xlsx:row 37", "Date of refusal of marketing authorisation is empty for a refused medicine"),
]


def test_30_medicines_are_read_26_imported_field_by_field_and_4_rejected_with_their_row(
    imported: tuple[EmbeddedStore, ImportReport, ImportReport],
) -> None:
    store, _, medicines = imported
    assert (medicines.read, medicines.imported) == (30, 26)
    assert [(r.where, r.message) for r in medicines.rejected] == REJECTED
    compared = 0
    for read in read_medicines(MEDICINES):
        row = read.record
        assert row is not None
        if read.where in {where for where, _ in REJECTED}:
            continue
        iri = f"{ID}medicine/{row['Product number'].lower().replace('/', '-')}"
        said = statements(store, EMA_GRAPH, iri)
        flags = {(term, "true" if row[column] == "yes" else "false", "boolean") for column, term in FLAGS.items()}
        assert {s for s in said if s[1] in ("true", "false")} == flags, row["Medicine name"]
        assert (RDFS_LABEL, row["Medicine name"], "en") in said
        assert ("emaProductNumber", row["Product number"], "string") in said
        assert ("url", row["URL"], "anyURI") in said
        status = {"Authorised": "Authorised", "Withdrawn": "Withdrawn", "Refused": "Refused"}[
            row["Authorisation status"]
        ]
        category = {"Human": "HumanUse", "Veterinary": "VeterinaryUse"}[row["Category"]]
        assert {("authorisationStatus", status, ""), ("medicineCategory", category, "")} <= said
        events = store.query(
            f"SELECT ?kind ?date ?company WHERE {{ GRAPH <{EMA_GRAPH}> {{ "
            f"?event <{BKG}authorises>|<{BKG}refusalOf> <{iri}> ; a ?kind ; <{BKG}date> ?date }} "
            f"OPTIONAL {{ ?event <{BKG}holder>|<{BKG}applicant> ?who . ?who <{RDFS_LABEL}> ?company }} }}"
        )
        assert not isinstance(events, bool | tuple)
        found = {(k.value.removeprefix(BKG), d.value, c.value if c else "") for k, d, c in events.rows if k and d}
        holder = " ".join((row["Marketing authorisation holder/company name"] or "").split())  # spacing tidied
        wanted = set()
        if row["Marketing authorisation date"]:
            wanted.add(("MarketingAuthorisation", str(row["Marketing authorisation date"]), holder))
        if row["Date of refusal of marketing authorisation"]:
            applicant = holder if not row["Marketing authorisation date"] else ""
            wanted.add(("AuthorisationRefusal", str(row["Date of refusal of marketing authorisation"]), applicant))
        assert found == wanted, row["Medicine name"]
        compared += 1
    assert compared == 26


REGISTRY_QUERIES: list[tuple[str, dict[str, list[str]], list[tuple[str, ...]]]] = [
    (
        "trials-by-sponsor",
        {"sponsor": ["https://w3id.org/biokg/id/organization/ror-01jaj8n65"]},
        [
            (
                "organization/ror-01jaj8n65",
                "Assiut University",
                "study/nct06964321",
                "Effectiveness of Intercostal Tube Drainage Vs Pigtail Catheter Drainage Vs Ultrasound-Guided "
                "Aspiration in Management of Massive Malignant Pleural Effusion",
                "not yet recruiting",
                "0",
                "",
            ),
            (
                "organization/ror-01jaj8n65",
                "Assiut University",
                "study/nct06964334",
                "The Effect of Vitamin D Supplement as Adjuvant Therapy in Eradication of Helicobacter Pylori "
                "Infection",
                "not yet recruiting",
                "0",
                "",
            ),
        ],
    ),
    (
        "industry-collaborations",
        {},
        [
            (
                "organization/named-affiliated-hospital-of-shandong-university-of-traditional-chinese-medicine-hospital",
                "Affiliated Hospital of Shandong University of Traditional Chinese Medicine Hospital",
                "1",
                "First Affiliated Hospital of Wannan Medical College",
            ),
            (
                "organization/named-baotou-central-hospital",
                "Baotou Central Hospital",
                "1",
                "First Affiliated Hospital of Wannan Medical College",
            ),
            (
                "organization/named-beijing-tiantan-hospital",
                "Beijing Tiantan Hospital",
                "1",
                "First Affiliated Hospital of Wannan Medical College",
            ),
            ("organization/named-eisai-korea-inc", "Eisai Korea Inc.", "1", ""),
            (
                "organization/named-first-affiliated-hospital-of-wannan-medical-college",
                "First Affiliated Hospital of Wannan Medical College",
                "1",
                "",
            ),
            (
                "organization/ror-056swr059",
                "First Affiliated Hospital of Zhengzhou University",
                "1",
                "First Affiliated Hospital of Wannan Medical College",
            ),
            (
                "organization/named-fortvita-biologics-usa-inc",
                "Fortvita Biologics (USA)Inc.",
                "1",
                "Innovent Biopharmaceutical Technology (Hangzhou) Co., LTD.",
            ),
            ("organization/named-gilead-sciences", "Gilead Sciences", "1", "Eisai Korea Inc."),
            ("organization/named-iuvo-s-r-l", "IUVO S.r.l.", "1", "PolyActiva Pty Ltd"),
            (
                "organization/named-innovent-biopharmaceutical-technology-hangzhou-co-ltd",
                "Innovent Biopharmaceutical Technology (Hangzhou) Co., LTD.",
                "1",
                "",
            ),
            ("organization/named-jazz-pharmaceuticals", "Jazz Pharmaceuticals", "1", ""),
            (
                "organization/named-jazz-pharmaceuticals-ireland-limited",
                "Jazz Pharmaceuticals Ireland Limited",
                "1",
                "",
            ),
            ("organization/named-polyactiva-pty-ltd", "PolyActiva Pty Ltd", "1", ""),
        ],
    ),
    (
        "orphan-medicines",
        {},
        [
            ("organization/named-plusultra-pharma-gmbh", "Plusultra pharma GmbH", "2023", "1", "Hyftor"),
            (
                "organization/named-ptc-therapeutics-international-limited",
                "PTC Therapeutics International Limited",
                "2022",
                "1",
                "Upstaza",
            ),
            (
                "organization/named-glaxosmithkline-ireland-limited",
                "GlaxoSmithKline (Ireland) Limited",
                "2020",
                "1",
                "Blenrep",
            ),
            (
                "organization/named-vertex-pharmaceuticals-ireland-limited",
                "Vertex Pharmaceuticals (Ireland) Limited",
                "2020",
                "1",
                "Kaftrio",
            ),
            ("organization/named-alnylam-netherlands-b-v", "Alnylam Netherlands B.V.", "2018", "1", "Onpattro"),
            (
                "organization/named-jazz-pharmaceuticals-ireland-limited",
                "Jazz Pharmaceuticals Ireland Limited",
                "2018",
                "1",
                "Vyxeos liposomal (previously known as Vyxeos)",
            ),
            (
                "organization/named-viatris-healthcare-limited",
                "Viatris Healthcare Limited",
                "2011",
                "1",
                "Tobi Podhaler",
            ),
        ],
    ),
    (
        "orphan-medicines",
        {"year": ["2020"]},
        [
            (
                "organization/named-glaxosmithkline-ireland-limited",
                "GlaxoSmithKline (Ireland) Limited",
                "2020",
                "1",
                "Blenrep",
            ),
            (
                "organization/named-vertex-pharmaceuticals-ireland-limited",
                "Vertex Pharmaceuticals (Ireland) Limited",
                "2020",
                "1",
                "Kaftrio",
            ),
        ],
    ),
    (
        "trials-and-authorisations",
        {},
        [
            ("organization/named-boehringer-ingelheim", "Boehringer Ingelheim", "3", "1"),
            (
                "organization/named-jazz-pharmaceuticals-ireland-limited",
                "Jazz Pharmaceuticals Ireland Limited",
                "1",
                "1",
            ),
        ],
    ),
    (
        "life-science-companies",
        {"place": ["https://w3id.org/biokg/id/place/country/gb"]},
        [
            ("organization/ror-02vhjkn07", "Neurovalens Ltd. (United Kingdom)", "Belfast", "clinical studies"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "given", "expected"), REGISTRY_QUERIES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(REGISTRY_QUERIES)]
)
def test_a_canned_query_over_the_registries_answers_exactly(
    imported: tuple[EmbeddedStore, ImportReport, ImportReport],
    name: str,
    given: dict[str, list[str]],
    expected: list[tuple[str, ...]],
) -> None:
    assert run(imported[0], name, **given) == expected


def test_each_registry_has_its_source_record_with_licence_and_counts_in_the_metadata_graph(
    imported: tuple[EmbeddedStore, ImportReport, ImportReport],
) -> None:
    answer = imported[0].query(
        "SELECT ?graph ?licence ?credit ?comment WHERE { GRAPH <https://w3id.org/biokg/graph/metadata> { "
        "?graph <http://www.w3.org/ns/prov#wasDerivedFrom> ?source ; "
        "<http://www.w3.org/2000/01/rdf-schema#comment> ?comment . "
        "?source <http://purl.org/dc/terms/license> ?licence "
        "OPTIONAL { ?source <https://schema.org/creditText> ?credit } } } ORDER BY ?graph"
    )
    assert not isinstance(answer, bool | tuple)
    assert [tuple(t.value if t is not None else "" for t in row) for row in answer.rows] == [
        (
            CT_GRAPH,
            "https://creativecommons.org/publicdomain/mark/1.0/",
            "",
            "32 records read from ctg-studies.csv: 32 imported, 0 rejected, 0 left out by the filter",
        ),
        (
            EMA_GRAPH,
            "https://www.ema.europa.eu/en/about-us/legal-notice",
            "Source: European Medicines Agency",
            "30 records read from medicines-epar.xlsx: 26 imported, 4 rejected, 0 left out by the filter",
        ),
        (
            "https://w3id.org/biokg/graph/ror",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "",
            "34 records read from records.jsonl, ror.jsonl: 34 imported, 0 rejected, 0 left out by the filter",
        ),
    ]


def test_the_cli_imports_all_three_lists_rejected_rows_and_uncertain_matches(tmp_path: Path) -> None:
    store = ["--store", str(tmp_path / "store")]

    def biokg(*arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "biokg", *arguments, *store]
        return subprocess.run(command, capture_output=True, text=True, check=False)

    assert biokg("import", "ror", *map(str, ROR_RECORDS)).returncode == 0
    medicines = biokg("import", "ema", str(MEDICINES))
    assert medicines.returncode == 0, medicines.stderr
    assert [line for line in medicines.stderr.splitlines() if line.startswith("rejected")] == [
        f"rejected {where} -: {message}" for where, message in REJECTED
    ]
    assert medicines.stdout.startswith("Read 30 medicines: imported 26, rejected 4; ")
    studies = biokg("import", "clinicaltrials", str(STUDIES))
    assert studies.returncode == 0, studies.stderr
    assert studies.stdout.startswith("Read 32 studies: imported 32, rejected 0; ")
    assert studies.stdout.rstrip().endswith("; 10 organisation names linked to ROR.")
    matches = biokg("matches", "--uncertain")
    assert matches.returncode == 0, matches.stderr
    lines = matches.stdout.splitlines()
    assert lines[0].startswith("10 organisations named by trials and medicines are ROR organisations; ")
    abbott = [line.split() for line in lines if line.startswith("Abbott ")]
    reason = ["an", "alias", "of", "this", "ROR", "organisation"]
    assert abbott == [["Abbott", "organization:ror-0525bj441", "Abbott", "(Brazil)", *reason]]
    missing = tmp_path / "missing.csv"
    refused = biokg("import", "clinicaltrials", str(missing))
    assert refused.returncode == 1
    assert f"error: no ClinicalTrials.gov export at {missing}" in refused.stderr.splitlines()
