"""The one table of formats: names, media types and the Oxigraph writer of each.

Every edge (CLI, endpoint, linked data, canned queries) picks formats from here, so a new format is one row.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

import pyoxigraph as ox


class ResultKind(Enum):
    """What a query or request answers with: solutions (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE)."""

    SOLUTIONS = "solutions"
    GRAPH = "graph"


@dataclass(frozen=True)
class Format:
    """One serialization: its short name, media type, file extension and Oxigraph format."""

    name: str
    media_type: str
    extension: str
    kind: ResultKind
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat | None
    """The Oxigraph writer; None for HTML, which biokg's templates write."""
    also: tuple[str, ...] = ()
    """Other media types clients ask for this format by (older or generic names, as Fuseki and Oxigraph take
    them); the answer still carries `media_type`."""

    @property
    def content_type(self) -> str:
        """The Content-Type header: the media type, with the charset for textual formats."""
        textual = self.media_type.startswith("text/") or self.media_type in (
            "application/n-triples",
            "application/n-quads",
        )
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def holds_graphs(self) -> bool:
        """Whether biokg writes named graphs in this format: TriG and N-Quads. JSON-LD could hold them too, but its
        readers expect one graph (rdflib's Graph keeps only the default one), so it is written merged."""
        return self.oxigraph in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)


FORMATS: tuple[Format, ...] = (
    Format(
        "json",
        "application/sparql-results+json",
        "srj",
        ResultKind.SOLUTIONS,
        ox.QueryResultsFormat.JSON,
        also=("application/json",),
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        "srx",
        ResultKind.SOLUTIONS,
        ox.QueryResultsFormat.XML,
        also=("application/xml", "text/xml"),
    ),
    Format("csv", "text/csv", "csv", ResultKind.SOLUTIONS, ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", ResultKind.SOLUTIONS, ox.QueryResultsFormat.TSV),
    Format("turtle", "text/turtle", "ttl", ResultKind.GRAPH, ox.RdfFormat.TURTLE, also=("application/x-turtle",)),
    Format("ntriples", "application/n-triples", "nt", ResultKind.GRAPH, ox.RdfFormat.N_TRIPLES, also=("text/plain",)),
    Format(
        "jsonld", "application/ld+json", "jsonld", ResultKind.GRAPH, ox.RdfFormat.JSON_LD, also=("application/json",)
    ),
    Format(
        "rdfxml",
        "application/rdf+xml",
        "rdf",
        ResultKind.GRAPH,
        ox.RdfFormat.RDF_XML,
        also=("application/xml", "text/xml"),
    ),
    Format("trig", "application/trig", "trig", ResultKind.GRAPH, ox.RdfFormat.TRIG, also=("application/x-trig",)),
    Format("nquads", "application/n-quads", "nq", ResultKind.GRAPH, ox.RdfFormat.N_QUADS, also=("text/x-nquads",)),
)

HTML = Format("html", "text/html", "html", ResultKind.SOLUTIONS, None)
"""Pages for people; offered beside the RDF and results formats where a page exists."""

BY_NAME: dict[str, Format] = {fmt.name: fmt for fmt in FORMATS}


def format_named(name: str) -> Format:
    """The format of a short name such as `csv` or `turtle`."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(BY_NAME)}") from None


# Other names clients give in a format= parameter (SPARQLWrapper sends "rdf+xml" and "json-ld"; a plain "json" or
# "xml" for a graph answer means its JSON-LD or RDF/XML form).
_ALIASES: dict[ResultKind, dict[str, str]] = {
    ResultKind.SOLUTIONS: {"srj": "json", "srx": "xml"},
    ResultKind.GRAPH: {
        "ttl": "turtle",
        "n3": "turtle",
        "nt": "ntriples",
        "n-triples": "ntriples",
        "json-ld": "jsonld",
        "json": "jsonld",
        "rdf+xml": "rdfxml",
        "rdf": "rdfxml",
        "xml": "rdfxml",
        "nq": "nquads",
        "n-quads": "nquads",
    },
}


def requested_format(parameters: Mapping[str, Sequence[str]]) -> str | None:
    """The format a request names by parameter: format= (biokg's, Virtuoso's), else output= (Fuseki's)."""
    for name in ("format", "output"):
        if parameters.get(name):
            return parameters[name][0]
    return None


def format_for_parameter(value: str, kind: ResultKind) -> Format | None:
    """The format of one kind that a format= value names: a short name, a media type, an extension or an alias."""
    wanted = value.strip().lower()
    wanted = _ALIASES[kind].get(wanted, wanted)
    return next(
        (fmt for fmt in FORMATS if fmt.kind is kind and wanted in (fmt.name, fmt.media_type, *fmt.also)), None
    )


def names_of(kind: ResultKind) -> list[str]:
    """The short names of the formats of one kind."""
    return [fmt.name for fmt in FORMATS if fmt.kind is kind]


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


def negotiate(accept: str | None, candidates: list[Format]) -> Format | None:
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


def candidates_for(kind: ResultKind) -> list[Format]:
    """The formats a query answer of one kind can be written in, the default first."""
    return [fmt for fmt in FORMATS if fmt.kind is kind]
