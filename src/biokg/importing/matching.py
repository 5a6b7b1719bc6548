"""Which ROR organisation a name in a trial or a medicine's record denotes, when that is certain.

A name is linked only when, written the same way (case, accents, punctuation and "&"/"and" aside), it is the
display name or a name in a language of exactly one ROR organisation, and no other organisation's alias. An alias
is a candidate for a curator, not a link: aliases are short forms that another organisation may go by ("IRCCS San
Raffaele" is an alias of the Rome hospital and what the Milan one is called), and acronyms are not compared at all.
The other candidates: the name minus a legal form ("Ltd", "GmbH" ...), minus a unit named before a comma, or one
that several organisations bear. Legal forms are not dropped for a link: a
country arm such as "Pfizer Europe MA EEIG" or "Novartis Pharma AG" is an organisation of its own, not the group.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from biokg.namespaces import GRAPH, ID, PREFIXES
from biokg.search.index import fold

ROR_GRAPH = ox.NamedNode(str(GRAPH["ror"]))
NAMING_GRAPHS = (ox.NamedNode(str(GRAPH["clinicaltrials"])), ox.NamedNode(str(GRAPH["ema"])))
"""The graphs of the registries whose records name organisations by name."""
ORGANISATIONS = f"{ID}organization/"
"""The ROR graph also describes places; only its organisations' names are matched."""
MINTED = f"{ORGANISATIONS}named-"
"""Where the organisations named by trials and medicines but not linked to ROR are minted (importing.agents)."""
NAME_PROPERTIES = tuple(
    ox.NamedNode(PREFIXES[prefix] + name)
    for prefix, name in (("rdfs", "label"), ("skos", "prefLabel"), ("skos", "altLabel"))
)
_ALIAS = NAME_PROPERTIES[2]
_PARENT = ox.NamedNode(PREFIXES["org"] + "subOrganizationOf")
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


SHORTENINGS = (
    "the same name without its legal form",
    "the organisation after the unit named first",
    "the last part of the name",
)
"""Why a shortened name's organisation is a candidate, in the order of shortened_keys."""


def shortened_keys(name: str) -> list[str]:
    """The name's key, then the keys of its shortened forms: without legal forms, without a unit named before a
    comma, and its last part after a comma."""
    key, folded = key_of(name), fold(name)
    return [
        key,
        " ".join(_LEGAL_FORMS.sub(" ", key).split()),
        key_of(_DEPARTMENT.sub("", folded)),
        key_of(folded.rsplit(",", 1)[-1]),
    ]


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
    """Each key, the organisations whose display name or name in a language has that key."""
    aliases: dict[str, set[str]] = field(default_factory=dict)
    """Each key, the organisations with an alias of that key."""
    labels: dict[str, str] = field(default_factory=dict)
    """Each organisation's display name."""
    parented: set[str] = field(default_factory=set)
    """The organisations with a parent organisation."""

    @classmethod
    def of_store(cls, store: ox.Store) -> Matcher:
        """The names of the organisations in the ROR graph of `store`."""
        matcher = cls()
        parents = store.quads_for_pattern(None, _PARENT, None, ROR_GRAPH)
        matcher.parented = {quad.subject.value for quad in parents if isinstance(quad.subject, ox.NamedNode)}
        for predicate in NAME_PROPERTIES:
            for quad in store.quads_for_pattern(None, predicate, None, ROR_GRAPH):
                subject = quad.subject
                if (
                    isinstance(subject, ox.NamedNode)
                    and subject.value.startswith(ORGANISATIONS)
                    and isinstance(quad.object, ox.Literal)
                ):
                    kind = "display" if predicate == NAME_PROPERTIES[0] else "alias" if predicate == _ALIAS else ""
                    matcher.add(subject.value, quad.object.value, kind)
        return matcher

    def add(self, organisation: str, name: str, kind: str = "") -> None:
        """One of an organisation's names: its `display` name, an `alias`, or (the default) a name in a language.

        The name of a company with a parent that is its display name without ROR's "(Country)" suffix ("Abbott"
        of "Abbott (Brazil)", part of "Abbott (United States)") is the group's name as much as its country
        company's: it counts as an alias. Display names and parents come first (of_store reads them first)."""
        key = key_of(name)
        display = self.labels.get(organisation, "")
        group_name = (
            kind == ""
            and organisation in self.parented
            and display.endswith(")")
            and key == key_of(display.rsplit(" (", 1)[0])
        )
        if key:
            alias = kind == "alias" or group_name
            (self.aliases if alias else self.organisations).setdefault(key, set()).add(organisation)
        if kind == "display" or organisation not in self.labels:
            self.labels[organisation] = name

    def certain(self, name: str) -> str | None:
        """The one organisation `name` denotes, or None."""
        key = key_of(name)
        found = self.organisations.get(key, set())
        if len(found) != 1 or self.aliases.get(key, set()) - found:
            return None
        return next(iter(found))

    def candidates(self, name: str) -> list[Candidate]:
        """The organisations `name` may denote without certainty, best first."""
        key = key_of(name)
        if self.certain(name) is not None:
            return []
        found = self.organisations.get(key, set()) | self.aliases.get(key, set())
        if len(found) > 1:
            return self._listed(name, found, f"{len(found)} ROR organisations go by this name")
        if found:
            return self._listed(name, found, "an alias of this ROR organisation")
        candidates: list[Candidate] = []
        for other, reason in zip(shortened_keys(name)[1:], SHORTENINGS, strict=True):
            if other and other != key:
                candidates += self._listed(name, self.organisations.get(other, set()), reason)
        return list({candidate.organisation: candidate for candidate in reversed(candidates)}.values())[::-1]

    def _listed(self, name: str, organisations: Iterable[str], reason: str) -> list[Candidate]:
        return [Candidate(name, iri, self.labels.get(iri, iri), reason) for iri in sorted(organisations)]


@dataclass(frozen=True)
class MatchCounts:
    """Organisations named by the registries' records: linked to ROR, minted from a name, and of those the
    ones with candidates."""

    linked: int
    minted: int
    uncertain: int


def uncertain_matches(store: ox.Store) -> list[Candidate]:
    """For each organisation biokg minted from a name (organization/named-...), the ROR organisations it may be,
    for a curator to decide: never merged."""
    matcher = Matcher.of_store(store)
    return [candidate for name in _minted_names(store) for candidate in matcher.candidates(name)]


def match_counts(store: ox.Store) -> MatchCounts:
    """How many named organisations were linked, minted, and minted with candidates."""
    named = {
        quad.object.value
        for graph in NAMING_GRAPHS
        for quad in store.quads_for_pattern(None, None, None, graph)
        if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(f"{ID}organization/")
    }
    linked = {iri for iri in named if iri.startswith(f"{ID}organization/ror-")}
    minted = {iri for iri in named if iri.startswith(MINTED)}
    return MatchCounts(len(linked), len(minted), len({c.name for c in uncertain_matches(store)}))


def _minted_names(store: ox.Store) -> list[str]:
    label = NAME_PROPERTIES[0]
    return sorted(
        {
            quad.object.value
            for quad in store.quads_for_pattern(None, label, None, None)
            if quad.subject.value.startswith(MINTED) and isinstance(quad.object, ox.Literal)  # type: ignore[union-attr]
        }
    )
