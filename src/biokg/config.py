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

    tokens: Path | None = None
    """File of the curators' tokens (BIOKG_TOKENS); `tokens.json` in the store's folder when unset."""

    queries: Path | None = None
    """Folder of canned `.rq` queries (BIOKG_QUERIES); the shipped ones when unset."""

    data: list[Path] | None = None
    """Data files or folders to serve instead of the shipped data (BIOKG_DATA, a JSON list of paths)."""

    public_url: str | None = None
    """Where the server is reached, such as https://biokg.example.org/ (BIOKG_PUBLIC_URL): absolute links in the
    dataset description and headers start there; by default, at the URL each request came to."""

    map_tiles: str = ""
    """A tile URL template for the workbench's map, such as https://tile.openstreetmap.org/{z}/{x}/{y}.png
    (BIOKG_MAP_TILES); none by default, so that no page loads anything from elsewhere: the map draws the
    country outlines shipped with biokg."""

    host: str = "127.0.0.1"
    port: int = 8000
    query_time_limit: float = 30.0
    """Seconds a query of the public endpoint may run before it is stopped (BIOKG_QUERY_TIME_LIMIT)."""
    max_rows: int = 10_000
    """Rows (or triples) an answer of the endpoint holds at most; a cut answer says so (BIOKG_MAX_ROWS)."""
    max_answer_bytes: int = 100_000_000
    """Largest answer the endpoint sends; a larger one is refused with 503, not cut (BIOKG_MAX_ANSWER_BYTES)."""
    max_request_bytes: int = 1_000_000
    """Largest request body the endpoint reads; larger ones get 413 (BIOKG_MAX_REQUEST_BYTES)."""
    request_read_seconds: float = 20.0
    """Seconds a client has to send a request's line and headers, and as many again for its body; then 408
    (BIOKG_REQUEST_READ_SECONDS)."""
    send_stall_seconds: float = 60.0
    """Seconds a client may take none of an answer it is being sent before its connection is closed, freeing the
    answer (BIOKG_SEND_STALL_SECONDS), as nginx's send_timeout."""
    send_budget_mib: int = 0
    """MiB of large answers (1 MiB or more) the server holds while their clients take them; a query whose answer
    would pass it gets 503 (BIOKG_SEND_BUDGET_MIB). 0 means a quarter of the machine's (or container's) memory."""
    max_nesting: int = 200
    """Deepest nesting of groups a query may have (BIOKG_MAX_NESTING); Oxigraph's parser crashes near 5,000."""
    query_workers: int = 0
    """Worker processes that run queries of the embedded store; 0 means one per core (BIOKG_QUERY_WORKERS)."""
    query_memory_mib: int = 0
    """MiB each query worker may allocate beyond the store it shares; a query that needs more is stopped
    (BIOKG_QUERY_MEMORY_MIB). 0 means half the machine's memory, shared among the workers."""
    cache_mib: int | None = None
    """MiB of answers the server keeps to answer repeated queries from memory while the data stays as loaded
    (BIOKG_CACHE_MIB; 0 keeps none). By default a thirty-second of the machine's (or container's) memory."""
    warm_canned: bool = True
    """Whether the server, once it listens, answers the first page of every canned query on its defaults into the
    answer cache, so that the first person to ask one is answered from memory (BIOKG_WARM_CANNED); only with a
    cache."""
    allow_service: bool = False
    """Whether queries may use SERVICE to call other endpoints (BIOKG_ALLOW_SERVICE)."""
    cors_origins: list[str] = ["*"]
    """Origins that may read the endpoint from a browser (BIOKG_CORS_ORIGINS, a JSON list); never with credentials."""
