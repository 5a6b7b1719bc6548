"""One ROR record (schema 2, or schema 1 read as schema 2) as statements of biokg's ontology.

Names: the display name -> rdfs:label; names of type label (the name in a language) -> skos:prefLabel; aliases ->
skos:altLabel; acronyms -> bkg:acronym. A name without a language is tagged "und" (undetermined, BCP 47): ROR
does not say, and biokg does not guess. types -> classes; established -> bkg:foundingYear; every location ->
schema:location (a city); parent/child -> org:subOrganizationOf / org:hasSubOrganization; related -> org:linkedTo;
predecessor/successor -> bkg:predecessor / bkg:successor; ROR, Wikidata ids -> skos:exactMatch; GRID, ISNI,
Funder Registry ids -> bkg:gridId, bkg:isni, bkg:fundrefId (a GRID id written as a grid.ac URL is read as the
id, an ISNI spaced otherwise is written in groups of four), and the one ROR marks preferred ->
bkg:preferredGridId ...; website -> foaf:homepage; Wikipedia -> foaf:isPrimaryTopicOf; domains ->
bkg:internetDomain; status -> bkg:registryStatus; admin dates -> bkg:registeredOn, bkg:recordModifiedOn.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from biokg.namespaces import BKG, ID, ORG, PREFIXES
from biokg.ror.places import PlaceStub, places_of

ROR = "https://ror.org/"
TYPE_CLASSES = {
    "company": BKG.Company,
    "education": BKG.EducationalOrganization,
    "government": BKG.GovernmentBody,
    "nonprofit": BKG.NonprofitOrganization,
    "healthcare": BKG.HealthcareOrganization,
    "funder": BKG.Funder,
    "facility": BKG.ResearchFacility,
    "archive": BKG.Archive,
    "other": BKG.Organization,
}
RELATIONS = {
    "parent": str(ORG.subOrganizationOf),
    "child": str(ORG.hasSubOrganization),
    "related": str(ORG.linkedTo),
    "predecessor": str(BKG.predecessor),
    "successor": str(BKG.successor),
}
IDENTIFIERS = {"grid": str(BKG.gridId), "isni": str(BKG.isni), "fundref": str(BKG.fundrefId)}
_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
_ALT_LABEL = PREFIXES["skos"] + "altLabel"
_EXACT_MATCH = PREFIXES["skos"] + "exactMatch"
NAME_PROPERTIES = {
    "ror_display": _LABEL,
    "label": PREFIXES["skos"] + "prefLabel",
    "alias": _ALT_LABEL,
    "acronym": str(BKG.acronym),
}
"""The property of each ROR name type; a name of several types is stated with each."""
LINK_PROPERTIES = {"website": PREFIXES["foaf"] + "homepage", "wikipedia": PREFIXES["foaf"] + "isPrimaryTopicOf"}
PREFERRED = {
    "wikidata": str(BKG.preferredWikidataEntity),
    "grid": str(BKG.preferredGridId),
    "isni": str(BKG.preferredIsni),
    "fundref": str(BKG.preferredFundrefId),
}
"""The id ROR marks preferred among an organisation's ids of one kind."""
ADMIN_DATES = {"created": str(BKG.registeredOn), "last_modified": str(BKG.recordModifiedOn)}
_GRID_URL = re.compile(r"^https?://(?:www\.)?grid\.ac/institutes/(grid\.[0-9]+\.[0-9a-f]+)/?$")


class MappingError(ValueError):
    """A record that cannot be written as statements (an IRI that is not one, a missing name ...)."""


@dataclass
class MappedRecord:
    """A record's statements about its organisation, the places it is in, and the organisations it refers to."""

    ror_id: str
    iri: ox.NamedNode
    triples: list[ox.Triple] = field(default_factory=list)
    places: list[PlaceStub] = field(default_factory=list)
    references: dict[str, str] = field(default_factory=dict)
    """ROR ids of related organisations, with the label the record gives them."""


def ror_id_of(ror_iri: str) -> str:
    return ror_iri.removeprefix(ROR).strip("/")


def organisation_iri(ror_id: str) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}organization/ror-{ror_id}")


IriOf = Callable[[str], ox.NamedNode]
"""The biokg IRI of a ROR id: a curated organisation's IRI where one is linked to it, else organization/ror-{id}."""


def map_record(record: dict[str, Any], iri_of: IriOf) -> MappedRecord:
    """The statements of one record; MappingError when a value cannot be one."""
    ror_id = ror_id_of(record["id"])
    subject = iri_of(ror_id)
    mapped = MappedRecord(ror_id, subject)
    add = mapped.triples.append

    def say(predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        add(ox.Triple(subject, ox.NamedNode(predicate), value))

    for kind in record.get("types") or ["other"]:
        say(_RDF_TYPE, ox.NamedNode(str(TYPE_CLASSES.get(kind, BKG.Organization))))
    display = [name for name in record["names"] if "ror_display" in (name.get("types") or [])]
    if not display:
        raise MappingError("the record has no ror_display name")
    for name in record["names"]:
        literal = ox.Literal(str(name["value"]), language=name.get("lang") or "und")
        kinds = set(name.get("types") or ["alias"])
        for kind, predicate in NAME_PROPERTIES.items():
            if kind in kinds:
                say(predicate, literal)
    if isinstance(record.get("established"), int):
        say(
            str(BKG.foundingYear),
            ox.Literal(f"{record['established']:04d}", datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear")),
        )
    if record.get("status"):
        say(str(BKG.registryStatus), ox.Literal(str(record["status"])))
    say(str(BKG.rorId), ox.Literal(ror_id))
    say(_EXACT_MATCH, _iri(record["id"], "id"))
    for external in record.get("external_ids") or []:
        kind = external.get("type")
        values = [_identifier(kind, value) for value in external.get("all") or []]
        if kind == "wikidata":
            predicate = _EXACT_MATCH
            objects: list[ox.NamedNode | ox.Literal] = [
                _iri(f"http://www.wikidata.org/entity/{value}", "wikidata id") for value in values
            ]
        elif kind in IDENTIFIERS:
            predicate, objects = IDENTIFIERS[kind], [ox.Literal(value) for value in values]
        else:
            continue
        for value in objects:
            say(predicate, value)
        preferred = external.get("preferred")
        if preferred:
            if _identifier(kind, preferred) not in values:
                raise MappingError(f"the preferred {kind} id {preferred!r} is not one of its ids {values}")
            say(PREFERRED[kind], objects[values.index(_identifier(kind, preferred))])
    for link in record.get("links") or []:
        link_property = LINK_PROPERTIES.get(str(link.get("type")))
        if link_property and link.get("value"):
            say(link_property, _iri(str(link["value"]), str(link["type"])))
    for domain in record.get("domains") or []:
        say(str(BKG.internetDomain), ox.Literal(str(domain)))
    for event, dated in ADMIN_DATES.items():
        day = ((record.get("admin") or {}).get(event) or {}).get("date")
        if day:
            say(dated, ox.Literal(str(day), datatype=ox.NamedNode(PREFIXES["xsd"] + "date")))
    for relation in record.get("relationships") or []:
        relation_property = RELATIONS.get(relation.get("type", ""))
        if relation_property is None or not relation.get("id"):
            continue
        other = ror_id_of(relation["id"])
        say(relation_property, iri_of(other))
        mapped.references[other] = str(relation.get("label") or other)
    for location in record.get("locations") or []:
        places = places_of(location)
        if places:
            say(PREFIXES["schema"] + "location", places[0].iri)
            mapped.places += [place for place in places if place not in mapped.places]
    return mapped


def stub_triples(ror_id: str, label: str, iri_of: IriOf) -> list[ox.Triple]:
    """What is known of an organisation that a record refers to but that is not imported: its ROR id and name."""
    subject = iri_of(ror_id)
    return [
        ox.Triple(subject, ox.NamedNode(_RDF_TYPE), ox.NamedNode(str(BKG.Organization))),
        ox.Triple(subject, ox.NamedNode(_LABEL), ox.Literal(label, language="und")),
        ox.Triple(subject, ox.NamedNode(str(BKG.rorId)), ox.Literal(ror_id)),
        ox.Triple(subject, ox.NamedNode(_EXACT_MATCH), ox.NamedNode(ROR + ror_id)),
    ]


def _identifier(kind: str, value: object) -> str:
    """An id as the shapes expect it: a GRID id written as its grid.ac URL is the id it names, and an ISNI's
    sixteen characters are written in groups of four however the record spaces them."""
    text = str(value).strip()
    match = _GRID_URL.match(text) if kind == "grid" else None
    if match:
        return match.group(1)
    packed = text.replace(" ", "")
    if kind == "isni" and re.fullmatch(r"[0-9]{15}[0-9X]", packed):
        return " ".join(packed[start : start + 4] for start in range(0, 16, 4))
    return text


def _iri(value: str, what: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value.strip())
    except ValueError as error:
        raise MappingError(f"the {what} {value!r} is not a valid IRI ({error})") from None
