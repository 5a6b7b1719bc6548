"""Reading SPARQL text without evaluating it: which form a request is (SELECT, ASK, ..., or an update).

Comments, string literals and IRIs are blanked first, so keywords inside them do not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from biokg.errors import Position, QuerySyntaxError

STRING = (
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
)
"""A SPARQL string literal, in any of its four quotings."""
_OPAQUE = re.compile(
    STRING + r"|<[^<>\"{}|^`\\\s]*>"  # IRIs
    r"|#[^\n]*",  # comments
)
_PROLOGUE = re.compile(r"\s*(?:BASE\s*|PREFIX\s+[^\s:]*:\s*)*", re.IGNORECASE)
_PREFIX_DECLARATION = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*|)\s*:\s*<([^<>\s]*)>", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_PREFIXED_NAME = re.compile(r"(?<![\w.:?$-])([A-Za-z_](?:[\w.-]*[\w-])?)?:(?=[\w%\\])")
"""The prefix of a prefixed name (bkg:Company, :local) in a text whose strings, IRIs and comments are blanked."""
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


def blank_opaque_parts(text: str) -> str:
    """The text with strings, IRIs and comments replaced by spaces of the same length (positions are kept)."""
    return _OPAQUE.sub(lambda match: " " * len(match.group(0)), text)


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes a query's PREFIX declarations name, by prefix."""
    return dict(_PREFIX_DECLARATION.findall(text))


def offset_position(text: str, offset: int) -> Position:
    """The line and column (from 1) of an offset into a text."""
    before = text[:offset]
    return Position(before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1)


def undeclared_prefix(text: str) -> tuple[str, Position] | None:
    """The first prefixed name whose prefix the query does not declare (a syntax error in any SPARQL 1.1 store,
    which has no prefixes of its own): the prefix and where the name starts."""
    declared = declared_prefixes(text)
    for name in _PREFIXED_NAME.finditer(blank_opaque_parts(text)):
        prefix = name[1] or ""
        if prefix != "_" and prefix not in declared:
            return prefix, offset_position(text, name.start())
    return None


def request_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE for a query, UPDATE for an update, None if neither can be told."""
    blanked = blank_opaque_parts(text)
    body = blanked[_PROLOGUE.match(blanked).end() :]  # type: ignore[union-attr]
    word = _FIRST_WORD.match(body.lstrip())
    keyword = word.group(0).upper() if word else ""
    if keyword in _FORMS:
        return keyword
    if keyword in _UPDATES:
        return "UPDATE"
    return None


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; QuerySyntaxError for an update or text that is no query."""
    form = request_form(text)
    if form is None:
        raise QuerySyntaxError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    if form == "UPDATE":
        raise QuerySyntaxError("this is a SPARQL update, not a query")
    return form


@dataclass(frozen=True)
class ServiceCall:
    """A `SERVICE <iri> { ... }` clause: where it starts and ends, its target, and where its group's inside is."""

    start: int
    end: int
    target: str | None
    """The IRI it names, None when it names a variable or a prefix the query does not declare."""
    inside: tuple[int, int]


_SERVICE_KEYWORD = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_SERVICE_HEAD = re.compile(
    r"SERVICE\s+(?:SILENT\s+)?(<[^<>\s]*>|[A-Za-z]?[\w.-]*:[\w.-]*|[?$]\w+)\s*\{", re.IGNORECASE
)


def service_calls(text: str) -> list[ServiceCall]:
    """Every SERVICE clause of a query, in order (one that does not parse has no target and no inside)."""
    blanked = blank_opaque_parts(text)
    prefixes = declared_prefixes(text)
    calls = []
    for keyword in _SERVICE_KEYWORD.finditer(blanked):
        head = _SERVICE_HEAD.match(text, keyword.start())
        if head is None:
            calls.append(ServiceCall(keyword.start(), keyword.end(), None, (keyword.end(), keyword.end())))
            continue
        depth, end = 1, head.end()
        while depth and end < len(blanked):
            depth += {"{": 1, "}": -1}.get(blanked[end], 0)
            end += 1
        calls.append(ServiceCall(keyword.start(), end, _iri_named(head[1], prefixes), (head.end(), end - 1)))
    return calls


def _iri_named(name: str, prefixes: dict[str, str]) -> str | None:
    if name.startswith("<") and name.endswith(">"):
        return name[1:-1]
    prefix, colon, local = name.partition(":")
    return prefixes[prefix] + local if colon and prefix in prefixes else None
