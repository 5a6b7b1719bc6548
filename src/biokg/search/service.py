"""The text index inside SPARQL: a `SERVICE <https://w3id.org/biokg/search>` clause is answered by biokg before
the engine runs the query, and replaced by a VALUES block of its hits, so it works with every client and every
store behind biokg. It is not federation: no request leaves the server, and SERVICE to any other IRI stays
refused (`biokg.guard`).

    PREFIX search: <https://w3id.org/biokg/search#>
    SELECT ?org ?label ?score WHERE {
      SERVICE <https://w3id.org/biokg/search> {
        ?org search:query "biom" ; search:class bkg:Organization ; search:limit 5 ;
             search:label ?label ; search:score ?score .
      }
    } ORDER BY DESC(?score)

search:query is a string, or a variable a `VALUES ?v { "text" ... }` block of the query binds to strings (as a
canned query's parameter is bound), each looked up and its hits bound with it; search:class, search:country (IRIs)
and search:limit (at most 1,000, 10 by default) narrow it; search:label, search:score, search:matched and
search:type name variables for what each hit brings. The resource's variable is the subject.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from biokg.engine import QueryEngine, QueryJob, QueryOutcome
from biokg.engine.inline import engine_for
from biokg.errors import QuerySyntaxError, RdfSyntaxError
from biokg.namespaces import SEARCH, SEARCH_SERVICE
from biokg.search.index import Hit, SearchIndex
from biokg.sparql_text import (
    STRING,
    ServiceCall,
    blank_opaque_parts,
    declared_prefixes,
    offset_position,
    service_calls,
)
from biokg.store.base import Store

MAX_LIMIT = 1000
_TOKEN = re.compile(
    rf"(?P<space>\s+|#[^\n]*)|(?P<variable>[?$]\w+)|(?P<iri><[^<>\"{{}}|^`\\\s]*>)"
    rf"|(?P<string>(?:{STRING})(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|\^\^(?:<[^<>\s]*>|[A-Za-z]?[\w.-]*:[\w-]*))?)"
    r"|(?P<number>\d+)|(?P<punctuation>[;.,])|(?P<name>[A-Za-z]?[\w.-]*:[\w-]*)"
)
_VALUES = re.compile(r"\bVALUES\s+([?$]\w+)\s*\{", re.IGNORECASE)
OUTPUTS: dict[str, Callable[[Hit], ox.NamedNode | ox.Literal | None]] = {
    "label": lambda hit: ox.Literal(hit.label, language=hit.language or None),
    "score": lambda hit: ox.Literal(
        str(hit.score), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
    ),
    "matched": lambda hit: ox.Literal(hit.matched),
    "type": lambda hit: ox.NamedNode(hit.type) if hit.type else None,
}
"""What a hit brings, by the search term that names a variable for it."""
INPUTS = ("query", "class", "country", "limit")


@dataclass(frozen=True)
class SearchPattern:
    """One search clause read: the resource's variable, what to look for, and the variables of the outputs."""

    subject: str
    texts: tuple[str, ...]
    """What to look for: one string, or each a VALUES block binds `text_variable` to."""
    text_variable: str | None = None
    class_iri: str | None = None
    country: str | None = None
    limit: int = 10
    outputs: tuple[tuple[str, str], ...] = ()
    """(output, variable) pairs: ("label", "name") binds ?name to each hit's label."""


def expand_search(query: str, index: Callable[[], SearchIndex]) -> str:
    """The query with each search clause replaced by the VALUES of its hits; `index` is asked for only when the
    query has one. Raises QuerySyntaxError, at the clause's line and column, for a clause it cannot read."""
    calls = [call for call in service_calls(query) if call.target == SEARCH_SERVICE]
    for call in reversed(calls):
        pattern = read_pattern(query, call)
        found = {
            text: index().search(text, pattern.class_iri, pattern.country, pattern.limit) for text in pattern.texts
        }
        query = query[: call.start] + values_block(pattern, found) + query[call.end :]
    return query


def read_pattern(query: str, call: ServiceCall) -> SearchPattern:
    """The search clause `call` of `query`, read."""

    def refuse(message: str) -> QuerySyntaxError:
        return QuerySyntaxError(f"in SERVICE <{SEARCH_SERVICE}>: {message}", offset_position(query, call.start))

    tokens = _tokens(query[call.inside[0] : call.inside[1]], refuse)
    if not tokens or tokens[0][0] != "variable":
        raise refuse("the pattern starts with the variable of the resources found, as in ?item search:query 'text'")
    subject = tokens[0][1][1:]
    prefixes = declared_prefixes(query)
    given: dict[str, str] = {}
    texts: tuple[str, ...] = ()
    text_variable = None
    outputs: list[tuple[str, str]] = []
    rest = tokens[1:]
    while rest:
        if len(rest) < 2:
            raise refuse("a search term without a value")
        (kind, predicate), (object_kind, value), *rest = rest
        term = _expanded(kind, predicate, prefixes)
        if term is None or not term.startswith(SEARCH) or term[len(SEARCH) :] not in (*INPUTS, *OUTPUTS):
            known = ", ".join(f"search:{name}" for name in (*INPUTS, *OUTPUTS))
            raise refuse(f"{predicate} is not a search term (the terms are {known}, search: being <{SEARCH}>)")
        name = term[len(SEARCH) :]
        if name in OUTPUTS:
            if object_kind != "variable":
                raise refuse(f"search:{name} names a variable for what each hit brings, not {value}")
            outputs.append((name, value[1:]))
        elif object_kind == "variable" and name == "query":
            text_variable, texts = value[1:], _bound_texts(query, value, refuse)
        else:
            given[name] = _input(name, object_kind, value, prefixes, refuse)
        if rest and rest[0] == ("punctuation", ";"):
            rest = rest[1:]
        elif rest and rest[0] == ("punctuation", ".") and len(rest) == 1:
            rest = []
        elif rest:
            raise refuse(f"expected ; between search terms, not {rest[0][1]}")
    if "query" in given:
        texts = (given["query"],)
    if not texts:
        raise refuse("search:query gives the text to look for")
    limit = int(given.get("limit", 10))
    if not 1 <= limit <= MAX_LIMIT:
        raise refuse(f"search:limit is between 1 and {MAX_LIMIT}, not {limit}")
    return SearchPattern(
        subject, texts, text_variable, given.get("class"), given.get("country"), limit, tuple(outputs)
    )


def values_block(pattern: SearchPattern, found: dict[str, list[Hit]]) -> str:
    """A VALUES block binding the pattern's variables to each hit of each text (and the text's variable to the
    text it was found by)."""
    variables = [pattern.subject, *(variable for _, variable in pattern.outputs)]
    variables += [pattern.text_variable] if pattern.text_variable else []
    rows = []
    for text, hits in found.items():
        for hit in hits:
            terms = [ox.NamedNode(hit.iri), *(OUTPUTS[output](hit) for output, _ in pattern.outputs)]
            terms += [ox.Literal(text)] if pattern.text_variable else []
            rows.append("(" + " ".join("UNDEF" if term is None else str(term) for term in terms) + ")")
    return f"VALUES ({' '.join('?' + name for name in variables)}) {{ {' '.join(rows)} }}"


def searching_engine(store: Store) -> QueryEngine:
    """The engine of a one-off command over a store (inline, or the remote store's), with the index built from
    the store only if a query searches it."""
    return SearchingEngine(engine_for(store), functools.cache(lambda: SearchIndex.build(store)))


class SearchingEngine:
    """An engine that answers the search clauses of a query from the index, then runs it on `engine`."""

    def __init__(self, engine: QueryEngine, index: Callable[[], SearchIndex]) -> None:
        self.engine = engine
        self.index = index

    def run(self, job: QueryJob) -> QueryOutcome:
        return self.engine.run(self._expanded(job))

    async def answer(self, job: QueryJob) -> QueryOutcome:
        return await self.engine.answer(self._expanded(job))

    def close(self) -> None:
        self.engine.close()

    def _expanded(self, job: QueryJob) -> QueryJob:
        query = expand_search(job.query, self.index)
        return job if query == job.query else dataclasses.replace(job, query=query)


def _tokens(text: str, refuse: Callable[[str], QuerySyntaxError]) -> list[tuple[str, str]]:
    """The pattern's tokens as (kind, text), spaces and comments left out."""
    tokens, at = [], 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.end() == at:
            raise refuse(f"cannot read {text[at : at + 20]!r}")
        if match.lastgroup != "space":
            tokens.append((str(match.lastgroup), match[0]))
        at = match.end()
    return tokens


def _expanded(kind: str, text: str, prefixes: dict[str, str]) -> str | None:
    """The IRI an IRI or prefixed-name token names."""
    if kind == "iri":
        return text[1:-1]
    if kind == "name":
        prefix, _, local = text.partition(":")
        return prefixes[prefix] + local if prefix in prefixes else None
    return None


def _input(
    name: str, kind: str, value: str, prefixes: dict[str, str], refuse: Callable[[str], QuerySyntaxError]
) -> str:
    """An input's value: the text of search:query, the IRI of search:class and search:country, search:limit's
    number."""
    if name == "query":
        if kind != "string":
            raise refuse(f"search:query is a string or a variable bound by VALUES, not {value}")
        return _string(value, refuse)
    if name == "limit":
        if kind != "number":
            raise refuse(f"search:limit is a whole number, not {value}")
        return value
    iri = _expanded(kind, value, prefixes)
    if iri is None:
        raise refuse(f"search:{name} is an IRI, not {value}")
    return iri


def _string(token: str, refuse: Callable[[str], QuerySyntaxError]) -> str:
    """A string token's text, escapes read as Turtle reads them."""
    try:
        quads = ox.parse(f"<urn:s> <urn:p> {token} .", format=ox.RdfFormat.TURTLE)
        return str(next(iter(quads)).object.value)
    except (SyntaxError, ValueError, RdfSyntaxError):
        raise refuse(f"cannot read the string {token}") from None


def _bound_texts(query: str, variable: str, refuse: Callable[[str], QuerySyntaxError]) -> tuple[str, ...]:
    """The strings a `VALUES ?variable { "..." ... }` block of the query binds `variable` to."""
    blanked = blank_opaque_parts(query)  # a brace inside a string does not close the block
    for block in _VALUES.finditer(blanked):
        if block[1][1:] != variable[1:]:
            continue
        end = blanked.find("}", block.end())
        tokens = _tokens(query[block.end() : end], refuse)
        if not tokens or any(kind != "string" for kind, _ in tokens):
            raise refuse(f"search:query {variable} must be bound to strings by VALUES")
        return tuple(dict.fromkeys(_string(token, refuse) for _, token in tokens))
    raise refuse(f"search:query {variable} is not bound: give a string, or bind {variable} with VALUES")
