"""One import: read every record, map it, and load the records that conform into the registry's graph, whole.

Every record read is imported, rejected (where, key, reason) or left out by a filter, and the report counts each.
A record that breaks the shapes is rejected and the rest is loaded again, so one wrong record never keeps the
others out; nothing is written unless the rest conforms with the store's other graphs (dataset.load_quads, which
validates the nodes the change can affect).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from biokg.dataset import load_quads
from biokg.errors import ImportFailedError, NonConformingDataError
from biokg.importing.agents import NamedAgents
from biokg.importing.provenance import Registry, provenance
from biokg.importing.records import Agents, Mapped, MappingError, Read
from biokg.sources import Sources
from biokg.store.base import Store
from biokg.validation import Finding, show_node

Mapper = Callable[[dict[str, Any], Agents], Mapped]
_ROUNDS = 5
"""Loads tried, each without the records the last one found wrong."""


@dataclass(frozen=True)
class Rejection:
    """A record left out, and why."""

    where: str
    key: str
    message: str


@dataclass
class ImportReport:
    """What an import read, imported and left out."""

    read: int = 0
    imported: int = 0
    filtered: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    triples: int = 0
    linked: int = 0
    """Names of organisations linked to their ROR organisation."""
    seconds: dict[str, float] = field(default_factory=dict)

    def counts(self, files: str) -> str:
        """The counts in words, for the graph's description."""
        return (
            f"{self.read} records read from {files}: {self.imported} imported, {len(self.rejected)} rejected, "
            f"{self.filtered} left out by the filter"
        )


def import_records(
    reads: Iterable[Read],
    mapper: Mapper,
    registry: Registry,
    files: str,
    store: Store,
    sources: Sources,
    agents: NamedAgents,
) -> ImportReport:
    """Import the records into `registry.graph`, replacing an earlier import of it."""
    started = time.perf_counter()
    report = ImportReport()
    mapped: dict[str, tuple[str, Mapped]] = {}
    for item in reads:
        report.read += 1
        if item.record is None:
            report.rejected.append(Rejection(item.where, "", item.problem))
            continue
        try:
            record = mapper(item.record, agents)
        except MappingError as error:
            report.rejected.append(Rejection(item.where, "", str(error)))
            continue
        if record.key in mapped:
            message = f"{record.key} was read before, at {mapped[record.key][0]}"
            report.rejected.append(Rejection(item.where, record.key, message))
            continue
        mapped[record.key] = (item.where, record)
    report.seconds["read and map"] = time.perf_counter() - started
    for _round in range(_ROUNDS):
        records = [record for _where, record in mapped.values()]
        report.imported = len(records)
        report.linked = len(agents.linked)
        quads = _quads(records, registry, agents, report.counts(files))
        try:
            load_quads(store, quads, sources)
        except NonConformingDataError as error:
            for key, message in _owners_of(error.report.findings, records).items():
                where, _record = mapped.pop(key)
                report.rejected.append(Rejection(where, key, message))
            continue
        report.triples = len(quads)
        report.seconds["total"] = time.perf_counter() - started
        return report
    raise ImportFailedError(f"the records of {files} still do not conform after {_ROUNDS} rounds of rejections")


def _quads(records: list[Mapped], registry: Registry, agents: NamedAgents, counts: str) -> list[ox.Quad]:
    graph = registry.graph
    triples = [triple for record in records for triple in record.triples]
    named = {t.object for t in triples if isinstance(t.object, ox.NamedNode)}
    quads = provenance(registry, counts, len(records))
    quads += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in [*agents.stubs(named), *triples]]
    return quads


def _owners_of(findings: Iterable[Finding], records: list[Mapped]) -> dict[str, str]:
    """The records to reject for the findings: the one that states its focus node, or each that names an agent
    whose description is wrong. A finding no record accounts for stops the import."""
    stating: dict[str, str] = {}
    naming: dict[str, set[str]] = {}
    for record in records:
        for triple in record.triples:
            stating.setdefault(str(getattr(triple.subject, "value", "")), record.key)
            if isinstance(triple.object, ox.NamedNode):
                naming.setdefault(triple.object.value, set()).add(record.key)
    owners: dict[str, str] = {}
    for finding in findings:
        message = finding.message + (f" ({finding.path}: {finding.value})" if finding.path else "")
        focus = finding.focus.value
        if focus in stating:
            owners.setdefault(stating[focus], message)
        elif focus in naming:
            for key in naming[focus]:
                owners.setdefault(key, f"it names {show_node(finding.focus)}, whose description is wrong: {message}")
        else:
            raise ImportFailedError(f"{show_node(finding.focus)}, which no record states: {message}")
    return owners
