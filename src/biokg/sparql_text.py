"""Reading SPARQL text without evaluating it: which form a request is (SELECT, ASK, ..., or an update).

Comments, string literals and IRIs are blanked first, so keywords inside them do not count.
"""

from __future__ import annotations

import re

from biokg.errors import QuerySyntaxError

_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'  # long strings
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'  # short strings
    r"|'(?:[^'\\\n]|\\.)*'"
    r"|<[^<>\"{}|^`\\\s]*>"  # IRIs
    r"|#[^\n]*",  # comments
)
_PROLOGUE = re.compile(r"\s*(?:BASE\s*|PREFIX\s+[^\s:]*:\s*)*", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


def blank_opaque_parts(text: str) -> str:
    """The text with strings, IRIs and comments replaced by spaces of the same length (positions are kept)."""
    return _OPAQUE.sub(lambda match: " " * len(match.group(0)), text)


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
