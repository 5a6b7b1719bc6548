"""Building a store from the sources: validated first, then loaded whole."""

from __future__ import annotations

from biokg.errors import NonConformingDataError
from biokg.sources import Sources
from biokg.store.base import Store
from biokg.validation import validate_sources


def load_validated(store: Store, sources: Sources) -> None:
    """Validate the data with the shapes and, only if it conforms, load ontology, shapes and data into `store`."""
    report = validate_sources(sources)
    if not report.conforms:
        raise NonConformingDataError(report)
    store.add([*sources.ontology, *sources.shapes, *sources.data])
