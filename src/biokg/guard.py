"""What a query sent to the public endpoint may do, checked before the engine sees it.

Oxigraph's parser has no depth guard (about 5,000 nested groups overflow its stack and kill the process), and
its SERVICE and LOAD make real HTTP requests that no Python setting can switch off, so both are refused here,
from the text itself, before evaluation. The one SERVICE answered is biokg's text search, which never leaves the
server: `biokg.search.service` replaces it with the index's answer before the engine sees the query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biokg.errors import QuerySyntaxError, RefusedQueryError
from biokg.namespaces import PREFIXES, SEARCH_SERVICE
from biokg.sparql_text import blank_opaque_parts, request_form, service_calls, undeclared_prefix

_OPENERS = {"(": ")", "{": "}", "[": "]"}
_FROM_FILE = re.compile(r"\bFROM\s+(?:NAMED\s+)?<\s*file:", re.IGNORECASE)


@dataclass(frozen=True)
class QueryPolicy:
    """The limits of the public endpoint."""

    max_query_length: int = 100_000
    max_nesting: int = 200
    allow_service: bool = False


def check_query(text: str, policy: QueryPolicy) -> str:
    """The query's form (SELECT, ASK, CONSTRUCT, DESCRIBE) if the endpoint may run it; raise otherwise."""
    if len(text) > policy.max_query_length:
        raise RefusedQueryError(
            f"the query is {len(text)} characters long; this endpoint takes at most {policy.max_query_length}"
        )
    blanked = blank_opaque_parts(text)
    depth = nesting_depth(blanked)
    if depth > policy.max_nesting:
        raise RefusedQueryError(
            f"the query nests groups {depth} deep; this endpoint takes at most {policy.max_nesting}"
        )
    form = request_form(text)
    if form == "UPDATE":
        raise RefusedQueryError("this is a SPARQL update, and this endpoint is read-only: it answers queries only")
    if form is None:
        raise RefusedQueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE after the prologue")
    undeclared = undeclared_prefix(text)
    if undeclared is not None:
        prefix, position = undeclared
        known = PREFIXES.get(prefix)
        declare = f"PREFIX {prefix}: <{known}>" if known else f"PREFIX {prefix}: <...>"
        raise QuerySyntaxError(f"unknown prefix `{prefix}:` (declare `{declare}`)", position)
    if not policy.allow_service and any(call.target != SEARCH_SERVICE for call in service_calls(text)):
        raise RefusedQueryError(
            f"SERVICE (federated query) is switched off on this endpoint (BIOKG_ALLOW_SERVICE); only biokg's own "
            f"text search, SERVICE <{SEARCH_SERVICE}>, is answered"
        )
    if _FROM_FILE.search(text):
        raise RefusedQueryError("FROM names graphs of this store; file: IRIs are refused")
    return form


def nesting_depth(blanked: str) -> int:
    """The deepest nesting of brackets, braces and parentheses in a text whose strings and IRIs are blanked."""
    depth = deepest = 0
    for character in blanked:
        if character in _OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")}]":
            depth = max(0, depth - 1)
    return deepest
