"""Finding resources by name: the text index, and its SPARQL service."""

from biokg.search.index import Hit, Listed, SearchIndex, fold

__all__ = ["Hit", "Listed", "SearchIndex", "fold"]
