"""biokg's settings: one object, built once from flags and BIOKG_* environment variables, passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Which store to use and how to reach it. Flags given on the command line win over the environment."""

    model_config = SettingsConfigDict(env_prefix="BIOKG_", frozen=True)

    store: Path | None = None
    """Folder of the on-disk embedded store (BIOKG_STORE); in memory when unset."""
    sparql_url: str | None = None
    """Query URL of a remote SPARQL 1.1 store (BIOKG_SPARQL_URL); when set, it is used instead of the embedded one."""
    sparql_update_url: str | None = None
    """SPARQL 1.1 Update URL of the remote store (BIOKG_SPARQL_UPDATE_URL)."""
    graph_store_url: str | None = None
    """SPARQL 1.1 Graph Store Protocol URL of the remote store (BIOKG_GRAPH_STORE_URL)."""
    sparql_user: str | None = None
    sparql_password: SecretStr | None = None
    sparql_auth: Literal["basic", "digest"] = "basic"
    sparql_timeout: float = 30.0
    """Seconds a remote store may take to answer (BIOKG_SPARQL_TIMEOUT)."""
