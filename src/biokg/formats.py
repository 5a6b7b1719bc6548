"""The one table of formats: names, media types and the Oxigraph writer of each.

Every edge (CLI, endpoint, linked data, canned queries) picks formats from here, so a new format is one row.
"""

from __future__ import annotations

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
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat

    @property
    def holds_graphs(self) -> bool:
        """Whether this format can carry named graphs (TriG, N-Quads)."""
        return isinstance(self.oxigraph, ox.RdfFormat) and self.oxigraph.supports_datasets


FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "srj", ResultKind.SOLUTIONS, ox.QueryResultsFormat.JSON),
    Format("xml", "application/sparql-results+xml", "srx", ResultKind.SOLUTIONS, ox.QueryResultsFormat.XML),
    Format("csv", "text/csv", "csv", ResultKind.SOLUTIONS, ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "tsv", ResultKind.SOLUTIONS, ox.QueryResultsFormat.TSV),
    Format("turtle", "text/turtle", "ttl", ResultKind.GRAPH, ox.RdfFormat.TURTLE),
    Format("ntriples", "application/n-triples", "nt", ResultKind.GRAPH, ox.RdfFormat.N_TRIPLES),
    Format("jsonld", "application/ld+json", "jsonld", ResultKind.GRAPH, ox.RdfFormat.JSON_LD),
    Format("rdfxml", "application/rdf+xml", "rdf", ResultKind.GRAPH, ox.RdfFormat.RDF_XML),
    Format("trig", "application/trig", "trig", ResultKind.GRAPH, ox.RdfFormat.TRIG),
    Format("nquads", "application/n-quads", "nq", ResultKind.GRAPH, ox.RdfFormat.N_QUADS),
)

BY_NAME: dict[str, Format] = {fmt.name: fmt for fmt in FORMATS}


def format_named(name: str) -> Format:
    """The format of a short name such as `csv` or `turtle`."""
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown format {name!r}; known: {', '.join(BY_NAME)}") from None


def names_of(kind: ResultKind) -> list[str]:
    """The short names of the formats of one kind."""
    return [fmt.name for fmt in FORMATS if fmt.kind is kind]
