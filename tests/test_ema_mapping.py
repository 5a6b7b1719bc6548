"""The EMA medicines table read and mapped: exact statements of real rows, counts over the whole table, and the
rows and files that cannot be read or mapped."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pyoxigraph as ox
import pytest

from biokg.ema.mapping import map_medicine, medicine_iri
from biokg.ema.records import COLUMNS, read_medicines
from biokg.errors import NotFoundError
from biokg.importing.records import Mapped, MappingError, Read
from biokg.sources import Sources, parse_file
from biokg.validation import validate_quads

TABLE = Path(__file__).parent / "registries" / "medicines-epar-2023-06.xlsx"
"""The shared EPAR table (../shared/data/ema), committed so that CI has it."""
VALID = Path(__file__).parent / "shapes" / "valid" / "ema-medicines.ttl"
BKG = "https://w3id.org/biokg/ontology#"
ID = "https://w3id.org/biokg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PFIZER = f"{ID}organization/named-pfizer-europe-ma-eeig"


class NamedAgents:
    """Agents that name every organisation by a slug of its name, and remember the kind each was asked as."""

    def __init__(self) -> None:
        self.kinds: dict[str, ox.NamedNode | None] = {}

    def organisation(self, name: str, kind: ox.NamedNode | None = None) -> ox.NamedNode:
        self.kinds[name] = kind
        return ox.NamedNode(f"{ID}organization/named-" + re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"))

    def person(self, name: str) -> ox.NamedNode:
        raise AssertionError(f"the EMA table names no person, yet {name!r} was asked for")

    def stubs(self) -> list[ox.Triple]:
        """What an Agents states of the organisations it names: enough for the shapes' class checks."""
        stubs = []
        for name, kind in list(self.kinds.items()):
            iri = self.organisation(name, kind)
            stubs.append(ox.Triple(iri, ox.NamedNode(RDF_TYPE), kind or ox.NamedNode(BKG + "Organization")))
            stubs.append(ox.Triple(iri, ox.NamedNode(LABEL), ox.Literal(name, language="en")))
        return stubs


@pytest.fixture(scope="module")
def reads() -> list[Read]:
    return list(read_medicines(TABLE))


@pytest.fixture(scope="module")
def rows(reads: list[Read]) -> dict[str, dict[str, Any]]:
    """Each record by its row."""
    return {read.where.split(":row ")[1]: read.record for read in reads if read.record is not None}


@pytest.fixture(scope="module")
def mapped_table(reads: list[Read]) -> tuple[NamedAgents, list[Mapped], list[tuple[str, str]]]:
    agents = NamedAgents()
    mapped, errors = [], []
    for read in reads:
        assert read.record is not None, read.problem
        try:
            mapped.append(map_medicine(read.record, agents))
        except MappingError as error:
            errors.append((read.where, str(error)))
    return agents, mapped, errors


def statements(mapped: Mapped) -> set[tuple[str, str, str]]:
    """Each triple as (subject, predicate, object) with the object in N-Triples form."""
    return {(t.subject.value, t.predicate.value, str(t.object)) for t in mapped.triples}  # type: ignore[union-attr]


def about(mapped: Mapped, subject: str) -> set[tuple[str, str]]:
    return {(p, o) for s, p, o in statements(mapped) if s == subject}


def typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{XSD}{datatype}>'


def false_flags(*true: str) -> set[tuple[str, str]]:
    flags = (
        "orphanMedicine",
        "biosimilar",
        "generic",
        "conditionalApproval",
        "exceptionalCircumstances",
        "acceleratedAssessment",
        "additionalMonitoring",
    )
    return {(BKG + flag, typed("true" if flag in true else "false", "boolean")) for flag in flags}


def test_vfend_is_authorised_to_pfizer_on_19_march_2002(rows: dict[str, dict[str, Any]]) -> None:
    agents = NamedAgents()
    mapped = map_medicine(rows["10"], agents)
    medicine = f"{ID}medicine/emea-h-c-000387"
    authorisation = f"{ID}authorisation/emea-h-c-000387"
    assert (mapped.key, mapped.iri.value) == ("EMEA/H/C/000387", medicine)
    assert about(mapped, medicine) == {
        (RDF_TYPE, f"<{BKG}Medicine>"),
        (LABEL, '"Vfend"@en'),
        (BKG + "emaProductNumber", '"EMEA/H/C/000387"'),
        (BKG + "medicineCategory", f"<{BKG}HumanUse>"),
        (BKG + "authorisationStatus", f"<{BKG}Authorised>"),
        (SCHEMA + "nonProprietaryName", '"voriconazole"@en'),
        (SCHEMA + "activeIngredient", '"voriconazole"@en'),
        (BKG + "pharmacotherapeuticGroup", '"Antimycotics for systemic use"@en'),
        (BKG + "therapeuticArea", '"Candidiasis"@en'),
        (BKG + "therapeuticArea", '"Mycoses"@en'),
        (BKG + "therapeuticArea", '"Aspergillosis"@en'),
        (BKG + "atcCode", '"J02AC03"'),
        *false_flags(),
        (BKG + "opinionDate", typed("2001-12-13", "date")),
        (BKG + "latestDecisionDate", typed("2023-06-12", "date")),
        (BKG + "eparRevisionDate", typed("2023-06-12", "date")),
        (BKG + "eparRevisionNumber", typed("53", "nonNegativeInteger")),
        (SCHEMA + "url", typed("https://www.ema.europa.eu/en/medicines/human/EPAR/vfend", "anyURI")),
    }
    assert about(mapped, authorisation) == {
        (RDF_TYPE, f"<{BKG}MarketingAuthorisation>"),
        (LABEL, '"Marketing authorisation of Vfend"@en'),
        (BKG + "date", typed("2002-03-19", "date")),
        (BKG + "authorises", f"<{medicine}>"),
        (BKG + "holder", f"<{PFIZER}>"),
    }
    assert {s for s, _, _ in statements(mapped)} == {medicine, authorisation}
    assert agents.kinds == {"Pfizer Europe MA EEIG": ox.NamedNode(BKG + "Company")}


def test_xeljanz_has_its_refusal_and_its_later_authorisation(rows: dict[str, dict[str, Any]]) -> None:
    mapped = map_medicine(rows["11"], NamedAgents())
    medicine = f"{ID}medicine/emea-h-c-004214"
    assert about(mapped, f"{ID}authorisation/emea-h-c-004214") >= {
        (BKG + "date", typed("2017-03-22", "date")),
        (BKG + "holder", f"<{PFIZER}>"),
    }
    # Today's holder is not said to have applied in 2013: the table names only the current company.
    assert about(mapped, f"{ID}refusal/emea-h-c-004214") == {
        (RDF_TYPE, f"<{BKG}AuthorisationRefusal>"),
        (LABEL, '"Refusal of a marketing authorisation for Xeljanz"@en'),
        (BKG + "date", typed("2013-04-25", "date")),
        (BKG + "refusalOf", f"<{medicine}>"),
    }
    assert (BKG + "authorisationStatus", f"<{BKG}Authorised>") in about(mapped, medicine)
    # "Arthritis; Rheumatoid" in the table is the MeSH heading "Arthritis, Rheumatoid"
    assert {o for p, o in about(mapped, medicine) if p == BKG + "therapeuticArea"} == {'"Arthritis, Rheumatoid"@en'}


def test_an_orphan_medicine_with_a_conditional_approval(rows: dict[str, dict[str, Any]]) -> None:
    mapped = map_medicine(rows["15"], NamedAgents())
    medicine = f"{ID}medicine/emea-h-c-004935"
    facts = about(mapped, medicine)
    assert (LABEL, '"Blenrep"@en') in facts
    assert false_flags("orphanMedicine", "conditionalApproval", "additionalMonitoring") <= facts
    assert {o for p, o in facts if p == BKG + "therapeuticArea"} == {'"Multiple Myeloma"@en'}


def test_a_biosimilar_with_its_mesh_headings(rows: dict[str, dict[str, Any]]) -> None:
    mapped = map_medicine(rows["63"], NamedAgents())
    facts = about(mapped, f"{ID}medicine/emea-h-c-004007")
    assert (LABEL, '"Benepali"@en') in facts
    assert false_flags("biosimilar") <= facts
    assert {o for p, o in facts if p == BKG + "therapeuticArea"} == {
        '"Arthritis, Psoriatic"@en',
        '"Arthritis, Rheumatoid"@en',
        '"Psoriasis"@en',
    }


def test_a_refused_medicine_has_its_refusal_with_the_applicant_and_no_authorisation(
    rows: dict[str, dict[str, Any]],
) -> None:
    agents = NamedAgents()
    mapped = map_medicine(rows["1208"], agents)
    medicine = f"{ID}medicine/emea-h-c-005189"
    assert (BKG + "authorisationStatus", f"<{BKG}Refused>") in about(mapped, medicine)
    assert about(mapped, f"{ID}refusal/emea-h-c-005189") == {
        (RDF_TYPE, f"<{BKG}AuthorisationRefusal>"),
        (LABEL, '"Refusal of a marketing authorisation for Raylumis"@en'),
        (BKG + "date", typed("2021-11-15", "date")),
        (BKG + "refusalOf", f"<{medicine}>"),
        (BKG + "applicant", f"<{PFIZER}>"),
    }
    assert {s for s, _, _ in statements(mapped)} == {medicine, f"{ID}refusal/emea-h-c-005189"}
    assert list(agents.kinds) == ["Pfizer Europe MA EEIG"]  # the cell ends in a no-break space


def test_a_withdrawn_medicine_keeps_its_dated_authorisation(rows: dict[str, dict[str, Any]]) -> None:
    mapped = map_medicine(rows["1728"], NamedAgents())
    medicine = f"{ID}medicine/emea-h-c-002522"
    assert (BKG + "authorisationStatus", f"<{BKG}Withdrawn>") in about(mapped, medicine)
    assert about(mapped, f"{ID}authorisation/emea-h-c-002522") == {
        (RDF_TYPE, f"<{BKG}MarketingAuthorisation>"),
        (LABEL, '"Marketing authorisation of Maci"@en'),
        (BKG + "date", typed("2013-06-27", "date")),
        (BKG + "authorises", f"<{medicine}>"),
        (BKG + "holder", f"<{ID}organization/named-vericel-denmark-aps>"),
    }
    assert {s for s, _, _ in statements(mapped)} == {
        medicine,
        f"{ID}authorisation/emea-h-c-002522",
        f"{ID}refusal/emea-h-c-002522",
    }


def test_a_veterinary_medicine_has_its_species_and_atcvet_code(rows: dict[str, dict[str, Any]]) -> None:
    mapped = map_medicine(rows["1153"], NamedAgents())
    facts = about(mapped, f"{ID}medicine/emea-v-c-000136")
    assert {(p, o) for p, o in facts if p.startswith(BKG) and not o.startswith('"false"')} == {
        (BKG + "emaProductNumber", '"EMEA/V/C/000136"'),
        (BKG + "medicineCategory", f"<{BKG}VeterinaryUse>"),
        (BKG + "authorisationStatus", f"<{BKG}Authorised>"),
        (BKG + "pharmacotherapeuticGroup", '"Immunologicals for suidae"@en'),
        (BKG + "targetSpecies", '"Male pigs (from 8 weeks of age)"@en'),
        (BKG + "targetSpecies", '"Female pigs (from 14 weeks of age)"@en'),
        (BKG + "atcVetCode", '"QI09AX"'),
        (BKG + "latestDecisionDate", typed("2022-01-20", "date")),
        (BKG + "eparRevisionDate", typed("2022-04-05", "date")),
        (BKG + "eparRevisionNumber", typed("20", "nonNegativeInteger")),
    }


def test_the_whole_table_is_read_row_by_row(reads: list[Read]) -> None:
    assert len(reads) == 2005
    assert [read.problem for read in reads if read.problem] == []
    assert (reads[0].where, reads[-1].where) == (
        "medicines-epar-2023-06.xlsx:row 10",
        "medicines-epar-2023-06.xlsx:row 2014",
    )
    statuses = Counter(read.record["Authorisation status"] for read in reads if read.record)
    assert statuses == {"Authorised": 1582, "Withdrawn": 365, "Refused": 57, None: 1}
    assert Counter(read.record["Orphan medicine"] for read in reads if read.record) == {"no": 1843, "yes": 162}
    dates = [value for read in reads if read.record for value in read.record.values() if isinstance(value, date)]
    assert dates and not any(isinstance(value, datetime) for value in dates)


def test_the_whole_table_maps_but_for_rows_whose_dates_or_codes_are_missing_or_wrong(
    mapped_table: tuple[NamedAgents, list[Mapped], list[tuple[str, str]]],
) -> None:
    agents, mapped, errors = mapped_table
    no_authorisation_date = "Marketing authorisation date is empty, but Authorisation status is "
    no_refusal_date = "Date of refusal of marketing authorisation is empty for a refused medicine"
    assert [(where.removeprefix("medicines-epar-2023-06.xlsx:"), message) for where, message in errors] == [
        ("row 148", no_authorisation_date + "'Authorised'"),
        ("row 1314", "ATC code 'L01XE3' is not an ATC code (such as J02AC03, or L04AC)"),
        ("row 1518", no_authorisation_date + "'Withdrawn'"),
        ("row 1561", "Authorisation status is empty"),
        ("row 1687", no_refusal_date),
        ("row 1725", no_refusal_date),
        ("row 1746", "ATC code 'VO4D' is not an ATC code (such as J02AC03, or L04AC)"),
        ("row 1823", no_refusal_date),
    ]
    assert len(mapped) == 1997
    assert len({m.iri for m in mapped}) == 1997
    objects = Counter(
        (t.predicate.value, t.object.value) for m in mapped for t in m.triples if isinstance(t.object, ox.NamedNode)
    )
    status = BKG + "authorisationStatus"
    assert {o.removeprefix(BKG): n for (p, o), n in objects.items() if p == status} == {
        "Authorised": 1580,
        "Withdrawn": 363,
        "Refused": 54,
    }
    assert objects[(RDF_TYPE, BKG + "MarketingAuthorisation")] == 1580 + 363
    assert objects[(RDF_TYPE, BKG + "AuthorisationRefusal")] == 75
    orphan = BKG + "orphanMedicine"
    orphans = Counter(str(t.object) for m in mapped for t in m.triples if t.predicate.value == orphan)
    assert orphans == {typed("true", "boolean"): 160, typed("false", "boolean"): 1837}
    assert set(agents.kinds.values()) == {ox.NamedNode(BKG + "Company")}


def test_the_mapped_table_conforms_to_the_shapes(
    mapped_table: tuple[NamedAgents, list[Mapped], list[tuple[str, str]]], sources: Sources
) -> None:
    agents, mapped, _ = mapped_table
    data = [triple for m in mapped for triple in m.triples] + agents.stubs()
    report = validate_quads([*sources.data, *data], sources.shapes, sources.ontology)
    assert report.findings == ()


def test_the_valid_shape_fixture_conforms(sources: Sources) -> None:
    report = validate_quads([*sources.data, *parse_file(VALID)], sources.shapes, sources.ontology)
    assert report.findings == ()


def test_the_medicine_iri_is_minted_from_the_product_number() -> None:
    assert medicine_iri("EMEA/V/C/004291").value == f"{ID}medicine/emea-v-c-004291"


def good_record(**changes: Any) -> dict[str, Any]:
    """Vfend's row with some cells changed."""
    record: dict[str, Any] = dict.fromkeys(COLUMNS)
    record.update(
        {
            "Category": "Human",
            "Medicine name": "Vfend",
            "Product number": "EMEA/H/C/000387",
            "Authorisation status": "Authorised",
            "Orphan medicine": "no",
            "Marketing authorisation date": date(2002, 3, 19),
            "Marketing authorisation holder/company name": "Pfizer Europe MA EEIG",
        }
    )
    return record | changes


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"Orphan medicine": "maybe"}, "Orphan medicine is 'maybe', not yes or no"),
        ({"Product number": "EMEA/H/C/387"}, "Product number 'EMEA/H/C/387' is not an EMA product number"),
        ({"Category": "Herbal"}, "Category 'Herbal' is none of Human, Veterinary"),
        ({"Authorisation status": "Suspended"}, "Authorisation status 'Suspended' is none of Authorised, Withdrawn"),
        ({"Marketing authorisation date": "19/03/2002"}, "Marketing authorisation date is '19/03/2002', not a date"),
        ({"Revision number": -1}, "Revision number is -1, not a whole number of 0 or more"),
        ({"ATCvet code": "J01FA94"}, "ATCvet code 'J01FA94' is not an ATCvet code"),
        ({"Medicine name": None}, "Medicine name is empty"),
    ],
)
def test_a_wrong_cell_is_a_mapping_error_naming_the_column_and_value(changes: dict[str, Any], message: str) -> None:
    map_medicine(good_record(), NamedAgents())
    with pytest.raises(MappingError, match=re.escape(message)):
        map_medicine(good_record(**changes), NamedAgents())


def test_a_refused_medicine_is_never_given_an_authorisation() -> None:
    with pytest.raises(MappingError, match="Marketing authorisation date 2002-03-19 is given for a refused medicine"):
        map_medicine(good_record(**{"Authorisation status": "Refused"}), NamedAgents())


def write_sheet(path: Path, header: list[str], *rows: list[Any]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Medicines output: European public assessment reports"])
    sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_a_sheet_without_expected_columns_names_them(tmp_path: Path) -> None:
    header = [column for column in COLUMNS if column not in ("Product number", "URL")]
    (read,) = read_medicines(write_sheet(tmp_path / "old.xlsx", header, ["Human"] * len(header)))
    assert read == Read("old.xlsx:row 3", None, "the header row lacks the columns 'Product number', 'URL'")


def test_rows_are_read_below_the_title_with_days_for_datetimes(tmp_path: Path) -> None:
    header = list(COLUMNS)
    row: list[Any] = [None] * len(header)
    row[header.index("Product number")] = "EMEA/H/C/000387"
    row[header.index("Marketing authorisation date")] = datetime(2002, 3, 19, 1, 0)
    row[header.index("Medicine name")] = "  "
    path = write_sheet(tmp_path / "table.xlsx", header, row, [None] * len(header), row)
    reads = list(read_medicines(path))
    assert [read.where for read in reads] == ["table.xlsx:row 4", "table.xlsx:row 6"]
    record = reads[0].record
    assert record is not None
    assert (record["Product number"], record["Marketing authorisation date"], record["Medicine name"]) == (
        "EMEA/H/C/000387",
        date(2002, 3, 19),
        None,
    )


def test_a_file_that_is_not_a_workbook_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "medicines.xlsx"
    path.write_text("Category,Medicine name\n")
    (read,) = read_medicines(path)
    assert (read.where, read.record) == ("medicines.xlsx", None)
    assert read.problem.startswith("not an Excel (.xlsx) workbook")


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        list(read_medicines(tmp_path / "absent.xlsx"))
