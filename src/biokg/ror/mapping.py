"""One ROR record as statements of biokg's ontology.

display name -> rdfs:label (with the record's language, or "und" when it gives none); other names and acronyms
-> skos:altLabel; types -> classes; established -> bkg:foundingYear; the first location -> schema:location (a
city); parent/child -> org:subOrganizationOf / org:hasSubOrganization; related -> org:linkedTo;
predecessor/successor -> bkg:predecessor / bkg:successor; ROR, Wikidata ids -> skos:exactMatch; GRID, ISNI,
Funder Registry ids -> bkg:gridId, bkg:isni, bkg:fundrefId; website -> foaf:homepage; status ->
bkg:registryStatus.
"""

from __future__ import annotations

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
        say(_LABEL if name in display[:1] else _ALT_LABEL, literal)
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
        values = external.get("all") or []
        if kind == "wikidata":
            for value in values:
                say(_EXACT_MATCH, _iri(f"http://www.wikidata.org/entity/{value}", "wikidata id"))
        elif kind in IDENTIFIERS:
            for value in values:
                say(IDENTIFIERS[kind], ox.Literal(str(value)))
    for link in record.get("links") or []:
        if link.get("type") == "website" and link.get("value"):
            say(PREFIXES["foaf"] + "homepage", _iri(str(link["value"]), "website"))
    for relation in record.get("relationships") or []:
        predicate = RELATIONS.get(relation.get("type", ""))
        if predicate is None or not relation.get("id"):
            continue
        other = ror_id_of(relation["id"])
        say(predicate, iri_of(other))
        mapped.references[other] = str(relation.get("label") or other)
    locations = record.get("locations") or []
    if locations:
        mapped.places = places_of(locations[0])
        if mapped.places:
            say(PREFIXES["schema"] + "location", mapped.places[0].iri)
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


def _iri(value: str, what: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value.strip())
    except ValueError as error:
        raise MappingError(f"the {what} {value!r} is not a valid IRI ({error})") from None
