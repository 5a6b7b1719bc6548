"""The one table of formats: every fact biokg knows about a serialization is a column of `FORMATS`.

Every edge (CLI, endpoint, linked data, canned queries, a remote store, the OpenAPI and service descriptions)
asks this table when it needs it (`formats.FORMATS`, `formats_of`), never a copy made at import, and
`choose_format` is the one negotiation they share, so a new format is one row. The other media types biokg
speaks (request bodies, plain-text errors, gzip dumps) are named here too, and so are biokg's writers of
solutions, which the table's rows name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import orjson
import pyoxigraph as ox

from biokg.errors import NotAcceptableError

SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
FORM = "application/x-www-form-urlencoded"
PLAIN_TEXT = "text/plain; charset=utf-8"
"""The Content-Type of error messages and other plain answers."""
GZIP = "application/gzip"
W3C_FORMATS = "http://www.w3.org/ns/formats/"
"""W3C's IRIs for formats, which a service description names its result formats by."""


# Writers of SELECT and ASK answers (SPARQL 1.1 Query Results JSON, XML, CSV and TSV) that stop at a row cap:
# Oxigraph's own writers take a whole answer, and the endpoint must cut at its row cap and say so, so the rows are
# read by biokg, at most cap + 1 of them, and written by these small writers.

Row = Sequence[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None]
SolutionWriter = Callable[[Sequence[str], Iterable[Row], bool], bytes]
"""Writes the variables and rows of an answer, and whether the row cap cut it."""
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
TRUNCATED_LINK = "urn:biokg:truncated"
"""The metadata link (`link` in the JSON head, `<link>` in XML) of an answer cut at the row cap."""


def _json_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, object]:
    # exact type tests, the cheapest: this runs for every value of every row
    if type(term) is ox.NamedNode:
        return {"type": "uri", "value": term.value}
    if type(term) is ox.Literal:
        language = term.language
        if language:
            return {"type": "literal", "value": term.value, "xml:lang": language}
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return {"type": "literal", "value": term.value}
        return {"type": "literal", "value": term.value, "datatype": datatype}
    if type(term) is ox.BlankNode:
        return {"type": "bnode", "value": term.value}
    assert isinstance(term, ox.Triple)
    return {"type": "triple", "value": {k: _json_term(getattr(term, k)) for k in ("subject", "predicate", "object")}}


def write_json(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    bindings = [
        {name: _json_term(term) for name, term in zip(variables, row, strict=True) if term is not None}
        for row in rows
    ]
    head: dict[str, list[str]] = {"vars": list(variables)}
    if truncated:  # the format's own metadata link, as in XML: strict parsers (Oxigraph's) refuse any other key
        head["link"] = [TRUNCATED_LINK]
    # orjson writes 100 rows in a tenth of the time the json module takes.
    return orjson.dumps({"head": head, "results": {"bindings": bindings}})


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value == _XSD_STRING:
            return f"<literal>{escape(term.value)}</literal>"
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    parts = "".join(f"<{k}>{_xml_term(getattr(term, k))}</{k}>" for k in ("subject", "predicate", "object"))
    return f"<triple>{parts}</triple>"


def write_xml(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
    out += [f"<variable name={quoteattr(name)}/>" for name in variables]
    if truncated:
        out.append(f"<link href={quoteattr(TRUNCATED_LINK)}/>")
    out.append("</head>\n<results>")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(variables, row, strict=True)
            if term is not None
        ]
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


def _csv_term(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.NamedNode | ox.Literal):
        return term.value
    return str(term)


def write_csv(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_term(term) for term in row] for row in rows)
    return buffer.getvalue().encode()


def write_tsv(variables: Sequence[str], rows: Iterable[Row], truncated: bool) -> bytes:
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


class ResultKind(Enum):
    """What a query or request answers with: solutions (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE)."""

    SOLUTIONS = "solutions"
    GRAPH = "graph"


_TEXT: Mapping[str, Any] = {"type": "string"}
_RDF_TERM = {
    "type": "object",
    "properties": {
        "type": {"enum": ["uri", "literal", "bnode", "triple"]},
        "value": {},
        "xml:lang": {"type": "string"},
        "datatype": {"type": "string"},
    },
    "required": ["type", "value"],
}


def results_schema(variables: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON schema of SPARQL 1.1 Query Results JSON, naming the variables of the answer if they are known."""
    binding: dict[str, Any] = {"type": "object", "additionalProperties": _RDF_TERM}
    if variables:
        binding["properties"] = {variable: _RDF_TERM for variable in variables}
    return {
        "type": "object",
        "properties": {
            "head": {
                "type": "object",
                "properties": {
                    "vars": {"type": "array", "items": {"type": "string"}},
                    "link": {"type": "array", "items": {"type": "string"}},
                },
            },
            "results": {"type": "object", "properties": {"bindings": {"type": "array", "items": binding}}},
            "boolean": {"type": "boolean"},
        },
    }


@dataclass(frozen=True)
class Format:
    """One serialization and everything biokg needs to know of it."""

    name: str
    """The short name a format= parameter, a CLI's --format and the templates use."""
    media_type: str
    extensions: tuple[str, ...]
    """File extensions, the one biokg writes first; files with any of them are read as this format."""
    kind: ResultKind
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat | None
    """Oxigraph's parser and writer of the format; None for HTML, which biokg's templates write."""
    w3c_name: str | None = None
    """The local name of the format's IRI under W3C_FORMATS, for the service description."""
    also: tuple[str, ...] = ()
    """Other media types clients ask for this format by (older or generic names, as Fuseki and Oxigraph take
    them); the answer still carries `media_type`."""
    aliases: tuple[str, ...] = ()
    """Other names a format= parameter gives it (SPARQLWrapper sends "rdf+xml" and "json-ld")."""
    writer: SolutionWriter | None = None
    """biokg's writer of solutions that stops at the row cap (Oxigraph's writers take a whole answer)."""
    remote_name: str | None = None
    """SPARQLWrapper's name for the format when a remote store's answer in it is forwarded as the store wrote it;
    None for formats fetched in another one and written anew (SPARQLWrapper cannot ask for N-Triples, TriG or
    N-Quads; Virtuoso writes TSV with quoted names, and JSON-LD with some labels' language tags dropped; Oxigraph
    cannot parse CSV to count its rows)."""
    schema: Mapping[str, Any] = field(default_factory=lambda: _TEXT)
    """The JSON schema of an answer in this format, for the OpenAPI description."""
    textual: bool = True
    """Whether the Content-Type carries a charset."""

    @property
    def extension(self) -> str:
        return self.extensions[0]

    @property
    def content_type(self) -> str:
        """The Content-Type header: the media type, with the charset for textual formats."""
        return f"{self.media_type}; charset=utf-8" if self.textual else self.media_type

    @property
    def holds_graphs(self) -> bool:
        """Whether biokg writes named graphs in this format: TriG and N-Quads. JSON-LD could hold them too, but its
        readers expect one graph (rdflib's Graph keeps only the default one), so it is written merged."""
        return self.oxigraph in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        ("srj",),
        ResultKind.SOLUTIONS,
        ox.QueryResultsFormat.JSON,
        "SPARQL_Results_JSON",
        also=("application/json",),
        aliases=("srj",),
        writer=write_json,
        remote_name="json",
        schema=results_schema(),
        textual=False,
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        ("srx",),
        ResultKind.SOLUTIONS,
        ox.QueryResultsFormat.XML,
        "SPARQL_Results_XML",
        also=("application/xml", "text/xml"),
        aliases=("srx",),
        writer=write_xml,
        remote_name="xml",
        textual=False,
    ),
    Format(
        "csv",
        "text/csv",
        ("csv",),
        ResultKind.SOLUTIONS,
        ox.QueryResultsFormat.CSV,
        "SPARQL_Results_CSV",
        writer=write_csv,
    ),
    Format(
        "tsv",
        "text/tab-separated-values",
        ("tsv",),
        ResultKind.SOLUTIONS,
        ox.QueryResultsFormat.TSV,
        "SPARQL_Results_TSV",
        writer=write_tsv,
    ),
    Format(
        "turtle",
        "text/turtle",
        ("ttl",),
        ResultKind.GRAPH,
        ox.RdfFormat.TURTLE,
        "Turtle",
        also=("application/x-turtle",),
        aliases=("ttl", "n3"),
        remote_name="turtle",
    ),
    Format(
        "ntriples",
        "application/n-triples",
        ("nt",),
        ResultKind.GRAPH,
        ox.RdfFormat.N_TRIPLES,
        "N-Triples",
        also=("text/plain",),
        aliases=("nt", "n-triples"),
    ),
    Format(
        "jsonld",
        "application/ld+json",
        ("jsonld",),
        ResultKind.GRAPH,
        ox.RdfFormat.JSON_LD,
        "JSON-LD",
        also=("application/json",),
        aliases=("json-ld", "json"),
        schema={"type": ["object", "array"]},
        textual=False,
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        ("rdf", "owl"),
        ResultKind.GRAPH,
        ox.RdfFormat.RDF_XML,
        "RDF_XML",
        also=("application/xml", "text/xml"),
        aliases=("rdf+xml", "rdf", "xml"),
        remote_name="rdf+xml",
        textual=False,
    ),
    Format(
        "trig",
        "application/trig",
        ("trig",),
        ResultKind.GRAPH,
        ox.RdfFormat.TRIG,
        "TriG",
        also=("application/x-trig",),
        textual=False,
    ),
    Format(
        "nquads",
        "application/n-quads",
        ("nq",),
        ResultKind.GRAPH,
        ox.RdfFormat.N_QUADS,
        "N-Quads",
        also=("text/x-nquads",),
        aliases=("n-quads",),
    ),
)

HTML = Format("html", "text/html", ("html",), ResultKind.SOLUTIONS, None)
"""Pages for people; offered beside the RDF and results formats where a page exists."""


def format_named(name: str) -> Format:
    """The format of a short name such as `csv` or `turtle`."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise NotAcceptableError(f"unknown format {name!r}; known: {', '.join(fmt.name for fmt in FORMATS)}")


def rdf_extensions() -> frozenset[str]:
    """The extensions of the files biokg reads as RDF (`.ttl`, `.owl` ...)."""
    return frozenset("." + extension for fmt in formats_of(ResultKind.GRAPH) for extension in fmt.extensions)


def format_of_file(extension: str) -> Format | None:
    """The RDF format of a file extension (`ttl`, `owl` ...), if biokg reads it."""
    return next((fmt for fmt in FORMATS if fmt.kind is ResultKind.GRAPH and extension in fmt.extensions), None)


def formats_of(kind: ResultKind) -> list[Format]:
    """The formats an answer of one kind can be written in, the default first."""
    return [fmt for fmt in FORMATS if fmt.kind is kind]


def names_of(kind: ResultKind) -> list[str]:
    """The short names of the formats of one kind."""
    return [fmt.name for fmt in formats_of(kind)]


def requested_format(parameters: Mapping[str, Sequence[str]]) -> str | None:
    """The format a request names by parameter: format= (biokg's, Virtuoso's), else output= (Fuseki's)."""
    for name in ("format", "output"):
        if parameters.get(name):
            return parameters[name][0]
    return None


def choose_format(offered: Sequence[Format], accept: str | None, requested: str | None = None) -> Format:
    """The offered format a request asks for: the one `requested` names (a format= parameter or a --format flag:
    a short name, a media type or an alias) if given, else the one its Accept header prefers.
    NotAcceptableError, naming what is offered, when neither fits."""
    if requested is not None:
        named = _named(offered, requested)
        if named is None:
            raise NotAcceptableError(f"format={requested} is not one of: {', '.join(fmt.name for fmt in offered)}")
        return named
    chosen = negotiate(accept, offered)
    if chosen is None:
        types = ", ".join(fmt.media_type for fmt in offered)
        raise NotAcceptableError(
            f"none of the accepted media types ({accept}) can write this answer; offered: {types}"
        )
    return chosen


def _named(offered: Sequence[Format], requested: str) -> Format | None:
    """The offered format a name stands for: its own name or media type first, then its other names."""
    wanted = requested.strip().lower()
    return next((fmt for fmt in offered if wanted in (fmt.name, fmt.media_type, *fmt.also)), None) or next(
        (fmt for fmt in offered if wanted in fmt.aliases), None
    )


def quality_values(header: str) -> list[tuple[str, float]]:
    """The items of an Accept or Accept-Encoding header with their quality values, in the order given."""
    ranges = []
    for part in header.split(","):
        fields = [field.strip() for field in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for parameter in fields[1:]:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        ranges.append((fields[0].lower(), quality))
    return ranges


def _matches(media_range: str, fmt: Format) -> int:
    """How specifically a media range matches a format: 2 exact (its media type or another name of it), 1 type/*,
    0 */*, -1 not at all."""
    if media_range == fmt.media_type or media_range in fmt.also:
        return 2
    if media_range == "*/*":
        return 0
    if media_range.endswith("/*") and fmt.media_type.startswith(media_range[:-1]):
        return 1
    return -1


def negotiate(accept: str | None, candidates: Sequence[Format]) -> Format | None:
    """The candidate the Accept header prefers (RFC 9110 quality values, the most specific range deciding);
    the first candidate when there is no header; None when nothing acceptable is offered."""
    if not accept or not accept.strip():
        return candidates[0]
    ranges = quality_values(accept)
    best: tuple[float, int, int] | None = None
    chosen = None
    for position, candidate in enumerate(candidates):
        matching = [(_matches(r, candidate), q) for r, q in ranges if _matches(r, candidate) >= 0]
        if not matching:
            continue
        specificity, quality = max(matching)
        rank = (quality, specificity, -position)
        if quality > 0 and (best is None or rank > best):
            best, chosen = rank, candidate
    return chosen


def openapi_content(
    offered: Sequence[Format], schemas: Mapping[str, Mapping[str, Any]] | None = None
) -> dict[str, Any]:
    """An OpenAPI `content` object for answers in the offered formats; `schemas` replaces a format's own schema by
    its name (a canned query's JSON answer names its variables)."""
    return {fmt.media_type: {"schema": dict((schemas or {}).get(fmt.name, fmt.schema))} for fmt in offered}
