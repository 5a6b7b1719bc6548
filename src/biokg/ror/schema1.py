"""ROR schema 1 records in the shape of schema 2, field by field as ROR's documentation of the change maps them.

name -> a name of types ror_display and label; aliases, acronyms and labels -> names of those types (labels keep
their ISO 639 language); types and relationship types -> lower case; addresses -> locations with GeoNames details
(city, coordinates, the record's country, and its ISO 3166-2 subdivision where the address gives `state_code`);
external_ids {"GRID": {"all", "preferred"}} -> [{"type": "grid", "all": [...], "preferred"}]; links and
wikipedia_url -> links of types website and wikipedia. Schema 1 has no domains and no admin dates.
"""

from __future__ import annotations

from typing import Any


def is_schema1(record: dict[str, Any]) -> bool:
    """Schema 1 names an organisation with `name`, schema 2 with `names`."""
    return isinstance(record.get("name"), str) and "names" not in record


def as_schema2(record: dict[str, Any]) -> dict[str, Any]:
    """The record in schema 2's fields; what schema 2 has no field for (email, IP addresses) is left out."""
    return {
        "id": record["id"],
        "names": _names(record),
        "types": [str(kind).lower() for kind in record.get("types") or []],
        "established": record.get("established"),
        "status": record.get("status"),
        "locations": [_location(address, record.get("country") or {}) for address in record.get("addresses") or []],
        "relationships": [
            {"type": str(relation.get("type", "")).lower(), "id": relation.get("id"), "label": relation.get("label")}
            for relation in record.get("relationships") or []
        ],
        "external_ids": [
            {"type": kind.lower(), "all": _listed(ids.get("all")), "preferred": ids.get("preferred")}
            for kind, ids in (record.get("external_ids") or {}).items()
        ],
        "links": [{"type": "website", "value": link} for link in record.get("links") or [] if link]
        + ([{"type": "wikipedia", "value": record["wikipedia_url"]}] if record.get("wikipedia_url") else []),
        "domains": [],
    }


def _names(record: dict[str, Any]) -> list[dict[str, Any]]:
    names: list[dict[str, Any]] = [{"value": record["name"], "types": ["ror_display", "label"], "lang": None}]
    names += [{"value": alias, "types": ["alias"], "lang": None} for alias in record.get("aliases") or []]
    names += [{"value": acronym, "types": ["acronym"], "lang": None} for acronym in record.get("acronyms") or []]
    names += [
        {"value": label.get("label"), "types": ["label"], "lang": label.get("iso639")}
        for label in record.get("labels") or []
    ]
    return names


def _location(address: dict[str, Any], country: dict[str, Any]) -> dict[str, Any]:
    city = address.get("geonames_city") or {}
    state_code = str(address.get("state_code") or "")
    return {
        "geonames_id": city.get("id"),
        "geonames_details": {
            "name": city.get("city") or address.get("city"),
            "lat": address.get("lat"),
            "lng": address.get("lng"),
            "country_code": country.get("country_code"),
            "country_name": country.get("country_name"),
            "country_subdivision_code": state_code.partition("-")[2] or None,
            "country_subdivision_name": address.get("state") if state_code else None,
        },
    }


def _listed(value: Any) -> list[Any]:
    """Schema 1 writes a single GRID id as a string where the others are lists."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]
