"""Which ROR organisation a name in a trial or a medicine's record denotes, when that is certain.

A name is linked only when, written the same way (case, accents, punctuation and "&"/"and" aside), it is a name
of exactly one ROR organisation: its display name, a name in a language, or an alias, never an acronym (short and
shared). Anything less is a candidate for a curator: the name minus a legal form ("Ltd", "GmbH" ...), minus a
department before a comma, or one that several organisations bear. Legal forms are not dropped for a link: a
country arm such as "Pfizer Europe MA EEIG" or "Novartis Pharma AG" is an organisation of its own, not the group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from biokg.namespaces import GRAPH, PREFIXES
from biokg.search.index import fold

ROR_GRAPH = ox.NamedNode(str(GRAPH["ror"]))
NAME_PROPERTIES = tuple(
    ox.NamedNode(PREFIXES[prefix] + name)
    for prefix, name in (("rdfs", "label"), ("skos", "prefLabel"), ("skos", "altLabel"))
)
_LEGAL_FORMS = re.compile(
    r"\b(inc|incorporated|ltd|limited|llc|plc|corp|corporation|co|company|gmbh|ag|sa|sas|sarl|srl|spa|bv|nv|"
    r"ab|as|aps|oy|kk|kg|se|eeig|pty|pte|lp|llp)\b"
)
_DEPARTMENT = re.compile(r"^(department|dept|division|faculty|school|institute|unit|laboratory|service)\b.*?,\s*")


def key_of(name: str) -> str:
    """The name as names are compared: folded (search.index.fold), '&' read as 'and', punctuation as space, a
    leading 'the' dropped."""
    text = fold(name).replace("&", " and ")
    words = re.sub(r"[^\w]+", " ", text).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Candidate:
    """A ROR organisation a name may denote, and why it is not certain."""

    name: str
    organisation: str
    label: str
    reason: str


@dataclass
class Matcher:
    """ROR's names, by key."""

    organisations: dict[str, set[str]] = field(default_factory=dict)
    """Each key, the organisations that bear a name of that key."""
    labels: dict[str, str] = field(default_factory=dict)
    """Each organisation's display name."""

    @classmethod
    def of_store(cls, store: ox.Store) -> Matcher:
        """The names of the organisations in the ROR graph of `store`."""
        matcher = cls()
        for predicate in NAME_PROPERTIES:
            for quad in store.quads_for_pattern(None, predicate, None, ROR_GRAPH):
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                    matcher.add(quad.subject.value, quad.object.value, predicate == NAME_PROPERTIES[0])
        return matcher

    def add(self, organisation: str, name: str, display: bool = False) -> None:
        key = key_of(name)
        if key:
            self.organisations.setdefault(key, set()).add(organisation)
        if display or organisation not in self.labels:
            self.labels[organisation] = name

    def certain(self, name: str) -> str | None:
        """The one organisation `name` denotes, or None."""
        found = self.organisations.get(key_of(name), set())
        return next(iter(found)) if len(found) == 1 else None

    def candidates(self, name: str) -> list[Candidate]:
        """The organisations `name` may denote without certainty, best first."""
        key = key_of(name)
        found = self.organisations.get(key, set())
        if len(found) > 1:
            return self._listed(name, found, f"{len(found)} ROR organisations bear this name")
        if len(found) == 1:
            return []
        folded = fold(name)
        shorter = [
            (" ".join(_LEGAL_FORMS.sub(" ", key).split()), "the same name without its legal form"),
            (key_of(_DEPARTMENT.sub("", folded)), "the organisation after the unit named first"),
            (key_of(folded.rsplit(",", 1)[-1]), "the last part of the name"),
        ]
        candidates: list[Candidate] = []
        for other, reason in shorter:
            if other and other != key:
                candidates += self._listed(name, self.organisations.get(other, set()), reason)
        return list(dict.fromkeys(candidates))

    def _listed(self, name: str, organisations: Iterable[str], reason: str) -> list[Candidate]:
        return [Candidate(name, iri, self.labels.get(iri, iri), reason) for iri in sorted(organisations)]
