"""Shared fixtures: the shipped sources, and a store loaded with them."""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
import pytest

from biokg.dataset import load_validated
from biokg.namespaces import sparql_prologue
from biokg.sources import Sources, load_sources
from biokg.store import EmbeddedStore, Store

Rows = list[tuple[str | None, ...]]


@pytest.fixture(scope="session")
def sources() -> Sources:
    return load_sources()


@pytest.fixture(scope="session")
def store(sources: Sources) -> Store:
    embedded = EmbeddedStore()
    load_validated(embedded, sources)
    return embedded


def plain(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str | None:
    """A term as the string a test compares: an IRI's value, a literal's lexical form with @lang if any."""
    if term is None:
        return None
    if isinstance(term, ox.Literal) and term.language:
        return f"{term.value}@{term.language}"
    return term.value


@pytest.fixture(scope="session")
def rows(store: Store) -> Callable[[str], Rows]:
    """Run a SELECT with biokg's prefixes and give its rows as plain strings, in the query's order."""

    def run(query: str) -> Rows:
        result = store.select(sparql_prologue() + query)
        return [tuple(plain(term) for term in row) for row in result.rows]

    return run
