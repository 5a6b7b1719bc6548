"""Stores of biokg: the embedded Oxigraph store by default, any SPARQL 1.1 store past one machine."""

from __future__ import annotations

from biokg.config import Settings
from biokg.store.base import Answer, SelectResult, Store, Term, select
from biokg.store.embedded import EmbeddedStore
from biokg.store.remote import RemoteConfig, RemoteStore


def open_store(settings: Settings) -> EmbeddedStore | RemoteStore:
    """The store the settings name: remote if a SPARQL URL is set, else embedded (on disk if a folder is set)."""
    if settings.sparql_url:
        return RemoteStore(
            RemoteConfig(
                query_url=settings.sparql_url,
                update_url=settings.sparql_update_url,
                graph_store_url=settings.graph_store_url,
                user=settings.sparql_user,
                password=settings.sparql_password.get_secret_value() if settings.sparql_password else None,
                auth=settings.sparql_auth,
                timeout=settings.sparql_timeout,
            )
        )
    return EmbeddedStore(settings.store)


__all__ = [
    "Answer",
    "EmbeddedStore",
    "RemoteConfig",
    "RemoteStore",
    "SelectResult",
    "Store",
    "Term",
    "open_store",
    "select",
]
