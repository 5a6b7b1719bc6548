"""`biokg import ror`: read, filter, map, validate, and load the records into their own named graph, whole.

Records that break the shapes are reported (ROR id, message) and left out, and the rest is validated again with
the store's other graphs before anything is written, so the store never holds half an import. Every record read
is either imported or reported: imported + rejected = read.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from biokg.dataset import load_quads
from biokg.errors import NonConformingDataError
from biokg.namespaces import BASE, GRAPH, ID, PREFIXES, compact
from biokg.rdflib_bridge import graph_of
from biokg.ror.mapping import ROR, MappedRecord, MappingError, map_record, organisation_iri, stub_triples
from biokg.ror.records import read_records
from biokg.sources import Sources
from biokg.store.base import Store, select
from biokg.validation import Finding, validate_quads

ROR_GRAPH = ox.NamedNode(str(GRAPH["ror"]))
ROR_SOURCE = ox.NamedNode(f"{ID}source/ror")
_ATTEMPTS = 3


@dataclass(frozen=True)
class Rejection:
    """A record left out, and why."""

    where: str
    ror_id: str
    message: str


@dataclass
class ImportReport:
    """What an import read, imported and left out."""

    read: int = 0
    imported: int = 0
    filtered: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    triples: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RecordFilter:
    """Which records to import: by country code of any location, and by ROR type (empty: all)."""

    countries: frozenset[str] = frozenset()
    types: frozenset[str] = frozenset()

    def keeps(self, record: dict[str, Any]) -> bool:
        codes = {
            str((location.get("geonames_details") or {}).get("country_code") or "").upper()
            for location in record.get("locations") or []
        }
        kinds = set(record.get("types") or [])
        return (not self.countries or bool(codes & self.countries)) and (not self.types or bool(kinds & self.types))


def import_ror(
    source: Path,
    store: Store,
    sources: Sources,
    keep: RecordFilter = RecordFilter(),
    on_record: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the records of `source` into the store's ROR graph, replacing what an earlier import put there."""
    report = ImportReport()
    started = time.perf_counter()
    iri_of = _iri_resolver(store)
    known_places = _known_places(store)
    mapped: dict[str, tuple[str, MappedRecord]] = {}
    for item in read_records(source):
        report.read += 1
        if on_record is not None and report.read % 1000 == 0:
            on_record(report.read)
        if item.record is None:
            report.rejected.append(Rejection(item.where, "", item.problem))
            continue
        if not keep.keeps(item.record):
            report.filtered += 1
            continue
        try:
            record = map_record(item.record, iri_of)
        except (MappingError, KeyError, TypeError) as error:
            report.rejected.append(Rejection(item.where, str(item.record.get("id", "")), str(error)))
            continue
        mapped[record.ror_id] = (item.where, record)
    report.seconds["read and map"] = time.perf_counter() - started

    shapes, ontology = graph_of(sources.shapes), graph_of(sources.ontology)
    kept_quads = _kept(store)
    quads: list[ox.Quad] = []
    changed: set[ox.NamedNode] | None = None  # the first round checks everything
    for _attempt in range(_ATTEMPTS):
        previous = quads
        quads = _quads(mapped, iri_of, known_places, report.read, source.name, len(report.rejected))
        if previous:
            changed = _changed_nodes(previous, quads)
        began = time.perf_counter()
        findings = validate_quads([*kept_quads, *quads], shapes, ontology, only=changed).findings
        report.seconds["validate"] = report.seconds.get("validate", 0) + time.perf_counter() - began
        if not findings:
            break
        bad = _records_at_fault(findings, mapped)
        if not bad:
            raise NonConformingDataError(validate_quads([*kept_quads, *quads], shapes, ontology))
        for ror_id, message in bad.items():
            where, _record = mapped.pop(ror_id)
            report.rejected.append(Rejection(where, ror_id, message))
    else:
        raise NonConformingDataError(validate_quads([*kept_quads, *quads], shapes, ontology))
    report.imported = len(mapped)
    began = time.perf_counter()
    load_quads(store, quads, sources, already_validated=True)
    report.seconds["write"] = time.perf_counter() - began
    report.triples = len(quads)
    report.seconds["total"] = time.perf_counter() - started
    return report


def _iri_resolver(store: Store) -> Callable[[str], ox.NamedNode]:
    """ROR ids that a curated organisation is linked to (skos:exactMatch <https://ror.org/...>) map to it."""
    answer = select(
        store,
        f"SELECT ?entity ?ror WHERE {{ GRAPH ?g {{ ?entity <{PREFIXES['skos']}exactMatch> ?ror }} "
        f'FILTER(?g != <{ROR_GRAPH.value}> && STRSTARTS(STR(?ror), "{ROR}")) }}',
    )
    curated = {
        row[1].value.removeprefix(ROR): row[0] for row in answer.rows if row[0] is not None and row[1] is not None
    }
    return lambda ror_id: curated.get(ror_id) or organisation_iri(ror_id)  # type: ignore[return-value]


def _known_places(store: Store) -> set[str]:
    """Places the store describes outside the ROR graph (the curated places): referred to, never redescribed."""
    answer = select(
        store,
        f"SELECT DISTINCT ?place WHERE {{ GRAPH ?g {{ ?place a ?kind }} FILTER(?g != <{ROR_GRAPH.value}> "
        f'&& STRSTARTS(STR(?place), "{ID}place/")) }}',
    )
    return {row[0].value for row in answer.rows if row[0] is not None}


def _kept(store: Store) -> list[ox.Quad]:
    """The store's data outside the ROR graph and the vocabulary graphs, which the import is validated with."""
    vocabulary = {BASE + "ontology", BASE + "shapes", ROR_GRAPH.value}
    return [quad for quad in store.quads() if quad.graph_name.value not in vocabulary]  # type: ignore[union-attr]


def _quads(
    mapped: dict[str, tuple[str, MappedRecord]],
    iri_of: Callable[[str], ox.NamedNode],
    known_places: set[str],
    read: int,
    source_name: str,
    rejected: int,
) -> list[ox.Quad]:
    triples: dict[ox.Triple, None] = {}
    referenced: dict[str, str] = {}
    described = set(known_places)  # each place is described once, by the first record located there
    for _where, record in mapped.values():
        triples.update(dict.fromkeys(record.triples))
        for place in record.places:
            if place.iri.value not in described:
                described.add(place.iri.value)
                triples.update(dict.fromkeys(place.triples))
        referenced.update(record.references)
    for ror_id, label in referenced.items():
        if ror_id not in mapped:
            triples.update(dict.fromkeys(stub_triples(ror_id, label, iri_of)))
    triples.update(dict.fromkeys(_provenance(read, len(mapped), rejected, source_name)))
    return [ox.Quad(t.subject, t.predicate, t.object, ROR_GRAPH) for t in triples]


def _provenance(read: int, imported: int, rejected: int, source_name: str) -> Iterable[ox.Triple]:
    def t(s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal) -> ox.Triple:
        return ox.Triple(s, ox.NamedNode(p), o)

    rdf, rdfs, dcterms, prov = (PREFIXES[p] for p in ("rdf", "rdfs", "dcterms", "prov"))
    counts = f"{read} records read from {source_name}, {imported} imported, {rejected} rejected or left out"
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    return [
        t(ROR_SOURCE, rdf + "type", ox.NamedNode(str(PREFIXES["bkg"]) + "SourceDocument")),
        t(ROR_SOURCE, rdfs + "label", ox.Literal("Research Organization Registry (ROR)", language="en")),
        t(ROR_SOURCE, dcterms + "title", ox.Literal("Research Organization Registry (ROR)", language="en")),
        t(ROR_SOURCE, dcterms + "license", ox.NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")),
        t(
            ROR_SOURCE,
            PREFIXES["schema"] + "url",
            ox.Literal("https://ror.org/", datatype=ox.NamedNode(PREFIXES["xsd"] + "anyURI")),
        ),
        t(ROR_GRAPH, rdf + "type", ox.NamedNode(str(PREFIXES["bkg"]) + "SourceGraph")),
        t(
            ROR_GRAPH,
            rdfs + "label",
            ox.Literal("Organisations imported from the Research Organization Registry", language="en"),
        ),
        t(ROR_GRAPH, prov + "wasDerivedFrom", ROR_SOURCE),
        t(ROR_GRAPH, prov + "generatedAtTime", ox.Literal(now, datatype=ox.NamedNode(PREFIXES["xsd"] + "dateTime"))),
        t(
            ROR_GRAPH,
            PREFIXES["void"] + "entities",
            ox.Literal(str(imported), datatype=ox.NamedNode(PREFIXES["xsd"] + "integer")),
        ),
        t(ROR_GRAPH, rdfs + "comment", ox.Literal(counts, language="en")),
    ]


def _changed_nodes(before: list[ox.Quad], after: list[ox.Quad]) -> set[ox.NamedNode]:
    """Nodes whose own statements differ between two rounds, and the nodes that point at them."""
    difference = set(before).symmetric_difference(after)
    changed = {quad.subject for quad in difference if isinstance(quad.subject, ox.NamedNode)}
    pointing = {q.subject for q in after if q.object in changed and isinstance(q.subject, ox.NamedNode)}
    return changed | pointing


def _records_at_fault(findings: Sequence[Finding], mapped: dict[str, tuple[str, MappedRecord]]) -> dict[str, str]:
    """The records each finding's focus node belongs to: the organisation itself, a place it is in, or an
    organisation it refers to."""
    owners: dict[str, set[str]] = {}
    for ror_id, (_where, record) in mapped.items():
        for node in (record.iri.value, *(place.iri.value for place in record.places)):
            owners.setdefault(node, set()).add(ror_id)
            owners.setdefault(compact(node), set()).add(ror_id)
        for other in record.references:
            if other not in mapped:  # a stub made from this record's words about the other organisation
                iri = f"{ID}organization/ror-{other}"
                owners.setdefault(iri, set()).add(ror_id)
                owners.setdefault(compact(iri), set()).add(ror_id)
    bad: dict[str, str] = {}
    for finding in findings:
        for ror_id in sorted(owners.get(finding.focus, ())):
            bad.setdefault(ror_id, finding.message + (f" ({finding.path}: {finding.value})" if finding.path else ""))
    return bad
