"""Where in a query's text the bound values go: just inside the opening brace of its WHERE clause.

A `VALUES` block there joins the parameter's values with the whole group before any FILTER, OPTIONAL or
aggregation sees them, which is what binding a variable means (a trailing `VALUES` after the query would join
only after grouping, and a FILTER would see the variable unbound). Strings, IRIs and comments are blanked first,
so braces and keywords inside them do not count.
"""

from __future__ import annotations

import re

from biokg.errors import QuerySyntaxError
from biokg.sparql_text import blank_opaque_parts

_TOKEN = re.compile(r"[A-Za-z_]\w*|[{}]")


def where_group(query: str) -> tuple[int, int]:
    """The offsets just after the `{` that opens the query's WHERE group and at its matching `}`.

    The group is the one after the `WHERE` keyword, or for a query without it (`SELECT * { ... }`, `ASK { ... }`)
    the first group at the top level; a CONSTRUCT's template, which comes first, never counts.
    """
    blanked = blank_opaque_parts(query)
    tokens = [(match[0].upper(), match.start(), match.end()) for match in _TOKEN.finditer(blanked)]
    construct = any(word == "CONSTRUCT" for word, _, _ in tokens)
    depth = 0
    after_where = False
    start: int | None = None
    for word, begin, end in tokens:
        if word == "WHERE" and depth == 0:
            after_where = True
        elif word == "{":
            if depth == 0 and start is None and (after_where or not construct):
                start = end
            depth += 1
        elif word == "}":
            depth -= 1
            if depth == 0 and start is not None:
                return start, begin
    raise QuerySyntaxError("the query has no WHERE group to bind parameters in")


def insert_into_where(query: str, text: str) -> str:
    """The query with `text` placed at the start of its WHERE group."""
    start, _end = where_group(query)
    return f"{query[:start]}\n  {text}\n{query[start:]}"


def projected_variables(query: str) -> tuple[str, ...]:
    """The variables a SELECT query's answer has, in order: bare ones and `(... AS ?name)`; none for `SELECT *`."""
    blanked = blank_opaque_parts(query)
    select = re.search(r"\bSELECT\b", blanked, re.IGNORECASE)
    if select is None:
        return ()
    start, _end = where_group(query)
    clause = blanked[select.end() : start]
    clause = re.split(r"\bWHERE\b|\{", clause, maxsplit=1, flags=re.IGNORECASE)[0]
    names: list[str] = []
    depth = 0
    for match in re.finditer(r"\(|\)|\bAS\s+[?$](\w+)|[?$](\w+)", clause, re.IGNORECASE):
        if match[0] == "(":
            depth += 1
        elif match[0] == ")":
            depth -= 1
        elif match[1]:
            names.append(match[1])
        elif depth == 0:
            names.append(match[2])
    return tuple(dict.fromkeys(names))
