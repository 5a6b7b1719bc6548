"""What every importer's reader and mapper exchange with the import pipeline.

A reader yields `Read`s: a record with where it was found (`file:line`), or the reason it could not be read. A
mapper turns one record into a `Mapped`: its statements, or a `MappingError` naming the field that is wrong. The
organisations and people a record names are asked of an `Agents`, which links a name to the resource it is (a ROR
organisation when the match is certain) and describes the names it cannot link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import pyoxigraph as ox


class MappingError(ValueError):
    """A record that cannot be written as statements: the message names the field and its value."""


@dataclass(frozen=True)
class Read:
    """One record read, or the reason it could not be (`record` is None then)."""

    where: str
    record: dict[str, Any] | None
    problem: str = ""


@dataclass
class Mapped:
    """One record's statements. `key` is the record's own identifier (NCT id, EMA product number)."""

    key: str
    iri: ox.NamedNode
    triples: list[ox.Triple] = field(default_factory=list)

    def say(self, subject: ox.NamedNode, predicate: str, value: ox.NamedNode | ox.Literal) -> None:
        self.triples.append(ox.Triple(subject, ox.NamedNode(predicate), value))


class Agents(Protocol):
    """The resources of the organisations and people that records name."""

    def organisation(self, name: str, kind: ox.NamedNode | None = None) -> ox.NamedNode:
        """The organisation named `name`; `kind` is the class the source gives it (bkg:Company ...), if any."""
        ...

    def person(self, name: str) -> ox.NamedNode:
        """The person named `name`, where a source names a person in an organisation's place."""
        ...
