"""Stores of biokg: the embedded Oxigraph store by default."""

from biokg.store.base import SelectResult, Store, Term
from biokg.store.embedded import EmbeddedStore

__all__ = ["EmbeddedStore", "SelectResult", "Store", "Term"]
