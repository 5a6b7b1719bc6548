"""`biokg import ema`: the European Medicines Agency's EPAR table into the graph graph/ema, whole."""

from __future__ import annotations

from pathlib import Path

from biokg.ema.mapping import map_medicine
from biokg.ema.records import read_medicines
from biokg.importing.agents import NamedAgents
from biokg.importing.matching import Matcher
from biokg.importing.pipeline import ImportReport, import_records
from biokg.importing.provenance import Registry
from biokg.sources import Sources
from biokg.store.embedded import EmbeddedStore

EMA = Registry(
    key="ema",
    title="European public assessment reports (EPAR), medicines table",
    url="https://www.ema.europa.eu/en/medicines/download-medicine-data",
    licence="https://www.ema.europa.eu/en/about-us/legal-notice",
    publisher="european-medicines-agency",
    publisher_label="European Medicines Agency",
    publisher_homepage="https://www.ema.europa.eu/",
    graph_label="Medicines and their EU marketing authorisations, imported from EMA's EPAR table",
    attribution="Source: European Medicines Agency",
)
"""EMA allows its data to be reused with the source acknowledged, which the credit text does."""


def import_ema(file: Path, store: EmbeddedStore, sources: Sources) -> ImportReport:
    """Import the medicines of `file`, replacing an earlier import; holders are linked to their ROR organisation
    when the store's ROR graph makes that certain."""
    agents = NamedAgents(Matcher.of_store(store.oxigraph))
    return import_records(read_medicines(file), map_medicine, EMA, file.name, store, sources, agents)
