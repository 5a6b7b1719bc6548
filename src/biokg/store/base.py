"""The one interface every store of biokg offers: the CLI, the endpoint and the canned queries go through it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class SelectResult:
    """The answer of a SELECT query: its variables, and one tuple per row (None where a variable is unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]

    def column(self, variable: str) -> list[Term | None]:
        """The values of one variable, row by row."""
        index = self.variables.index(variable)
        return [row[index] for row in self.rows]


class Store(Protocol):
    """A quad store that answers SPARQL and takes whole named graphs."""

    name: str

    def select(self, query: str) -> SelectResult:
        """Run a SELECT query."""
        ...

    def ask(self, query: str) -> bool:
        """Run an ASK query."""
        ...

    def add(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads, all or none."""
        ...

    def triple_count(self) -> int:
        """How many quads the store holds, over all graphs."""
        ...
