"""The one interface every store of biokg offers: the CLI, the endpoint and the canned queries go through it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import pyoxigraph as ox

from biokg.errors import QuerySyntaxError
from biokg.formats import Format

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class SelectResult:
    """The answer of a SELECT query: its variables, and one tuple per row (None where a variable is unbound)."""

    variables: tuple[str, ...]
    rows: tuple[tuple[Term | None, ...], ...]


Answer = SelectResult | bool | tuple[ox.Triple, ...]
"""What a query gives: rows for SELECT, a boolean for ASK, triples for CONSTRUCT and DESCRIBE."""


Progress = Callable[[int], None]


class Store(Protocol):
    """A quad store that answers SPARQL and takes whole named graphs."""

    name: str

    def query(self, query: str) -> Answer:
        """Run a query and give its whole answer."""
        ...

    def replace_graphs(
        self, quads: Iterable[ox.Quad], on_progress: Progress | None = None, graphs: Iterable[str] = ()
    ) -> None:
        """Make each named graph of `quads`, and each of `graphs` (emptied if `quads` has none of it), hold exactly
        its quads there, other graphs staying as they are; `on_progress` hears how many quads were written.

        `quads` may be a one-pass iterator (an import too large to hold) when `graphs` names every graph it fills.
        """
        ...

    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store's graphs."""
        ...

    def graph_names(self) -> list[str]:
        """The names of the store's graphs, sorted."""
        ...

    def export(self, fmt: Format) -> bytes:
        """The whole dataset in `fmt` (TriG and N-Quads keep the named graphs, others merge them)."""
        ...

    def triple_count(self) -> int:
        """How many quads the store's graphs hold."""
        ...


def select(store: Store, query: str) -> SelectResult:
    """Run a query that must be a SELECT."""
    answer = store.query(query)
    if not isinstance(answer, SelectResult):
        raise QuerySyntaxError("expected a SELECT query")
    return answer


def normalize(answer: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Answer:
    """An Oxigraph answer read whole into biokg's plain answer types."""
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(variable.value for variable in answer.variables)
        return SelectResult(variables, tuple(tuple(row) for row in answer))
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    return tuple(answer)


def serialize_dataset(quads: Iterable[ox.Quad], fmt: Format) -> bytes:
    """Quads written in `fmt`: with their graphs in a dataset format, merged (each triple once) otherwise."""
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    if fmt.holds_graphs:
        return ox.serialize(quads, format=fmt.oxigraph) or b""
    return ox.serialize(dict.fromkeys(quad.triple for quad in quads), format=fmt.oxigraph) or b""


SubjectPattern = ox.NamedNode | ox.BlankNode | ox.Triple | None
ObjectPattern = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None
GraphPattern = ox.NamedNode | ox.BlankNode | ox.DefaultGraph | None
"""The terms of a pattern of `quads_for_pattern`, None for any."""


class QuadLookup(Protocol):
    """What a check of a change reads of a store: its statements by pattern."""

    def quads_for_pattern(
        self,
        subject: SubjectPattern,
        predicate: ox.NamedNode | None,
        object: ObjectPattern,
        graph_name: GraphPattern = None,
    ) -> Iterator[ox.Quad]: ...
