"""`biokg import ror`: read, filter, map, validate, and load the records into their own named graph, whole.

A first pass reads and maps each record once, and keeps its statements with a small index (its classes, places,
where it was read) and the places to describe: mapping is most of an import's cost, and the next store holds every
statement in memory anyway. Records are then validated in batches, each with the types of everything it points at,
and written as a stream into the store. Records
that break the shapes are reported (ROR id, message) and left out, and nothing is written unless the rest conforms
with the store's other graphs, so the store never holds half an import. Every record read is imported, rejected or
left out by the filter, and the report counts each.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from biokg.dataset import merged_metadata
from biokg.errors import ImportFailedError
from biokg.importing.pipeline import ImportReport, Rejection
from biokg.importing.provenance import Registry, provenance
from biokg.namespaces import BASE, ID, METADATA_GRAPH, PREFIXES
from biokg.ror.mapping import (
    ROR,
    MappedRecord,
    MappingError,
    map_record,
    organisation_iri,
    stub_triples,
)
from biokg.ror.places import PlaceStub
from biokg.ror.records import read_records
from biokg.sources import Sources
from biokg.store.base import Store, select
from biokg.store.embedded import EmbeddedStore
from biokg.terms import text_of
from biokg.validation import Finding, Validator, show_node

ROR_REGISTRY = Registry(
    key="ror",
    title="Research Organization Registry (ROR)",
    url="https://ror.org/",
    licence="https://creativecommons.org/publicdomain/zero/1.0/",
    publisher="research-organization-registry",
    publisher_label="Research Organization Registry",
    publisher_homepage="https://ror.org/",
    graph_label="Organisations imported from the Research Organization Registry",
)
ROR_GRAPH = ROR_REGISTRY.graph
ROR_SOURCE = ROR_REGISTRY.source
ROR_PUBLISHER = ROR_REGISTRY.publisher_iri
BATCH = 20_000
"""Records validated together: enough to keep the fixed cost of a validation (its store) small, few enough to
bound memory."""
_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_ORGANIZATION = ox.NamedNode(PREFIXES["bkg"] + "Organization")
_ATTEMPTS = 5


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


@dataclass
class _Index:
    """What the first pass keeps of the records."""

    mapped: dict[str, MappedRecord] = field(default_factory=dict)
    """Each ROR id's record as first read, mapped."""
    where: dict[str, str] = field(default_factory=dict)
    classes: dict[str, tuple[ox.NamedNode, ...]] = field(default_factory=dict)
    located: dict[str, tuple[str, ...]] = field(default_factory=dict)
    places: dict[str, PlaceStub] = field(default_factory=dict)
    """Places to describe, each from the first record located there; places the store has are left out."""
    names: dict[str, str] = field(default_factory=dict)
    """Names the records give to organisations they refer to: the stub of one that is not imported."""
    referrers: dict[str, set[str]] = field(default_factory=dict)


class _Import:
    """One import's passes over the source."""

    def __init__(self, files: Sequence[Path], store: Store, sources: Sources, keep: RecordFilter) -> None:
        self.files, self.keep = files, keep
        self.report = ImportReport()
        self.iri_of = _iri_resolver(store)
        self.known_places = _known_places(store)
        self.kept = _kept(store)
        self.validator = Validator(sources.shapes, sources.ontology)
        self.index = _Index()
        self.rejected: dict[str, str] = {}

    def records(self) -> Iterator[MappedRecord]:
        """The records of the source that are not rejected, in the order they were read."""
        return (record for ror_id, record in self.index.mapped.items() if ror_id not in self.rejected)

    def index_records(self, on_record: Callable[[int], None] | None) -> None:
        report, index = self.report, self.index
        for item in itertools.chain.from_iterable(read_records(file) for file in self.files):
            report.read += 1
            if on_record is not None and report.read % 1000 == 0:
                on_record(report.read)
            if item.record is None:
                report.rejected.append(Rejection(item.where, "", item.problem))
                continue
            if not self.keep.keeps(item.record):
                report.filtered += 1
                continue
            try:
                record = map_record(item.record, self.iri_of)
            except (MappingError, KeyError, TypeError) as error:
                report.rejected.append(Rejection(item.where, str(item.record.get("id", "")), str(error)))
                continue
            if record.ror_id in index.where:
                report.rejected.append(Rejection(item.where, record.ror_id, "the ROR id was read before"))
                continue
            index.mapped[record.ror_id] = record
            index.where[record.ror_id] = item.where
            index.classes[record.ror_id] = tuple(
                t.object for t in record.triples if t.predicate == _RDF_TYPE and isinstance(t.object, ox.NamedNode)
            )
            index.located[record.ror_id] = tuple(place.iri.value for place in record.places)
            for place in record.places:
                if place.iri.value not in self.known_places:
                    index.places.setdefault(place.iri.value, place)
            for other, name in record.references.items():
                index.names.setdefault(other, name)
                index.referrers.setdefault(other, set()).add(record.ror_id)

    def validate(self) -> None:
        """Places first, then the records batch by batch, then the stubs of organisations not imported."""
        places = [t for place in self.index.places.values() for t in place.triples]
        for finding in self._check(places, {ox.NamedNode(iri) for iri in self.index.places}):
            self._reject_located_in(finding)
        place_types: dict[str, list[ox.Triple]] = {}
        for triple in places:
            if triple.predicate == _RDF_TYPE:
                place_types.setdefault(triple.subject.value, []).append(triple)  # type: ignore[union-attr]
        checked_stubs: set[str] = set()
        for batch in _batches(self.records()):
            triples = [t for record in batch for t in record.triples]
            located = {place.iri.value for record in batch for place in record.places}
            context = [t for iri in located for t in place_types.get(iri, ())]
            referenced = {other for record in batch for other in record.references}
            context += self._types_of(referenced)
            stubbed = {other for other in referenced if other not in self.index.where} - checked_stubs
            stubs = [
                t for other in sorted(stubbed) for t in stub_triples(other, self.index.names[other], self.iri_of)
            ]
            focus = {record.iri for record in batch} | {self.iri_of(other) for other in stubbed}
            findings = self._check([*triples, *context, *stubs], focus)
            owners = {record.iri.value: record.ror_id for record in batch}
            self._reject([f for f in findings if f.focus.value in owners], owners)
            self._reject_referrers_of_wrong_stubs([f for f in findings if f.focus.value not in owners])
            checked_stubs |= stubbed
        for _attempt in range(_ATTEMPTS):  # stubs for records rejected after others that refer to them passed
            stubs = [t for t in self.stubs() if _ror_id_in(text_of(t.subject)) not in checked_stubs]
            findings = self._check(stubs, {t.subject for t in stubs if isinstance(t.subject, ox.NamedNode)})
            checked_stubs |= {_ror_id_in(text_of(t.subject)) for t in stubs}
            if not findings:
                break
            self._reject_referrers_of_wrong_stubs(findings)
        else:
            raise ImportFailedError("the stubs of organisations not imported still do not conform after rejections")

    def _reject_referrers_of_wrong_stubs(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            other = _ror_id_in(finding.focus.value)
            if other:
                for referrer in sorted(self.index.referrers.get(other, ())):
                    self._reject_id(referrer, f"it refers to {other}, whose stub is wrong: {finding.message}")

    def stubs(self) -> list[ox.Triple]:
        """Statements about the organisations that imported records refer to but that are not imported."""
        referenced = {other for ror_id, others in self._references_by_record().items() for other in others}
        return [
            triple
            for other in sorted(referenced)
            if not self._imported(other)
            for triple in stub_triples(other, self.index.names[other], self.iri_of)
        ]

    def _references_by_record(self) -> dict[str, set[str]]:
        by_record: dict[str, set[str]] = {}
        for other, referrers in self.index.referrers.items():
            for referrer in referrers:
                if self._imported(referrer):
                    by_record.setdefault(referrer, set()).add(other)
        return by_record

    def _imported(self, ror_id: str) -> bool:
        return ror_id in self.index.where and ror_id not in self.rejected

    def _types_of(self, ror_ids: Iterable[str]) -> list[ox.Triple]:
        """Type statements for organisations referred to: their classes if imported, else the stub's class."""
        triples: list[ox.Triple] = []
        for ror_id in ror_ids:
            iri = self.iri_of(ror_id)
            classes = self.index.classes.get(ror_id, ()) if self._imported(ror_id) else (_ORGANIZATION,)
            triples.extend(ox.Triple(iri, _RDF_TYPE, cls) for cls in classes)
        return triples

    def _check(self, triples: Sequence[ox.Triple], focus: set[ox.NamedNode]) -> tuple[Finding, ...]:
        began = time.perf_counter()
        report = self.validator.validate_quads([*self.kept, *triples], only=focus)
        self.report.seconds["validate"] = self.report.seconds.get("validate", 0) + time.perf_counter() - began
        return report.findings

    def _reject(self, findings: Iterable[Finding], owners: dict[str, str]) -> None:
        for finding in findings:
            ror_id = owners.get(finding.focus.value)
            if ror_id is None:
                raise ImportFailedError(
                    f"{show_node(finding.focus)}, which no record of the batch owns: {_described(finding)}"
                )
            self._reject_id(ror_id, _described(finding))

    def _reject_located_in(self, finding: Finding) -> None:
        place = finding.focus.value
        for ror_id, places in self.index.located.items():
            if place in places:
                self._reject_id(ror_id, f"its place {show_node(finding.focus)} is wrong: {_described(finding)}")
        self.index.places.pop(place, None)

    def _reject_id(self, ror_id: str, message: str) -> None:
        if ror_id not in self.rejected:
            self.rejected[ror_id] = message
            self.report.rejected.append(Rejection(self.index.where[ror_id], ror_id, message))

    def quads(self, metadata: list[ox.Quad]) -> Iterator[ox.Quad]:
        """The metadata graph with the import's source record, then the import's graph as a stream: places,
        stubs, then the records."""
        places = (t for place in self.index.places.values() for t in place.triples)
        records = (t for record in self.records() for t in record.triples)
        yield from metadata
        for triple in itertools.chain(places, self.stubs(), records):
            self.report.triples += 1
            yield ox.Quad(triple.subject, triple.predicate, triple.object, ROR_GRAPH)


def import_ror(
    files: Sequence[Path],
    store: Store,
    sources: Sources,
    keep: RecordFilter = RecordFilter(),
    on_record: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import the records of `files`, in order, into the store's ROR graph, replacing what an earlier import put
    there; the source record goes into the metadata graph."""
    started = time.perf_counter()
    run = _Import(files, store, sources, keep)
    run.index_records(on_record)
    run.report.seconds["read and index"] = time.perf_counter() - started
    run.validate()
    report = run.report
    report.imported = len(run.index.where) - len(run.rejected)
    names = ", ".join(file.name for file in files)
    record = provenance(ROR_REGISTRY, report.counts(names), report.imported)
    if run._check([quad.triple for quad in record], {ROR_GRAPH, ROR_SOURCE, ROR_PUBLISHER}):
        raise ImportFailedError("the import's own provenance does not conform to the shapes")
    began = time.perf_counter()
    metadata = merged_metadata(store, record)
    graphs = [ROR_GRAPH.value, str(METADATA_GRAPH)]
    if isinstance(store, EmbeddedStore):  # the shipped sources' graphs stay as they were: so does the stamp
        store.replace_graphs(run.quads(metadata), graphs=graphs, stamp=store.stamp)
    else:
        store.replace_graphs(run.quads(metadata), graphs=graphs)
    report.seconds["write"] = time.perf_counter() - began
    report.seconds["total"] = time.perf_counter() - started
    return report


def _ror_id_in(iri: str) -> str:
    """The ROR id of an organisation IRI made from one (organization/ror-{id}), else the empty string."""
    prefix = f"{ID}organization/ror-"
    return iri.removeprefix(prefix) if iri.startswith(prefix) else ""


def _batches(records: Iterable[MappedRecord]) -> Iterator[tuple[MappedRecord, ...]]:
    iterator = iter(records)
    while batch := tuple(itertools.islice(iterator, BATCH)):
        yield batch


def _described(finding: Finding) -> str:
    return finding.message + (f" ({finding.path}: {finding.value})" if finding.path else "")


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
    described = {ROR_GRAPH, ROR_SOURCE, ROR_PUBLISHER}
    return [
        quad
        for quad in store.quads()
        if quad.graph_name.value not in vocabulary  # type: ignore[union-attr]
        and not (quad.graph_name.value == str(METADATA_GRAPH) and quad.subject in described)  # type: ignore[union-attr]
    ]
