"""biokg: a knowledge graph of the biotech ecosystem.

The public API: parse the sources, validate them, and load them into a store.
"""

from biokg.dataset import load_validated
from biokg.errors import (
    BiokgError,
    NonConformingDataError,
    NotFoundError,
    QuerySyntaxError,
    RdfSyntaxError,
    StoreError,
    UnsafeInputError,
)
from biokg.sources import Sources, load_sources
from biokg.stats import Statistics, statistics
from biokg.store import EmbeddedStore, SelectResult, Store
from biokg.validation import Finding, ValidationReport, validate_sources

__all__ = [
    "BiokgError",
    "EmbeddedStore",
    "Finding",
    "NonConformingDataError",
    "NotFoundError",
    "QuerySyntaxError",
    "RdfSyntaxError",
    "SelectResult",
    "Sources",
    "Statistics",
    "Store",
    "StoreError",
    "UnsafeInputError",
    "ValidationReport",
    "load_sources",
    "load_validated",
    "statistics",
    "validate_sources",
]
