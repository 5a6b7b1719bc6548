"""grlc-style query parameters: `?_name` (required) and `?__name` (optional), with a type suffix.

The suffix is `_iri`, `_number`, `_literal`, `_integer`, `_prefix_localname` for a datatype (`_xsd_date`), or a
final language tag (`_en`); without one the value is a plain string. Since `_` separates the parts, a name holds
none. A value given for a parameter is parsed into an RDF term of its type, or refused with a message that names
the parameter: it never reaches the query as text.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox

from biokg.errors import ParameterError
from biokg.namespaces import PREFIXES

XSD = PREFIXES["xsd"]
PARAMETER_PATTERN = re.compile(
    r"[?$](?P<underscores>__?)(?P<name>[A-Za-z0-9]+)"
    r"(?:_(?P<suffix>iri|number|literal|integer|[A-Za-z][\w-]*?_[A-Za-z0-9]+|[a-z]{2,3}))?(?![\w\u00b7])"
)


class Kind(Enum):
    """What a parameter's value must be."""

    IRI = "iri"
    STRING = "string"
    INTEGER = "integer"
    NUMBER = "number"
    TYPED = "typed literal"
    LANGUAGE = "language-tagged string"


@dataclass(frozen=True)
class Parameter:
    """One parameter of a canned query, as its variable in the query text declares it."""

    name: str
    variable: str
    required: bool
    kind: Kind
    datatype: str | None = None
    language: str | None = None

    @property
    def type_label(self) -> str:
        """How the type reads in listings: iri, integer, xsd:date, string@en ..."""
        if self.kind is Kind.TYPED and self.datatype:
            return _compact_datatype(self.datatype)
        if self.kind is Kind.LANGUAGE:
            return f"string@{self.language}"
        return str(self.kind.value)

    def parse(self, value: str) -> ox.NamedNode | ox.Literal:
        """The RDF term `value` stands for; ParameterError naming the parameter when it does not fit."""
        try:
            return _PARSERS[self.kind](self, value.strip() if self.kind is not Kind.STRING else value)
        except ValueError as error:
            raise ParameterError(f"parameter {self.name!r} takes {_article(self.type_label)}: {error}") from None


def parameters_in(query: str) -> list[Parameter]:
    """Every distinct parameter a query's text declares, in order of first appearance."""
    found: dict[str, Parameter] = {}
    for match in PARAMETER_PATTERN.finditer(query):
        variable = match[0][1:]
        if variable in found:
            continue
        parameter = _parameter(match[1] == "_", match["name"], match["suffix"], variable)
        clash = next((p for p in found.values() if p.name == parameter.name), None)
        if clash is not None:
            raise ParameterError(f"parameter {parameter.name!r} is declared twice: ?{clash.variable}, ?{variable}")
        found[variable] = parameter
    return list(found.values())


def _parameter(required: bool, name: str, suffix: str | None, variable: str) -> Parameter:
    if suffix is None or suffix == "literal":
        return Parameter(name, variable, required, Kind.STRING)
    if suffix in ("iri", "integer", "number"):
        return Parameter(name, variable, required, Kind(suffix))
    if "_" in suffix:
        prefix, local = suffix.split("_", 1)
        if prefix not in PREFIXES:
            raise ParameterError(f"?{variable}: unknown datatype prefix {prefix!r}")
        return Parameter(name, variable, required, Kind.TYPED, datatype=PREFIXES[prefix] + local)
    return Parameter(name, variable, required, Kind.LANGUAGE, language=suffix)


def _compact_datatype(iri: str) -> str:
    return "xsd:" + iri[len(XSD) :] if iri.startswith(XSD) else iri


def _article(label: str) -> str:
    return ("an " if label[0] in "aeiou" or label.startswith("xsd:") else "a ") + label


def _iri(_: Parameter, value: str) -> ox.NamedNode:
    """A full IRI (<...> brackets optional) or prefix:local with one of biokg's prefixes."""
    value = value[1:-1] if value.startswith("<") and value.endswith(">") else value
    prefix, _colon, local = value.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        value = PREFIXES[prefix] + local
    if not re.match(r"[A-Za-z][A-Za-z0-9+.-]*:", value):
        raise ValueError(f"{value!r} is neither an absolute IRI nor prefix:name with a known prefix")
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid IRI") from None


def _integer(_: Parameter, value: str) -> ox.Literal:
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise ValueError(f"{value!r} is not an integer")
    return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))


def _number(_: Parameter, value: str) -> ox.Literal:
    if re.fullmatch(r"[+-]?[0-9]+", value):
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    if re.fullmatch(r"[+-]?([0-9]+\.[0-9]*|\.[0-9]+)", value):
        return ox.Literal(str(decimal.Decimal(value)), datatype=ox.NamedNode(XSD + "decimal"))
    if re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)[eE][+-]?[0-9]+", value):
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "double"))
    raise ValueError(f"{value!r} is not a number")


def _string(_: Parameter, value: str) -> ox.Literal:
    return ox.Literal(value)


def _language(parameter: Parameter, value: str) -> ox.Literal:
    return ox.Literal(value, language=parameter.language)


_LEXICAL_FORMS: dict[str, Callable[[str], object]] = {
    "date": datetime.date.fromisoformat,
    "dateTime": lambda text: datetime.datetime.fromisoformat(text.replace("Z", "+00:00")),
    "gYear": lambda text: _fullmatch(r"-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?", text),
    "gYearMonth": lambda text: _fullmatch(r"-?[0-9]{4,}-(0[1-9]|1[0-2])", text),
    "integer": lambda text: _fullmatch(r"[+-]?[0-9]+", text),
    "nonNegativeInteger": lambda text: _fullmatch(r"\+?[0-9]+", text),
    "decimal": lambda text: _fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", text),
    "boolean": lambda text: _fullmatch(r"true|false|1|0", text),
    "anyURI": lambda text: _fullmatch(r"\S*", text),
}


def _fullmatch(pattern: str, text: str) -> None:
    if not re.fullmatch(pattern, text):
        raise ValueError


def _typed(parameter: Parameter, value: str) -> ox.Literal:
    assert parameter.datatype is not None
    check = _LEXICAL_FORMS.get(parameter.datatype[len(XSD) :]) if parameter.datatype.startswith(XSD) else None
    if check is not None:
        try:
            check(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a valid {parameter.type_label}") from None
    return ox.Literal(value, datatype=ox.NamedNode(parameter.datatype))


_PARSERS: dict[Kind, Callable[[Parameter, str], ox.NamedNode | ox.Literal]] = {
    Kind.IRI: _iri,
    Kind.STRING: _string,
    Kind.INTEGER: _integer,
    Kind.NUMBER: _number,
    Kind.TYPED: _typed,
    Kind.LANGUAGE: _language,
}
