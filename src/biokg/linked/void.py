"""The dataset's description in VoID and DCAT: size, classes, properties, graphs, endpoint, dumps, licence."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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


@dataclass(frozen=True)
class DatasetSummary:
    """The VoID description read back for its page: the dataset's figures and links, classes, graphs, dumps."""

    figures: list[tuple[str, str, bool]]
    """(VoID or DCAT property's local name, value, whether the value is an IRI) of the dataset itself."""
    classes: list[tuple[str, int]]
    graphs: list[tuple[str, int]]
    dumps: list[str]


def dataset_summary(triples: Sequence[ox.Triple]) -> DatasetSummary:
    """The page's view of `describe_dataset`'s triples."""
    by_subject: dict[Any, dict[str, list[Any]]] = {}
    for triple in triples:
        by_subject.setdefault(triple.subject, {}).setdefault(triple.predicate.value, []).append(triple.object)
    dataset = by_subject[ox.NamedNode(DATASET)]
    shown = ("triples", "entities", "classes", "properties", "sparqlEndpoint", "uriSpace", "vocabulary")
    named = [(VOID + name, name) for name in shown] + [(DCTERMS + name, name) for name in ("license", "modified")]
    figures = [
        (name, value.value, isinstance(value, ox.NamedNode))
        for iri, name in named
        for value in dataset.get(iri, [])[:1]
    ]

    def count(node: Any, name: str) -> int:
        return int(by_subject.get(node, {}).get(VOID + name, [_integer(0)])[0].value)

    classes = [
        (by_subject[partition][VOID + "class"][0].value, count(partition, "entities"))
        for partition in dataset.get(VOID + "classPartition", [])
    ]
    graphs = [(graph.value, count(graph, "triples")) for graph in dataset.get(VOID + "subset", [])]
    return DatasetSummary(
        figures,
        sorted(classes, key=lambda row: (-row[1], row[0])),
        sorted(graphs),
        sorted(dump.value for dump in dataset.get(VOID + "dataDump", [])),
    )


def graph_statistics(graph: ox.NamedNode, size: int) -> list[ox.Quad]:
    """What the VoID says of one named graph (a subset of the dataset, and its size), for the graph's own page."""
    return [
        ox.Quad(graph, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(VOID + "Dataset"), ox.DefaultGraph()),
        ox.Quad(graph, ox.NamedNode(VOID + "triples"), _integer(size), ox.DefaultGraph()),
    ]


def graph_contents(graph: ox.NamedNode, fetch: FetchJson, offset: int, limit: int) -> list[tuple[str, int]]:
    """One page of the subjects a named graph holds statements about, and how many statements each, by IRI."""
    query = f"""SELECT ?s (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}
                GROUP BY ?s ORDER BY ?s LIMIT {limit} OFFSET {offset}"""
    return [(row[0].value, int(row[1].value)) for row in _rows(fetch, query)]


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
