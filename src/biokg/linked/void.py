"""The dataset's description in VoID and DCAT: size, classes, properties, graphs, endpoint, dumps, licence."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pyoxigraph as ox

from biokg.engine import FetchJson
from biokg.engine.answers import read_solutions
from biokg.formats import Format
from biokg.linked.dumps import DUMP_FORMATS, dump_name
from biokg.namespaces import BASE, ID, ONTOLOGY_IRI, PREFIXES

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]
DATASET = BASE + "dataset"
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
_COUNTS = {
    "entities": (
        f'SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?s), "{ID}")) }}'
    ),
    "classes": "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?s a ?c } }",
    "properties": "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
}
_CLASSES = "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?c } } GROUP BY ?c ORDER BY ?c"


def describe_dataset(
    fetch: FetchJson, graph_sizes: Sequence[tuple[str, int]], public_url: str, modified: datetime
) -> list[ox.Triple]:
    """VoID and DCAT triples about the dataset, whose named graphs hold `graph_sizes` triples; endpoint and dump
    links start at `public_url` (ending in /)."""
    dataset = ox.NamedNode(DATASET)
    triples = [
        _t(dataset, PREFIXES["rdf"] + "type", ox.NamedNode(VOID + "Dataset")),
        _t(dataset, PREFIXES["rdf"] + "type", ox.NamedNode(DCAT + "Dataset")),
        _t(dataset, DCTERMS + "title", ox.Literal("biokg", language="en")),
        _t(
            dataset, DCTERMS + "description", ox.Literal("A knowledge graph of the biotech ecosystem.", language="en")
        ),
        _t(dataset, DCTERMS + "license", ox.NamedNode(LICENSE)),
        _t(dataset, DCTERMS + "modified", ox.Literal(modified.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))),
        _t(dataset, VOID + "sparqlEndpoint", ox.NamedNode(public_url + "sparql")),
        _t(dataset, VOID + "uriSpace", ox.Literal(str(ID))),
        _t(dataset, VOID + "vocabulary", ox.NamedNode(ONTOLOGY_IRI)),
        _t(dataset, DCAT + "landingPage", ox.NamedNode(public_url)),
    ]
    triples.append(_t(dataset, VOID + "triples", _integer(sum(size for _, size in graph_sizes))))
    for name, query in _COUNTS.items():
        triples.append(_t(dataset, VOID + name, _integer(_single(fetch, query))))
    for fmt in DUMP_FORMATS:
        triples.extend(_distribution(dataset, fmt, public_url))
    for row in _rows(fetch, _CLASSES):
        partition = ox.BlankNode()
        triples += [
            _t(dataset, VOID + "classPartition", partition),
            _t(partition, VOID + "class", row[0]),
            _t(partition, VOID + "entities", _integer(int(row[1].value))),
        ]
    for name, size in graph_sizes:
        graph = ox.NamedNode(name)
        triples += [
            _t(dataset, VOID + "subset", graph),
            _t(graph, PREFIXES["rdf"] + "type", ox.NamedNode(VOID + "Dataset")),
            _t(graph, VOID + "triples", _integer(size)),
        ]
    return triples


def _distribution(dataset: ox.NamedNode, fmt: Format, public_url: str) -> list[ox.Triple]:
    url = ox.NamedNode(public_url + "dumps/" + dump_name(fmt))
    distribution = ox.BlankNode()
    return [
        _t(dataset, VOID + "dataDump", url),
        _t(dataset, DCAT + "distribution", distribution),
        _t(distribution, PREFIXES["rdf"] + "type", ox.NamedNode(DCAT + "Distribution")),
        _t(distribution, DCAT + "downloadURL", url),
        _t(distribution, DCAT + "mediaType", ox.Literal(fmt.media_type)),
        _t(distribution, DCAT + "compressFormat", ox.Literal("application/gzip")),
    ]


def _t(
    subject: ox.NamedNode | ox.BlankNode, predicate: str, value: ox.NamedNode | ox.BlankNode | ox.Literal
) -> ox.Triple:
    return ox.Triple(subject, ox.NamedNode(predicate), value)


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _rows(fetch: FetchJson, query: str) -> list[tuple]:  # type: ignore[type-arg]
    return [tuple(row) for row in read_solutions(fetch(query, 100_000), 100_000).rows]


def _single(fetch: FetchJson, query: str) -> int:
    (value,) = _rows(fetch, query)[0]
    return int(value.value)
