"""The SPARQL 1.1 Service Description of the endpoint: what it speaks, writes, and which graphs it holds."""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from biokg import formats
from biokg.formats import W3C_FORMATS
from biokg.namespaces import SEARCH, SEARCH_SERVICE

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
SEARCH_FEATURE = (
    f'SERVICE <{SEARCH_SERVICE}> {{ ?item search:query "text" ; search:label ?label ; search:score ?score }} '
    f"(search: being <{SEARCH}>) binds the resources whose names match the text, best first, from biokg's own "
    "text index; search:class, search:country and search:limit narrow it. No request leaves the server, and "
    "SERVICE to any other IRI is refused."
)


def describe_service(endpoint: str, graph_sizes: Sequence[tuple[str, int]]) -> list[ox.Triple]:
    """The description of the endpoint at `endpoint`, whose default graph is the union of `graph_sizes`' graphs."""
    service = ox.NamedNode(endpoint)
    search = ox.NamedNode(SEARCH_SERVICE)
    dataset, default_graph = ox.BlankNode("dataset"), ox.BlankNode("defaultGraph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("feature"), search),
        ox.Triple(search, RDF_TYPE, sd("Feature")),
        ox.Triple(search, RDFS_LABEL, ox.Literal("Text search of names", language="en")),
        ox.Triple(search, RDFS_COMMENT, ox.Literal(SEARCH_FEATURE, language="en")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode(VOID + "triples"), _integer(sum(size for _, size in graph_sizes))),
    ]
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(W3C_FORMATS + fmt.w3c_name))
        for fmt in formats.FORMATS
        if fmt.w3c_name
    ]
    for index, (name, size) in enumerate(graph_sizes):
        named, graph = ox.BlankNode(f"named{index}"), ox.BlankNode(f"graph{index}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(named, sd("name"), ox.NamedNode(name)),
            ox.Triple(named, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, ox.NamedNode(VOID + "triples"), _integer(size)),
        ]
    return triples


def _integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
