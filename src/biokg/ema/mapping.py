"""One row of the EMA medicines table as statements of biokg's ontology.

Product number -> the medicine's IRI (EMEA/H/C/000387 -> id/medicine/emea-h-c-000387) and bkg:emaProductNumber;
name -> rdfs:label; category -> bkg:medicineCategory; INN -> schema:nonProprietaryName; active substance ->
schema:activeIngredient; ATC and ATCvet codes -> bkg:atcCode, bkg:atcVetCode; therapeutic areas (MeSH headings) ->
bkg:therapeuticArea; pharmacotherapeutic group -> bkg:pharmacotherapeuticGroup; species -> bkg:targetSpecies; the
yes/no columns -> xsd:boolean flags; status -> bkg:authorisationStatus; dates of opinion and of the latest
decision, EPAR revision number and date, URL -> the medicine. The marketing authorisation date makes a
bkg:MarketingAuthorisation held by the named company, the refusal date a bkg:AuthorisationRefusal (whose
applicant is the named company only when no authorisation followed: the table names today's company). Texts are
kept as the table words them, with their spacing tidied. Not imported: the indication texts (prose), "Patient
safety" (a yes/no the table does not define) and "First published" (the date of a web page, not of the medicine).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

import pyoxigraph as ox

from biokg.importing.records import Agents, Mapped, MappingError
from biokg.namespaces import ID, PREFIXES

_BKG, _XSD, _SCHEMA = PREFIXES["bkg"], PREFIXES["xsd"], PREFIXES["schema"]
_RDF_TYPE = PREFIXES["rdf"] + "type"
_LABEL = PREFIXES["rdfs"] + "label"
CATEGORIES = {"Human": _BKG + "HumanUse", "Veterinary": _BKG + "VeterinaryUse"}
STATUSES = {"Authorised": _BKG + "Authorised", "Withdrawn": _BKG + "Withdrawn", "Refused": _BKG + "Refused"}
FLAGS = {
    "Orphan medicine": _BKG + "orphanMedicine",
    "Biosimilar": _BKG + "biosimilar",
    "Generic": _BKG + "generic",
    "Conditional approval": _BKG + "conditionalApproval",
    "Exceptional circumstances": _BKG + "exceptionalCircumstances",
    "Accelerated assessment": _BKG + "acceleratedAssessment",
    "Additional monitoring": _BKG + "additionalMonitoring",
}
TEXTS = {
    "International non-proprietary name (INN) / common name": _SCHEMA + "nonProprietaryName",
    "Active substance": _SCHEMA + "activeIngredient",
}
GROUPS = ("Human pharmacotherapeutic group", "Vet pharmacotherapeutic group")
DATES = {
    "Date of opinion": _BKG + "opinionDate",
    "Decision date": _BKG + "latestDecisionDate",
    "Revision date": _BKG + "eparRevisionDate",
}
CODES = {"ATC code": (_BKG + "atcCode", ""), "ATCvet code": (_BKG + "atcVetCode", "Q")}
_PRODUCT_NUMBER = re.compile(r"EMEA/[HV]/C/[0-9]{6}")
_ATC = r"[A-Z]([0-9]{2}([A-Z]([A-Z]([0-9]{2})?)?)?)?"
_NO_CODE = re.compile(r"not (yet )?assigned", re.IGNORECASE)
_HEADING_SEPARATOR = re.compile(r";\s{2,}")
"""EMA separates MeSH headings with a semicolon and two spaces; a semicolon without them (\"Arthritis;
Rheumatoid\", \"Kidney Failure,;Chronic\") stands for the comma of an inverted heading (\"Arthritis,
Rheumatoid\")."""
_INNER_SEMICOLON = re.compile(r"\s*,?\s*;\s*")
_EMPTY_ITEMS = re.compile(r"(\s*,)+\s*(?=,|$)")
"""The empty items of a group's comma list ("Vaccines, ", "Antiepileptics, , Other antiepileptics")."""


def medicine_iri(product_number: str) -> ox.NamedNode:
    """The medicine's IRI, minted from its EMA product number."""
    return ox.NamedNode(f"{ID}medicine/{_slug(product_number)}")


def map_medicine(record: dict[str, Any], agents: Agents) -> Mapped:
    """The statements of one medicine and of its authorisation or refusal; MappingError when a value cannot be."""
    product_number = _required(record, "Product number")
    if not _PRODUCT_NUMBER.fullmatch(product_number):
        raise MappingError(f"Product number {product_number!r} is not an EMA product number such as EMEA/H/C/000387")
    medicine = medicine_iri(product_number)
    mapped = Mapped(product_number, medicine)
    name = _required(record, "Medicine name")
    mapped.say(medicine, _RDF_TYPE, ox.NamedNode(_BKG + "Medicine"))
    mapped.say(medicine, _LABEL, _english(name))
    mapped.say(medicine, _BKG + "emaProductNumber", ox.Literal(product_number))
    mapped.say(medicine, _BKG + "medicineCategory", _concept(record, "Category", CATEGORIES))
    status = _concept(record, "Authorisation status", STATUSES)
    mapped.say(medicine, _BKG + "authorisationStatus", status)
    for column, predicate in TEXTS.items():
        if (text := _text(record, column)) is not None:
            mapped.say(medicine, predicate, _english(text))
    for column in GROUPS:
        if (group := _text(record, column)) is not None and (group := _EMPTY_ITEMS.sub("", group)):
            mapped.say(medicine, _BKG + "pharmacotherapeuticGroup", _english(group))
    for heading in _headings(record.get("Therapeutic area"), "Therapeutic area"):
        mapped.say(medicine, _BKG + "therapeuticArea", _english(heading))
    for species in _items(_text(record, "Species"), ";"):
        mapped.say(medicine, _BKG + "targetSpecies", _english(species))
    for column, (predicate, prefix) in CODES.items():
        for code in _codes(record, column, prefix):
            mapped.say(medicine, predicate, ox.Literal(code))
    for column, predicate in FLAGS.items():
        if (flag := _flag(record, column)) is not None:
            mapped.say(medicine, predicate, flag)
    for column, predicate in DATES.items():
        if (day := _date(record, column)) is not None:
            mapped.say(medicine, predicate, day)
    if (revision := _revision(record)) is not None:
        mapped.say(medicine, _BKG + "eparRevisionNumber", revision)
    if (url := _text(record, "URL")) is not None:
        if not url.startswith(("https://", "http://")):
            raise MappingError(f"URL {url!r} is not a web address")
        mapped.say(medicine, _SCHEMA + "url", ox.Literal(url, datatype=ox.NamedNode(_XSD + "anyURI")))
    _events(mapped, record, name, agents)
    return mapped


def _events(mapped: Mapped, record: dict[str, Any], name: str, agents: Agents) -> None:
    """The authorisation and the refusal the table dates. A status whose event has no date is an error: the
    event cannot be stated without inventing its date, nor left out without losing its company."""
    slug = _slug(mapped.key)
    status = _required(record, "Authorisation status")
    authorised = _date(record, "Marketing authorisation date")
    refused = _date(record, "Date of refusal of marketing authorisation")
    if status == "Refused":
        if authorised is not None:
            raise MappingError(f"Marketing authorisation date {authorised.value} is given for a refused medicine")
        if refused is None:
            raise MappingError("Date of refusal of marketing authorisation is empty for a refused medicine")
    elif authorised is None:
        raise MappingError(f"Marketing authorisation date is empty, but Authorisation status is {status!r}")
    company = _text(record, "Marketing authorisation holder/company name")
    organisation = agents.organisation(company, ox.NamedNode(_BKG + "Company")) if company else None
    if authorised is not None:
        authorisation = ox.NamedNode(f"{ID}authorisation/{slug}")
        mapped.say(authorisation, _RDF_TYPE, ox.NamedNode(_BKG + "MarketingAuthorisation"))
        mapped.say(authorisation, _LABEL, _english(f"Marketing authorisation of {name}"))
        mapped.say(authorisation, _BKG + "date", authorised)
        mapped.say(authorisation, _BKG + "authorises", mapped.iri)
        if organisation is not None:
            mapped.say(authorisation, _BKG + "holder", organisation)
    if refused is not None:
        refusal = ox.NamedNode(f"{ID}refusal/{slug}")
        mapped.say(refusal, _RDF_TYPE, ox.NamedNode(_BKG + "AuthorisationRefusal"))
        mapped.say(refusal, _LABEL, _english(f"Refusal of a marketing authorisation for {name}"))
        mapped.say(refusal, _BKG + "date", refused)
        mapped.say(refusal, _BKG + "refusalOf", mapped.iri)
        # The table names today's holder: the applicant of a refusal only when no authorisation followed it.
        if organisation is not None and authorised is None:
            mapped.say(refusal, _BKG + "applicant", organisation)


def _slug(product_number: str) -> str:
    return product_number.lower().replace("/", "-")


def _english(text: str) -> ox.Literal:
    return ox.Literal(text, language="en")


def _text(record: dict[str, Any], column: str) -> str | None:
    """A cell's text with its spacing tidied (no-break spaces, doubled and trailing spaces), None when empty."""
    value = record.get(column)
    if value is None:
        return None
    if not isinstance(value, str):
        raise MappingError(f"{column} is {value!r}, not a text")
    return " ".join(value.split()) or None


def _required(record: dict[str, Any], column: str) -> str:
    text = _text(record, column)
    if text is None:
        raise MappingError(f"{column} is empty")
    return text


def _concept(record: dict[str, Any], column: str, concepts: dict[str, str]) -> ox.NamedNode:
    value = _required(record, column)
    if value not in concepts:
        raise MappingError(f"{column} {value!r} is none of {', '.join(concepts)}")
    return ox.NamedNode(concepts[value])


def _flag(record: dict[str, Any], column: str) -> ox.Literal | None:
    value = _text(record, column)
    if value is None:
        return None
    if value.lower() not in ("yes", "no"):
        raise MappingError(f"{column} is {value!r}, not yes or no")
    return ox.Literal(str(value.lower() == "yes").lower(), datatype=ox.NamedNode(_XSD + "boolean"))


def _date(record: dict[str, Any], column: str) -> ox.Literal | None:
    value = record.get(column)
    if value is None:
        return None
    if isinstance(value, datetime) or not isinstance(value, date):  # the reader gives days
        raise MappingError(f"{column} is {value!r}, not a date")
    return ox.Literal(value.isoformat(), datatype=ox.NamedNode(_XSD + "date"))


def _revision(record: dict[str, Any]) -> ox.Literal | None:
    value = record.get("Revision number")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise MappingError(f"Revision number is {value!r}, not a whole number of 0 or more")
    return ox.Literal(str(value), datatype=ox.NamedNode(_XSD + "nonNegativeInteger"))


def _codes(record: dict[str, Any], column: str, prefix: str) -> list[str]:
    """The ATC codes of a cell (comma-separated); "Not yet assigned" is no code."""
    text = _text(record, column)
    if text is None or _NO_CODE.fullmatch(text):
        return []
    codes = _items(text, ",")
    for code in codes:
        if not re.fullmatch(prefix + _ATC, code):
            raise MappingError(f"{column} {code!r} is not an {column} (such as {prefix}J02AC03, or {prefix}L04AC)")
    return codes


def _headings(value: Any, column: str) -> list[str]:
    """The MeSH headings of a therapeutic area cell, each with the comma of an inverted heading restored."""
    if value is None:
        return []
    if not isinstance(value, str):
        raise MappingError(f"{column} is {value!r}, not a text")
    headings = (_INNER_SEMICOLON.sub(", ", part.strip(" ;\xa0")) for part in _HEADING_SEPARATOR.split(value))
    return list(dict.fromkeys(" ".join(heading.split()) for heading in headings if heading.strip()))


def _items(text: str | None, separator: str) -> list[str]:
    if text is None:
        return []
    return list(dict.fromkeys(item.strip() for item in text.split(separator) if item.strip()))
