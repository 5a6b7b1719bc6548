"""One ClinicalTrials.gov study, a row of its CSV export, as statements of biokg's ontology.

NCT Number -> the IRI id/study/nct..., bkg:nctId; Study Title -> rdfs:label; Acronym -> skos:altLabel; Study URL ->
schema:url; Study Status, Study Type and Phases -> concepts of the ontology's schemes, found by their skos:notation
(the registry's codes); an interventional study is a bkg:ClinicalTrial. Conditions -> schema:healthCondition;
Interventions -> bkg:intervention as written ("DRUG: Semaglutide"); Enrollment -> bkg:enrollment; the five dates
at their precision; Other IDs -> bkg:otherStudyId. The lead sponsor -> schema:sponsor, each collaborator ->
bkg:collaborator, each also a bkg:StudyAssociation that names the agent and its role. The long free texts
(summary, outcome measures, design, locations) are not imported; sex and age are left out.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import pyoxigraph as ox

from biokg.importing.records import Agents, Mapped, MappingError
from biokg.namespaces import BKG, ID, PREFIXES
from biokg.shipped import ontology_file

_BKG, _SCHEMA, _XSD, _PROV = PREFIXES["bkg"], PREFIXES["schema"], PREFIXES["xsd"], PREFIXES["prov"]
_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"

REDACTED = "[Redacted]"
"""The sponsor of a withheld study."""
FUNDER_KINDS: dict[str, ox.NamedNode | None] = {
    "INDUSTRY": ox.NamedNode(str(BKG.Company)),
    "NIH": ox.NamedNode(str(BKG.GovernmentBody)),
    "FED": ox.NamedNode(str(BKG.GovernmentBody)),
    "OTHER_GOV": ox.NamedNode(str(BKG.GovernmentBody)),
    # The registry's NETWORK sponsors are a hospital, a group of eye clinics, an institute and a company, none a
    # network of organisations (bkg:Network): the class is left to the organisation's own record.
    "NETWORK": None,
    "INDIV": None,  # an individual funder, yet the one sponsor so typed in the sample is a company
    "OTHER": None,
}
"""The class of the lead sponsor by the registry's funder type; None where the type says nothing biokg can state."""
DATES = {
    "Start Date": _BKG + "startDate",
    "Primary Completion Date": _BKG + "primaryCompletionDate",
    "Completion Date": _BKG + "endDate",
    "First Posted": _BKG + "firstPosted",
    "Last Update Posted": _BKG + "lastUpdatePosted",
}
"""The property of each date column; every date is kept at the precision the registry gives."""
SCHEMES = {
    "Study Status": _BKG + "StudyStatusScheme",
    "Study Type": _BKG + "StudyTypeScheme",
    "Phases": _BKG + "StudyPhaseScheme",
}
"""The scheme whose concepts' skos:notation are the codes of a column."""

_NCT_ID = re.compile(r"NCT[0-9]{8}")
_DATE_FORMS = {"date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}", "gYearMonth": r"[0-9]{4}-[0-9]{2}", "gYear": r"[0-9]{4}"}
_TITLE = re.compile(r"(?P<title>Dr|Prof|Professor)\.? +(?P<name>\S.*)")
_CREDENTIALS = re.compile(r",\s*(M\.?D\.?|Ph\.?D\.?|M\.?Sc\.?|MBBS|PharmD|DDS|DMD|MPH|RN|FRCS)(?![A-Za-z])")
_NOT_A_PERSON = re.compile(  # legal forms as written, and words of institutions in any case
    r"\b(AG|GmbH|Inc|INC|Ltd|LTD|LLC|S\.?A\.?|SAS|S\.?p\.?A\.?|SPA|Co|CO|Corp|BV|B\.V\.|NV|KG)(?![A-Za-z])"
    r"|(?i:\b(corporation|company|limited|pharma\w*|laborator\w*|clinic|hospital|institute|university|center|centre|"
    r"foundation)\b)"
)


@dataclass(frozen=True)
class PersonName:
    """A sponsor's or collaborator's name that is clearly a person's: the name alone, and the title before it."""

    name: str
    title: str | None


def study_iri(nct_id: str) -> ox.NamedNode:
    """id/study/nct06964854 for NCT06964854."""
    return ox.NamedNode(f"{ID}study/{nct_id.lower()}")


def person_name(name: str) -> PersonName | None:
    """The person a name clearly denotes: "Dr Maryam Aslam" (a title, and no company or institution word), or
    "Martin King, MD, PhD" (degrees after a comma). Anything else is taken for an organisation's name."""
    degrees = _CREDENTIALS.search(name)
    alone = (name[: degrees.start()] if degrees else name).strip()
    titled = _TITLE.fullmatch(alone)
    bare = titled["name"].strip() if titled else alone
    if not (degrees or titled) or not bare or _NOT_A_PERSON.search(bare):
        return None
    return PersonName(bare, titled["title"] if titled else None)


def map_study(record: dict[str, str], agents: Agents) -> Mapped:
    """The statements of one study; MappingError, naming the column and its value, when a value cannot be one."""
    cell = {column: value.strip() for column, value in record.items()}
    nct_id = cell["NCT Number"]
    if not _NCT_ID.fullmatch(nct_id):
        raise MappingError(f"NCT Number {nct_id!r} is not an NCT id (NCT and eight digits)")
    study = study_iri(nct_id)
    mapped = Mapped(nct_id, study)

    def say(predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        mapped.say(study, predicate, value)

    study_type = _concept(cell, "Study Type")
    interventional = cell["Study Type"] == "INTERVENTIONAL"
    say(_RDF_TYPE, ox.NamedNode(_BKG + ("ClinicalTrial" if interventional else "ClinicalStudy")))
    if not cell["Study Title"]:
        raise MappingError("Study Title is empty: a study needs its title, for its label")
    say(_LABEL, _english(cell["Study Title"]))
    if cell["Acronym"]:
        say(PREFIXES["skos"] + "altLabel", _english(cell["Acronym"]))
    say(_BKG + "nctId", ox.Literal(nct_id))
    for other in _values(cell["Other IDs"]):
        say(_BKG + "otherStudyId", ox.Literal(other))
    if cell["Study URL"]:
        if not re.fullmatch(r"https?://\S+", cell["Study URL"]):
            raise MappingError(f"Study URL {cell['Study URL']!r} is not an http(s) address")
        say(_SCHEMA + "url", ox.Literal(cell["Study URL"], datatype=ox.NamedNode(_XSD + "anyURI")))
    status = _concept(cell, "Study Status")
    if status is None:
        raise MappingError("Study Status is empty: every study has one")
    say(_BKG + "studyStatus", status)
    if study_type is not None:
        say(_BKG + "studyType", study_type)
    for code in _values(cell["Phases"]):
        say(_BKG + "phase", _concept_of(code, "Phases"))
    for condition in _values(cell["Conditions"]):
        say(_SCHEMA + "healthCondition", _english(condition))
    for intervention in _values(cell["Interventions"]):
        say(_BKG + "intervention", _english(intervention))
    if cell["Enrollment"]:
        if not re.fullmatch(r"[0-9]+", cell["Enrollment"]):
            raise MappingError(f"Enrollment {cell['Enrollment']!r} is not a number of participants")
        count = ox.Literal(str(int(cell["Enrollment"])), datatype=ox.NamedNode(_XSD + "nonNegativeInteger"))
        say(_BKG + "enrollment", count)
    for column, predicate in DATES.items():
        if cell[column]:
            say(predicate, _date(cell[column], column))
    _sponsor(mapped, cell, status, agents)
    _collaborators(mapped, cell, agents)
    return mapped


def _sponsor(mapped: Mapped, cell: dict[str, str], status: ox.NamedNode, agents: Agents) -> None:
    """The lead sponsor, unless the registry withholds the study and redacts its sponsor."""
    name = cell["Sponsor"]
    if name in ("", REDACTED):
        if status != _concepts(SCHEMES["Study Status"]).get("WITHHELD"):
            given = repr(name) if name else "empty"
            raise MappingError(f"Sponsor is {given} though the study is not withheld: it needs its sponsor")
        return
    funder_type = cell["Funder Type"]
    if funder_type and funder_type not in FUNDER_KINDS:
        known = ", ".join(FUNDER_KINDS)
        raise MappingError(f"Funder Type {funder_type!r} is not a funder type biokg knows ({known})")
    agent = _agent(mapped, name, FUNDER_KINDS.get(funder_type), agents)
    mapped.say(mapped.iri, _SCHEMA + "sponsor", agent)
    _association(mapped, "sponsor", agent, "LeadSponsor", f"{name}, lead sponsor of {mapped.key}")


def _collaborators(mapped: Mapped, cell: dict[str, str], agents: Agents) -> None:
    """Each collaborator once, its association's IRI minted from its name."""
    slugs: dict[str, str] = {}
    for name in dict.fromkeys(_values(cell["Collaborators"])):
        slug = _slug(name)
        if not slug or slug in slugs:
            reason = "has no letter or digit" if not slug else f"makes the same IRI as {slugs[slug]!r}"
            raise MappingError(f"Collaborators: the name {name!r} {reason}")
        slugs[slug] = name
        agent = _agent(mapped, name, None, agents)
        mapped.say(mapped.iri, _BKG + "collaborator", agent)
        _association(mapped, f"collaborator/{slug}", agent, "Collaborator", f"{name}, collaborator of {mapped.key}")


def _agent(mapped: Mapped, name: str, kind: ox.NamedNode | None, agents: Agents) -> ox.NamedNode:
    """A person where the name is clearly a person's (the title kept as schema:honorificPrefix), else an
    organisation of the class the registry gives it."""
    person = person_name(name)
    if person is None:
        return agents.organisation(name, kind)
    agent = agents.person(person.name)
    if person.title:
        mapped.say(agent, _SCHEMA + "honorificPrefix", ox.Literal(person.title))
    return agent


def _association(mapped: Mapped, path: str, agent: ox.NamedNode, role: str, label: str) -> None:
    """The n-ary node of the agent's part in the study, as a signatory's in a signing; `label` keeps the name as
    the registry writes it, degrees and all."""
    association = ox.NamedNode(f"{mapped.iri.value}/{path}")
    mapped.say(mapped.iri, _PROV + "qualifiedAssociation", association)
    mapped.say(association, _RDF_TYPE, ox.NamedNode(_BKG + "StudyAssociation"))
    mapped.say(association, _LABEL, _english(label))
    mapped.say(association, _PROV + "agent", agent)
    mapped.say(association, _PROV + "hadRole", ox.NamedNode(_BKG + role))


def _concept(cell: dict[str, str], column: str) -> ox.NamedNode | None:
    return _concept_of(cell[column], column) if cell[column] else None


def _concept_of(code: str, column: str) -> ox.NamedNode:
    concepts = _concepts(SCHEMES[column])
    if code not in concepts:
        known = ", ".join(sorted(concepts))
        raise MappingError(f"{column} {code!r} is not a code of the ontology's scheme for it ({known})")
    return concepts[code]


@functools.cache
def _concepts(scheme: str) -> dict[str, ox.NamedNode]:
    """The concepts of one of the ontology's schemes by their skos:notation: a new code is a concept added to the
    ontology, not a change here."""
    in_scheme, notation = PREFIXES["skos"] + "inScheme", PREFIXES["skos"] + "notation"
    triples = list(ox.parse(path=str(ontology_file()), format=ox.RdfFormat.TURTLE))
    members = {t.subject for t in triples if t.predicate.value == in_scheme and t.object.value == scheme}
    return {
        t.object.value: t.subject
        for t in triples
        if t.predicate.value == notation and t.subject in members and isinstance(t.subject, ox.NamedNode)
    }


def _date(value: str, column: str) -> ox.Literal:
    """YYYY-MM-DD as xsd:date, YYYY-MM as xsd:gYearMonth, YYYY as xsd:gYear: the registry's precision, never a
    day made up."""
    for datatype, form in _DATE_FORMS.items():
        if re.fullmatch(form, value):
            try:
                date.fromisoformat((value + "-01-01")[:10])  # a real month and day
            except ValueError:
                break
            return ox.Literal(value, datatype=ox.NamedNode(_XSD + datatype))
    raise MappingError(f"{column} {value!r} is not a date of the form YYYY-MM-DD, YYYY-MM or YYYY")


def _values(text: str) -> list[str]:
    """The values of a multi-valued cell, separated by "|"."""
    return [value.strip() for value in text.split("|") if value.strip()]


def _english(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _slug(name: str) -> str:
    """Lower-case ASCII words of a name, joined by hyphens, an apostrophe dropped (childrens-hospital)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().replace("'", "")
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower()))
