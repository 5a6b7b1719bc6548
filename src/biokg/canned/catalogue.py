"""The canned queries: a folder of grlc-style `.rq` files read into named, documented, parameterised queries."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from biokg.canned.decorators import name_value_pairs, read_decorators
from biokg.canned.parameters import Parameter, parameters_in
from biokg.canned.placement import insert_into_where, projected_variables, where_group
from biokg.engine import FetchJson
from biokg.engine.answers import ResultTable, read_solutions
from biokg.errors import CannedQueryError, NotFoundError, ParameterError, engine_query_error
from biokg.namespaces import compact
from biokg.sparql_text import request_form

_PROLOGUE_LINE = re.compile(
    r"^[ \t]*(?:PREFIX[ \t]+[^\s:]*:[ \t]*<[^>]*>|BASE[ \t]+<[^>]*>)", re.MULTILINE | re.IGNORECASE
)
PAGE = "page"
"""The parameter that picks a page of a paginated query (1 for the first)."""
MAX_PAGE = 999_999_999
"""The last page a paginated query may be asked for."""


@dataclass(frozen=True)
class BoundQuery:
    """A canned query's text with its parameters bound, and the page size if it is paginated."""

    text: str
    page: int = 1
    page_size: int | None = None
    whole: str = ""
    """The bound text without its page (LIMIT and OFFSET), for a paginated query."""


@dataclass(frozen=True)
class CannedQuery:
    """One `.rq` file: its text, what its decorators say, and the parameters its variables declare."""

    name: str
    text: str
    form: str
    parameters: tuple[Parameter, ...]
    decorators: Mapping[str, Any]
    defaults: Mapping[str, str] = field(default_factory=dict)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    computed_choices: tuple[str, ...] = ()
    pagination: int | None = None
    variables: tuple[str, ...] = ()
    """The variables of the answer, read from the SELECT clause (none for SELECT * and ASK)."""

    @property
    def summary(self) -> str:
        return str(self.decorators.get("summary") or self.name)

    @property
    def description(self) -> str:
        return str(self.decorators.get("description") or "")

    @property
    def tags(self) -> tuple[str, ...]:
        tags = self.decorators.get("tags") or ()
        return tuple(str(tag) for tag in ([tags] if isinstance(tags, str) else tags))

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise NotFoundError(f"query {self.name!r} has no parameter {name!r}")

    def bind(
        self, given: Mapping[str, Sequence[str]], choices: Mapping[str, tuple[str, ...]] | None = None
    ) -> BoundQuery:
        """The query with each parameter's values (or its default) bound as RDF terms in one VALUES block.

        Several values for one parameter become several rows; several parameters are columns of the same block,
        every combination of their values a row (what joining a block per parameter gives, and the one form with
        which Virtuoso follows paths from values of two parameters). `choices` are the allowed values of
        parameters whose choices are computed from the data.
        """
        known = {parameter.name for parameter in self.parameters} | ({PAGE} if self.pagination else set())
        unknown = sorted(set(given) - known)
        if unknown:
            takes = ", ".join(sorted(known)) or "no parameters"
            raise ParameterError(f"query {self.name!r} has no parameter {unknown[0]!r}; it takes: {takes}")
        allowed = {**self.choices, **(choices or {})}
        bound: dict[str, list[str]] = {}
        for parameter in self.parameters:
            values = [value for value in given.get(parameter.name, []) if value != ""]
            if not values and parameter.name in self.defaults:
                values = [self.defaults[parameter.name]]
            if not values:
                if parameter.required:
                    raise ParameterError(f"parameter {parameter.name!r} ({parameter.type_label}) is required")
                continue
            terms = [parameter.parse(value) for value in values]
            if parameter.name in allowed:
                _check_choice(parameter, terms, allowed[parameter.name])
            bound[parameter.variable] = [str(term) for term in terms]
        text = insert_into_where(self.text, _values_block(bound)) if bound else self.text
        if not self.pagination:
            return BoundQuery(text)
        page = _page_number(given.get(PAGE, ["1"]))
        paged = f"{text}\nLIMIT {self.pagination + 1} OFFSET {(page - 1) * self.pagination}\n"
        return BoundQuery(paged, page, self.pagination, whole=text)

    def choices_query(self, name: str) -> str:
        """A query for the distinct values the data holds for parameter `name`, for `#+ enumerate:`."""
        variable = self.parameter(name).variable
        start, end = where_group(self.text)
        prologue = "".join(match[0] + "\n" for match in _PROLOGUE_LINE.finditer(self.text))
        pattern = self.text[start:end]
        return f"{prologue}SELECT DISTINCT ?{variable} WHERE {{{pattern}}} ORDER BY ?{variable} LIMIT {_MAX_CHOICES}"


def _values_block(bound: Mapping[str, Sequence[str]]) -> str:
    """A VALUES block binding each variable to its values: one column each, a row per combination."""
    if len(bound) == 1:
        ((variable, terms),) = bound.items()
        return f"VALUES ?{variable} {{ {' '.join(terms)} }}"
    rows = " ".join(f"({' '.join(row)})" for row in itertools.product(*bound.values()))
    return f"VALUES ({' '.join('?' + variable for variable in bound)}) {{ {rows} }}"


def describe_parameters(query: CannedQuery) -> str:
    """A query's parameters on one line: `text* (string)` for a required one, `since (integer)` for an optional
    one or one with a default."""
    described = []
    for parameter in query.parameters:
        default = query.defaults.get(parameter.name)
        mark = "*" if parameter.required and default is None else ""
        details = parameter.type_label + (f", default {compact(default)}" if default else "")
        described.append(f"{parameter.name}{mark} ({details})")
    if query.pagination:
        described.append(f"{PAGE} (integer, {query.pagination} rows a page)")
    return ", ".join(described)


def _check_choice(parameter: Parameter, terms: Sequence[ox.NamedNode | ox.Literal], allowed: tuple[str, ...]) -> None:
    for term in terms:
        if term.value not in allowed:
            listed = ", ".join(allowed[:10]) + (" ..." if len(allowed) > 10 else "")
            raise ParameterError(f"parameter {parameter.name!r} takes one of: {listed}; not {term.value!r}")


def _page_number(values: Sequence[str]) -> int:
    if len(values) != 1 or not re.fullmatch(r"[1-9][0-9]*", values[0]) or int(values[0]) > MAX_PAGE:
        raise ParameterError(f"parameter {PAGE!r} takes one whole number from 1, not {', '.join(values)!r}")
    return int(values[0])


def read_query(path: Path) -> CannedQuery:
    """One `.rq` file as a canned query; an error names the file when it is not one."""
    source = path.name
    text = path.read_text(encoding="utf-8")
    decorators = read_decorators(text, source)
    try:
        parameters = tuple(parameters_in(text))
    except ParameterError as error:
        raise ParameterError(f"{source}: {error}") from None
    try:
        ox.Store().query(text)
    except SyntaxError as error:
        raise CannedQueryError(f"{source}: {engine_query_error(str(error))}") from None
    form = request_form(text)
    if form not in ("SELECT", "ASK"):
        raise CannedQueryError(f"{source}: a canned query must be a SELECT or ASK query")
    method = str(decorators.get("method") or "GET").upper()
    if method != "GET":
        raise CannedQueryError(f"{source}: #+ method: {method} is not served; canned queries are answered to GET")
    names = {parameter.name for parameter in parameters}
    defaults = {str(k): str(v) for k, v in name_value_pairs(decorators.get("defaults"), "defaults", source).items()}
    enumerate_ = name_value_pairs(decorators.get("enumerate"), "enumerate", source)
    for decorator, named in (("defaults", defaults), ("enumerate", enumerate_)):
        stray = sorted(set(named) - names)
        if stray:
            raise CannedQueryError(
                f"{source}: #+ {decorator} names {stray[0]!r}, which is not a parameter of the query"
            )
    pagination = decorators.get("pagination")
    if pagination is not None and (not isinstance(pagination, int) or pagination < 1):
        raise CannedQueryError(f"{source}: #+ pagination must be a whole number of rows per page")
    query = CannedQuery(
        name=path.stem,
        text=text,
        form=form,
        parameters=parameters,
        decorators=decorators,
        defaults=defaults,
        choices={name: tuple(str(v) for v in values) for name, values in enumerate_.items() if values},
        computed_choices=tuple(name for name, values in enumerate_.items() if not values),
        pagination=pagination,
        variables=projected_variables(text) if form == "SELECT" else (),
    )
    if parameters:
        where_group(text)
    for name in query.computed_choices:
        query.choices_query(name)
    return query


class Catalogue:
    """The canned queries of a folder, with the choices `#+ enumerate:` computes from the data, once."""

    def __init__(self, queries: Mapping[str, CannedQuery]) -> None:
        self.queries = dict(queries)
        self._computed: dict[str, dict[str, tuple[str, ...]]] = {}

    @classmethod
    def read(cls, folder: Path) -> Catalogue:
        """Every `.rq` file of a folder, by name (the file name without `.rq`), sorted."""
        if not folder.is_dir():
            raise NotFoundError(f"no folder of canned queries at {folder}")
        return cls({path.stem: read_query(path) for path in sorted(folder.glob("*.rq"), key=lambda path: path.stem)})

    def get(self, name: str) -> CannedQuery:
        try:
            return self.queries[name]
        except KeyError:
            raise NotFoundError(f"no canned query named {name!r}; `biokg queries` lists them") from None

    def compute_choices(self, fetch: FetchJson) -> None:
        """Run the query of every computed enumeration; its values become the parameter's choices."""
        for query in self.queries.values():
            for name in query.computed_choices:
                answer = read_solutions(fetch(query.choices_query(name), _MAX_CHOICES), _MAX_CHOICES)
                values = tuple(term.value for term, *_ in answer.rows if isinstance(term, (ox.NamedNode, ox.Literal)))
                self._computed.setdefault(query.name, {})[name] = values

    def choices(self, query: CannedQuery) -> dict[str, tuple[str, ...]]:
        """The allowed values of each enumerated parameter: listed in the file, or computed from the data."""
        return {**query.choices, **self._computed.get(query.name, {})}

    def run(
        self, query: CannedQuery, given: Mapping[str, Sequence[str]], fetch: FetchJson, max_rows: int
    ) -> tuple[BoundQuery, ResultTable]:
        """Bind and run a canned query: a page of it if it is paginated, else at most `max_rows` rows."""
        bound, limit = self.bind(query, given, max_rows)
        return bound, read_solutions(fetch(bound.text, limit + 1), limit)

    def bind(self, query: CannedQuery, given: Mapping[str, Sequence[str]], max_rows: int) -> tuple[BoundQuery, int]:
        """A canned query bound to the given values, and the rows to read of it: a page, or `max_rows`. Read one
        row more, to know whether there is more."""
        bound = query.bind(given, self.choices(query))
        return bound, bound.page_size or max_rows


_MAX_CHOICES = 1000
