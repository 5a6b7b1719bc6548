"""An import's source record, as every source's: the registry, its publisher and licence, the file read and the
counts, in the metadata graph, and the import's graph described as derived from it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox

from biokg.namespaces import GRAPH, ID, METADATA_GRAPH, PREFIXES


@dataclass(frozen=True)
class Registry:
    """A public registry biokg imports from: what it is, who publishes it, under which terms."""

    key: str
    """The slug of its source record and graph: id/source/{key}, graph/{key}."""
    title: str
    url: str
    licence: str
    publisher: str
    publisher_label: str
    publisher_homepage: str
    graph_label: str
    attribution: str = ""
    """The credit the licence asks for, where it asks for one."""

    @property
    def graph(self) -> ox.NamedNode:
        return ox.NamedNode(str(GRAPH[self.key]))

    @property
    def source(self) -> ox.NamedNode:
        return ox.NamedNode(f"{ID}source/{self.key}")

    @property
    def publisher_iri(self) -> ox.NamedNode:
        return ox.NamedNode(f"{ID}organization/{self.publisher}")


def provenance(registry: Registry, counts: str, imported: int) -> list[ox.Quad]:
    """The metadata graph's statements about the registry, its publisher and the import's graph; `counts` says
    which files were read and what became of their records."""
    rdf, rdfs, dcterms, prov, xsd, bkg = (PREFIXES[p] for p in ("rdf", "rdfs", "dcterms", "prov", "xsd", "bkg"))
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    source, publisher, graph = registry.source, registry.publisher_iri, registry.graph
    statements: list[tuple[ox.NamedNode, str, ox.NamedNode | ox.Literal]] = [
        (source, rdf + "type", ox.NamedNode(bkg + "SourceDocument")),
        (source, rdfs + "label", ox.Literal(registry.title, language="en")),
        (source, dcterms + "title", ox.Literal(registry.title, language="en")),
        (source, dcterms + "license", ox.NamedNode(registry.licence)),
        (source, PREFIXES["schema"] + "url", ox.Literal(registry.url, datatype=ox.NamedNode(xsd + "anyURI"))),
        (source, dcterms + "publisher", publisher),
        (source, bkg + "retrievedOn", ox.Literal(now[:10], datatype=ox.NamedNode(xsd + "date"))),
        (publisher, rdf + "type", ox.NamedNode(bkg + "Organization")),
        (publisher, rdfs + "label", ox.Literal(registry.publisher_label, language="en")),
        (publisher, PREFIXES["foaf"] + "homepage", ox.NamedNode(registry.publisher_homepage)),
        (graph, rdf + "type", ox.NamedNode(bkg + "SourceGraph")),
        (graph, rdfs + "label", ox.Literal(registry.graph_label, language="en")),
        (graph, prov + "wasDerivedFrom", source),
        (graph, prov + "generatedAtTime", ox.Literal(now, datatype=ox.NamedNode(xsd + "dateTime"))),
        (graph, PREFIXES["void"] + "entities", ox.Literal(str(imported), datatype=ox.NamedNode(xsd + "integer"))),
        (graph, rdfs + "comment", ox.Literal(counts, language="en")),
    ]
    if registry.attribution:
        credit = ox.Literal(registry.attribution, language="en")
        statements.append((source, PREFIXES["schema"] + "creditText", credit))
    metadata = ox.NamedNode(str(METADATA_GRAPH))
    return [ox.Quad(s, ox.NamedNode(p), o, metadata) for s, p, o in statements]
