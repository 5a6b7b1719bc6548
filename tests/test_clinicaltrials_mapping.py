"""The ClinicalTrials.gov reader and mapper, on real rows of the sample export (../shared/data/clinicaltrials/)."""

from __future__ import annotations

import gzip
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
import pytest

from biokg.clinicaltrials.mapping import PersonName, map_study, person_name, study_iri
from biokg.clinicaltrials.records import read_studies
from biokg.errors import NotFoundError
from biokg.importing.records import Mapped, MappingError, Read
from biokg.namespaces import ID, PREFIXES
from biokg.sources import Sources
from biokg.validation import validate_quads

SAMPLE_GZ = Path(__file__).parent / "registries" / "ctg-studies-sample.csv.gz"
"""The shared sample export (../shared/data/clinicaltrials), committed compressed so that CI has it."""
SHOWN = {  # the prefixes the expected statements are written with
    "study:": str(ID) + "study/",
    "organization:": str(ID) + "organization/",
    "person:": str(ID) + "person/",
    **{f"{prefix}:": PREFIXES[prefix] for prefix in ("bkg", "rdf", "rdfs", "skos", "schema", "prov", "xsd")},
}
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")


class NamedAgents:
    """A test double of biokg's Agents: every name its own resource, named-{slug}, with the kind it was given."""

    def __init__(self) -> None:
        self.organisations: list[tuple[str, str | None]] = []
        self.people: list[str] = []

    def organisation(self, name: str, kind: ox.NamedNode | None = None) -> ox.NamedNode:
        self.organisations.append((name, shown(kind) if kind else None))
        return ox.NamedNode(f"{ID}organization/named-{slug(name)}")

    def person(self, name: str) -> ox.NamedNode:
        self.people.append(name)
        return ox.NamedNode(f"{ID}person/named-{slug(name)}")

    def described(self) -> list[ox.Triple]:
        """What the pipeline's Agents says of the names it cannot link: a type and a label."""
        named = [(f"organization/named-{slug(n)}", kind or "bkg:Organization", n) for n, kind in self.organisations]
        named += [(f"person/named-{slug(name)}", "bkg:Person", name) for name in self.people]
        return [
            triple
            for path, kind, name in named
            for triple in (
                ox.Triple(ox.NamedNode(f"{ID}{path}"), RDF_TYPE, ox.NamedNode(expanded(kind))),
                ox.Triple(ox.NamedNode(f"{ID}{path}"), LABEL, ox.Literal(name, language="en")),
            )
        ]


def slug(name: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def shown(term: ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> str:
    """A term as the expectations write it: prefix:local, "text"@lang, "value"^^xsd:type."""
    if isinstance(term, ox.NamedNode):
        for prefix, namespace in SHOWN.items():
            if term.value.startswith(namespace):
                return prefix + term.value.removeprefix(namespace)
        return term.value
    if isinstance(term, ox.Literal):
        if term.language:
            return f'"{term.value}"@{term.language}'
        datatype = shown(term.datatype)
        return f'"{term.value}"' if datatype == "xsd:string" else f'"{term.value}"^^{datatype}'
    return str(term)


def expanded(name: str) -> str:
    prefix, _, local = name.partition(":")
    return SHOWN[prefix + ":"] + local


def statements(triples: Iterable[ox.Triple]) -> set[tuple[str, str, str]]:
    return {(shown(t.subject), shown(t.predicate), shown(t.object)) for t in triples}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample export under its own name, as the importer reads it."""
    path = tmp_path_factory.mktemp("ctg") / "ctg-studies-sample.csv"
    path.write_bytes(gzip.decompress(SAMPLE_GZ.read_bytes()))
    return path


@pytest.fixture(scope="module")
def reads(sample: Path) -> list[Read]:
    return list(read_studies(sample))


@pytest.fixture(scope="module")
def mapped_sample(reads: list[Read]) -> tuple[list[Mapped], NamedAgents]:
    agents = NamedAgents()
    return [map_study(read.record, agents) for read in reads if read.record is not None], agents


def record_of(reads: list[Read], nct_id: str) -> dict[str, str]:
    (record,) = [read.record for read in reads if read.record and read.record["NCT Number"] == nct_id]
    return record


def test_the_sample_is_read_whole_each_study_at_the_line_where_it_starts(reads: list[Read]) -> None:
    assert len(reads) == 1000
    assert [read.problem for read in reads if read.problem] == []
    assert [read.where for read in reads[:3]] == [
        "ctg-studies-sample.csv:2",
        "ctg-studies-sample.csv:3",
        "ctg-studies-sample.csv:10",  # the study before it has a summary of seven lines
    ]
    assert reads[2].record is not None and reads[2].record["NCT Number"] == "NCT06964828"
    assert reads[-1].where == "ctg-studies-sample.csv:6561"


def test_a_withheld_study_keeps_what_the_row_gives_and_names_no_sponsor(reads: list[Read]) -> None:
    agents = NamedAgents()
    mapped = map_study(record_of(reads, "NCT06964854"), agents)
    assert (mapped.key, mapped.iri) == ("NCT06964854", ox.NamedNode("https://w3id.org/biokg/id/study/nct06964854"))
    study = "study:nct06964854"
    assert statements(mapped.triples) == {
        (study, "rdf:type", "bkg:ClinicalStudy"),
        (study, "rdfs:label", '"[Trial of device that is not approved or cleared by the U.S. FDA]"@en'),
        (study, "bkg:nctId", '"NCT06964854"'),
        (study, "bkg:otherStudyId", '"ZCI06"'),
        (study, "schema:url", '"https://clinicaltrials.gov/study/NCT06964854"^^xsd:anyURI'),
        (study, "bkg:studyStatus", "bkg:StudyWithheld"),
        (study, "bkg:firstPosted", '"2025-05-09"^^xsd:date'),
        (study, "bkg:lastUpdatePosted", '"2025-05-09"^^xsd:date'),
    }
    assert (agents.organisations, agents.people) == ([], [])


def test_a_study_with_collaborators_has_one_association_for_each_with_its_role(reads: list[Read]) -> None:
    agents = NamedAgents()
    mapped = map_study(record_of(reads, "NCT06962904"), agents)
    study = "study:nct06962904"
    roles = {t for t in statements(mapped.triples) if t[1] in ("schema:sponsor", "bkg:collaborator")}
    assert roles == {
        (study, "schema:sponsor", "organization:named-centers-for-disease-control-and-prevention"),
        (study, "bkg:collaborator", "organization:named-emory-children-s-center"),
        (study, "bkg:collaborator", "organization:named-children-s-hospital-medical-center-cincinnati"),
        (study, "bkg:collaborator", "organization:named-micron-biomedical-inc"),
    }
    associations = {t for t in statements(mapped.triples) if t[0].startswith(study + "/") or "Association" in t[1]}
    sponsor, emory = f"{study}/sponsor", f"{study}/collaborator/emory-childrens-center"
    cincinnati = f"{study}/collaborator/childrens-hospital-medical-center-cincinnati"
    micron = f"{study}/collaborator/micron-biomedical-inc"
    assert associations == {
        (study, "prov:qualifiedAssociation", sponsor),
        (sponsor, "rdf:type", "bkg:StudyAssociation"),
        (sponsor, "rdfs:label", '"Centers for Disease Control and Prevention, lead sponsor of NCT06962904"@en'),
        (sponsor, "prov:agent", "organization:named-centers-for-disease-control-and-prevention"),
        (sponsor, "prov:hadRole", "bkg:LeadSponsor"),
        (study, "prov:qualifiedAssociation", emory),
        (emory, "rdf:type", "bkg:StudyAssociation"),
        (emory, "rdfs:label", '"Emory-Children\'s Center, collaborator of NCT06962904"@en'),
        (emory, "prov:agent", "organization:named-emory-children-s-center"),
        (emory, "prov:hadRole", "bkg:Collaborator"),
        (study, "prov:qualifiedAssociation", cincinnati),
        (cincinnati, "rdf:type", "bkg:StudyAssociation"),
        (
            cincinnati,
            "rdfs:label",
            '"Children\'s Hospital Medical Center, Cincinnati, collaborator of NCT06962904"@en',
        ),
        (cincinnati, "prov:agent", "organization:named-children-s-hospital-medical-center-cincinnati"),
        (cincinnati, "prov:hadRole", "bkg:Collaborator"),
        (study, "prov:qualifiedAssociation", micron),
        (micron, "rdf:type", "bkg:StudyAssociation"),
        (micron, "rdfs:label", '"Micron Biomedical, Inc, collaborator of NCT06962904"@en'),
        (micron, "prov:agent", "organization:named-micron-biomedical-inc"),
        (micron, "prov:hadRole", "bkg:Collaborator"),
    }
    assert agents.organisations == [  # FED: a government body; a collaborator's kind is not given
        ("Centers for Disease Control and Prevention", "bkg:GovernmentBody"),
        ("Emory-Children's Center", None),
        ("Children's Hospital Medical Center, Cincinnati", None),
        ("Micron Biomedical, Inc", None),
    ]


def test_an_industry_trial_in_two_phases_is_sponsored_by_a_company(reads: list[Read]) -> None:
    agents = NamedAgents()
    mapped = map_study(record_of(reads, "NCT06962852"), agents)
    study, sponsor = "study:nct06962852", "study:nct06962852/sponsor"
    title = (
        "A Long-term Study to Monitor the Health Status of People With Cystic Fibrosis Who Took Part in a Previous"
        " Study With BI 3720931 (Lenticlair™-ON)"
    )
    assert statements(mapped.triples) == {
        (study, "rdf:type", "bkg:ClinicalTrial"),
        (study, "rdfs:label", f'"{title}"@en'),
        (study, "bkg:nctId", '"NCT06962852"'),
        (study, "bkg:otherStudyId", '"1504-0003"'),
        (study, "bkg:otherStudyId", '"2023-504909-37-00"'),
        (study, "bkg:otherStudyId", '"U1111-1291-2932"'),
        (study, "schema:url", '"https://clinicaltrials.gov/study/NCT06962852"^^xsd:anyURI'),
        (study, "bkg:studyStatus", "bkg:StudyNotYetRecruiting"),
        (study, "bkg:studyType", "bkg:InterventionalStudy"),
        (study, "bkg:phase", "bkg:Phase1"),
        (study, "bkg:phase", "bkg:Phase2"),
        (study, "schema:healthCondition", '"Cystic Fibrosis"@en'),
        (study, "bkg:intervention", '"GENETIC: BI 3720931"@en'),
        (study, "bkg:enrollment", '"285"^^xsd:nonNegativeInteger'),
        (study, "bkg:startDate", '"2025-05-20"^^xsd:date'),
        (study, "bkg:primaryCompletionDate", '"2047-09-18"^^xsd:date'),
        (study, "bkg:endDate", '"2047-09-18"^^xsd:date'),
        (study, "bkg:firstPosted", '"2025-05-08"^^xsd:date'),
        (study, "bkg:lastUpdatePosted", '"2025-05-08"^^xsd:date'),
        (study, "schema:sponsor", "organization:named-boehringer-ingelheim"),
        (study, "prov:qualifiedAssociation", sponsor),
        (sponsor, "rdf:type", "bkg:StudyAssociation"),
        (sponsor, "rdfs:label", '"Boehringer Ingelheim, lead sponsor of NCT06962852"@en'),
        (sponsor, "prov:agent", "organization:named-boehringer-ingelheim"),
        (sponsor, "prov:hadRole", "bkg:LeadSponsor"),
    }
    assert agents.organisations == [("Boehringer Ingelheim", "bkg:Company")]


def test_dates_keep_the_month_the_registry_gives(reads: list[Read]) -> None:
    mapped = map_study(record_of(reads, "NCT06964048"), NamedAgents())
    study = "study:nct06964048"
    dated = {t for t in statements(mapped.triples) if t[1].endswith(("Date", "Posted")) or t[1] == "skos:altLabel"}
    assert dated == {
        (study, "skos:altLabel", '"PLASANAGENESIS"@en'),
        (study, "bkg:startDate", '"2025-06"^^xsd:gYearMonth'),
        (study, "bkg:primaryCompletionDate", '"2026-01"^^xsd:gYearMonth'),
        (study, "bkg:endDate", '"2026-05"^^xsd:gYearMonth'),
        (study, "bkg:firstPosted", '"2025-05-09"^^xsd:date'),
        (study, "bkg:lastUpdatePosted", '"2025-05-09"^^xsd:date'),
    }
    assert (study, "bkg:phase", "bkg:PhaseNotApplicable") in statements(mapped.triples)


def test_a_sponsor_named_with_a_title_is_a_person_and_the_title_its_prefix(reads: list[Read]) -> None:
    agents = NamedAgents()
    mapped = map_study(record_of(reads, "NCT06952985"), agents)
    found = statements(mapped.triples)
    assert agents.people == ["Maryam Aslam"]
    assert agents.organisations == [("CMH Gujranwala", None)]
    assert ("person:named-maryam-aslam", "schema:honorificPrefix", '"Dr"') in found
    assert ("study:nct06952985", "schema:sponsor", "person:named-maryam-aslam") in found
    label = ("study:nct06952985/sponsor", "rdfs:label", '"Dr Maryam Aslam, lead sponsor of NCT06952985"@en')
    assert label in found  # the name as the registry writes it


def test_degrees_make_a_person_and_a_title_before_a_company_does_not(reads: list[Read]) -> None:
    agents = NamedAgents()
    map_study(record_of(reads, "NCT06958796"), agents)  # sponsor "Camille N. Kotton, MD"
    map_study(record_of(reads, "NCT06951932"), agents)  # collaborator "Dr. Schär AG / SPA"
    assert agents.people == ["Camille N. Kotton"]
    assert ("Dr. Schär AG / SPA", None) in agents.organisations
    assert person_name("Han Xu, M.D., Ph.D., FAPCR, Sponsor-Investigator, IRB Chair") == PersonName("Han Xu", None)
    assert person_name("Prof Antonio Esposito") == PersonName("Antonio Esposito", "Prof")
    assert person_name("M.D. Anderson Cancer Center") is None
    assert person_name("Hospital do Coracao") is None


def test_the_people_among_the_sample_sponsors_and_collaborators(reads: list[Read]) -> None:
    people: Counter[tuple[str, str]] = Counter()
    for read in reads:
        assert read.record is not None
        names = {"sponsor": [read.record["Sponsor"]], "collaborator": read.record["Collaborators"].split("|")}
        people.update(
            (role, found.name) for role, listed in names.items() for n in listed if (found := person_name(n))
        )
    assert people == {
        ("sponsor", "AYMAN M. ARAKEEP"): 1,
        ("sponsor", "Camille N. Kotton"): 1,
        ("sponsor", "Elizabeth Stover"): 1,
        ("sponsor", "Hamail Khanum"): 1,
        ("sponsor", "Han Xu"): 1,
        ("sponsor", "Isabel Forner-Cordero"): 1,
        ("sponsor", "Martin King"): 1,
        ("sponsor", "Maryam Aslam"): 1,
        ("sponsor", "Shehzad Basaria"): 1,
        ("sponsor", "Ting Chang"): 1,
        ("sponsor", "Zhongguang Luo"): 1,
        ("collaborator", "Anna Mara Scandroglio"): 1,
        ("collaborator", "Anna Palmisano"): 1,
        ("collaborator", "Antonio Esposito"): 1,
    }


def test_the_counts_over_the_whole_sample(reads: list[Read], mapped_sample: tuple[list[Mapped], NamedAgents]) -> None:
    mapped, agents = mapped_sample
    assert len(mapped) == 1000
    assert len({study.key for study in mapped}) == 1000
    records = [read.record for read in reads if read.record is not None]
    funder_types = Counter(record["Funder Type"] for record in records)
    assert funder_types == {  # as the README counts, and the types it does not list
        "OTHER": 783,
        "INDUSTRY": 177,
        "OTHER_GOV": 23,
        "FED": 7,
        "NETWORK": 4,
        "NIH": 2,
        "INDIV": 1,
        "": 3,
    }
    predicates = [Counter(shown(t.predicate) for t in study.triples if t.subject == study.iri) for study in mapped]
    assert sum(1 for used in predicates if used["bkg:collaborator"]) == 259
    assert sum(1 for used in predicates if used["schema:sponsor"]) == 997  # all but the three withheld
    classes = Counter(shown(t.object) for study in mapped for t in study.triples if t.predicate == RDF_TYPE)
    assert classes == {
        "bkg:ClinicalTrial": 770,
        "bkg:ClinicalStudy": 230,
        "bkg:StudyAssociation": 997 + 460,  # the lead sponsors, and the 460 collaborators listed
    }
    assert Counter(kind for _, kind in agents.organisations) == {
        None: 1235,
        "bkg:Company": 176,
        "bkg:GovernmentBody": 32,
    }
    assert len(agents.people) == 14
    network = [record["Sponsor"] for record in records if record["Funder Type"] == "NETWORK"]
    assert [kind for name, kind in agents.organisations if name in network] == [None] * 4


def test_the_mapped_sample_conforms_to_the_shapes(
    sources: Sources, mapped_sample: tuple[list[Mapped], NamedAgents]
) -> None:
    mapped, agents = mapped_sample
    triples = [t for study in mapped for t in study.triples]
    report = validate_quads([*sources.data, *triples, *agents.described()], sources.shapes, sources.ontology)
    assert report.findings == ()


def test_a_file_without_the_columns_read_is_one_problem_naming_them(tmp_path: Path) -> None:
    export = tmp_path / "studies.csv"
    export.write_text("NCT Number,Title,Study URL\nNCT06964854,x,https://clinicaltrials.gov/study/NCT06964854\n")
    (read,) = read_studies(export)
    assert read.where == "studies.csv:1" and read.record is None
    assert read.problem.startswith("not a ClinicalTrials.gov CSV export: the header lacks 'Study Title', 'Acronym',")
    assert read.problem.endswith("'First Posted', 'Last Update Posted'")


def test_a_row_that_does_not_fit_the_header_is_a_problem_at_its_line(tmp_path: Path, sample: Path) -> None:
    header, withheld = sample.read_text(encoding="utf-8").splitlines()[:2]
    export = tmp_path / "studies.csv"
    export.write_text(f"{header}\n{withheld.replace(',', ' ', 3)}\n\n{withheld}\n", encoding="utf-8")
    first, second = read_studies(export)
    assert first == Read(
        "studies.csv:2",
        None,
        "the row has 27 cells where the header has 30: a quote is not closed, or a cell with a comma is not quoted",
    )
    assert second.where == "studies.csv:4" and second.record is not None
    assert second.record["NCT Number"] == "NCT06964854"


def test_a_file_that_is_not_utf8_stops_with_a_problem_after_the_rows_read(tmp_path: Path, sample: Path) -> None:
    header, withheld = sample.read_text(encoding="utf-8").splitlines()[:2]
    export = tmp_path / "studies.csv"
    export.write_bytes(f"{header}\n{withheld}\n".encode() + b"NCT0\xff\n")
    withheld_read, undecodable = read_studies(export)
    assert withheld_read.where == "studies.csv:2" and withheld_read.record is not None
    assert undecodable == Read(
        "studies.csv:3",
        None,
        "not UTF-8 text: invalid start byte at byte 5 of the line; the rest of the file is not read",
    )


def test_a_missing_export_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"no ClinicalTrials\.gov export at"):
        list(read_studies(tmp_path / "absent.csv"))


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("NCT Number", "NCT6964854", "NCT Number 'NCT6964854' is not an NCT id (NCT and eight digits)"),
        ("Study Status", "SUSPENDED", "Study Status 'SUSPENDED' is not a code of the ontology's scheme for it"),
        ("Phases", "PHASE5", "Phases 'PHASE5' is not a code of the ontology's scheme for it"),
        ("Start Date", "2025-13", "Start Date '2025-13' is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY"),
        ("Enrollment", "about 50", "Enrollment 'about 50' is not a number of participants"),
        ("Funder Type", "AMBIG", "Funder Type 'AMBIG' is not a funder type biokg knows"),
        ("Sponsor", "", "Sponsor is empty though the study is not withheld: it needs its sponsor"),
        ("Study Title", "", "Study Title is empty: a study needs its title, for its label"),
        ("Collaborators", "Emory|***", "Collaborators: the name '***' has no letter or digit"),
    ],
)
def test_a_value_that_cannot_be_mapped_names_its_column(
    reads: list[Read], column: str, value: str, message: str
) -> None:
    record = {**record_of(reads, "NCT06962904"), column: value}
    with pytest.raises(MappingError) as raised:
        map_study(record, NamedAgents())
    assert str(raised.value).startswith(message)


def test_the_study_iri_is_the_nct_id_in_lower_case() -> None:
    assert study_iri("NCT06964854") == ox.NamedNode("https://w3id.org/biokg/id/study/nct06964854")
