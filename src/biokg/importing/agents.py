"""The organisations and people that trial and medicine records name, as resources.

A name the matcher links with certainty is the ROR organisation; any other name is a resource of its own, minted
from the name (organization/named-{slug}, person/named-{slug}), so that the same name in two sources is one
resource, and described by the name and the class the source gives it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import pyoxigraph as ox

from biokg.importing.matching import MINTED, Matcher
from biokg.namespaces import BKG, ID, PREFIXES

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_SLUG_WORDS = 12


def slug_of(name: str) -> str:
    """Lower-case ASCII words of a name, joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_name.lower())[:_SLUG_WORDS])


@dataclass
class _Named:
    names: set[str] = field(default_factory=set)
    classes: set[ox.NamedNode] = field(default_factory=set)


@dataclass
class NamedAgents:
    """Agents by name, for one import; `linked` holds each name the matcher linked, for the import's report."""

    matcher: Matcher
    minted: dict[ox.NamedNode, _Named] = field(default_factory=dict)
    linked: dict[str, ox.NamedNode] = field(default_factory=dict)

    def organisation(self, name: str, kind: ox.NamedNode | None = None) -> ox.NamedNode:
        known = self.matcher.certain(name)
        if known is not None:
            self.linked[name] = ox.NamedNode(known)
            return self.linked[name]
        return self._mint(MINTED, name, kind or ox.NamedNode(str(BKG.Organization)))

    def person(self, name: str) -> ox.NamedNode:
        return self._mint(f"{ID}person/named-", name, ox.NamedNode(str(BKG.Person)))

    def _mint(self, folder: str, name: str, kind: ox.NamedNode) -> ox.NamedNode:
        slug = slug_of(name)
        if not slug:
            slug = "-".join(f"u{ord(character):x}" for character in name.strip()[:_SLUG_WORDS]) or "unnamed"
        iri = ox.NamedNode(folder + slug)
        named = self.minted.setdefault(iri, _Named())
        named.names.add(name.strip())
        named.classes.add(kind)
        return iri

    def stubs(self, used: set[ox.NamedNode]) -> list[ox.Triple]:
        """What the records say of the agents they name and biokg mints: their names and classes ("und": a
        registry does not say in which language a name is written)."""
        triples: list[ox.Triple] = []
        for iri in sorted(used & self.minted.keys(), key=lambda node: node.value):
            named = self.minted[iri]
            triples += [ox.Triple(iri, _RDF_TYPE, kind) for kind in sorted(named.classes, key=lambda k: k.value)]
            triples += [ox.Triple(iri, _LABEL, ox.Literal(name, language="und")) for name in sorted(named.names)]
        return triples
