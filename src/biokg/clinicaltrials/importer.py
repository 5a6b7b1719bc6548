"""`biokg import clinicaltrials`: a ClinicalTrials.gov CSV export into the graph graph/clinicaltrials, whole."""

from __future__ import annotations

from pathlib import Path

from biokg.clinicaltrials.mapping import map_study
from biokg.clinicaltrials.records import read_studies
from biokg.importing.agents import NamedAgents
from biokg.importing.matching import Matcher
from biokg.importing.pipeline import ImportReport, import_records
from biokg.importing.provenance import Registry
from biokg.sources import Sources
from biokg.store.embedded import EmbeddedStore

CLINICALTRIALS = Registry(
    key="clinicaltrials",
    title="ClinicalTrials.gov",
    url="https://clinicaltrials.gov/",
    licence="https://creativecommons.org/publicdomain/mark/1.0/",
    publisher="us-national-library-of-medicine",
    publisher_label="U.S. National Library of Medicine",
    publisher_homepage="https://www.nlm.nih.gov/",
    graph_label="Studies imported from ClinicalTrials.gov",
)
"""ClinicalTrials.gov's records are a work of the U.S. government: in the public domain."""


def import_clinicaltrials(file: Path, store: EmbeddedStore, sources: Sources) -> ImportReport:
    """Import the studies of `file`, replacing an earlier import; sponsors and collaborators are linked to their
    ROR organisation when the store's ROR graph makes that certain."""
    agents = NamedAgents(Matcher.of_store(store.oxigraph))
    return import_records(read_studies(file), map_study, CLINICALTRIALS, file.name, store, sources, agents)
