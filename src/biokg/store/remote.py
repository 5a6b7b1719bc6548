"""A remote SPARQL 1.1 store: queries through SPARQLWrapper, writes through the Graph Store Protocol or Update.

Nothing here is specific to one vendor. Two behaviours of real stores are guarded against: a store that does not
answer (every call has a time limit) and a store that answers with part of a result (Virtuoso sends HTTP 206 at
its row and time limits, which SPARQLWrapper takes for success): that is an error, never a complete answer.
"""

from __future__ import annotations

import http.client
import math
import socket
import urllib.error
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import httpx
import pyoxigraph as ox
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from biokg.errors import PartialResultError, QuerySyntaxError, StoreError, StoreTimeoutError, position_in
from biokg.formats import Format, format_named
from biokg.namespaces import BASE
from biokg.sparql_text import query_form
from biokg.store.base import Answer, Progress, normalize, serialize_dataset

Dataset = tuple[tuple[str, ...], tuple[str, ...]]
"""A query's default graphs and named graphs (SPARQL 1.1 Protocol); both empty for the store's own dataset."""
# Only graphs under biokg's base are biokg's: stores keep graphs of their own (Virtuoso's system graphs).
_OWN_GRAPHS = f'FILTER (STRSTARTS(STR(?g), "{BASE}"))'


@dataclass(frozen=True)
class RemoteConfig:
    """Where a remote store answers and how to reach it."""

    query_url: str
    update_url: str | None = None
    graph_store_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: Literal["basic", "digest"] = "basic"
    timeout: float = 30.0


class RemoteStore:
    """Any SPARQL 1.1 store. Its default graph should be the union of its named graphs, as biokg's own is
    (`oxigraph serve --union-default-graph`; Virtuoso and most others do so by default)."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        self.name = f"SPARQL store at {config.query_url}"

    def query(self, query: str) -> Answer:
        form = query_form(query)
        fmt = format_named("json" if form in ("SELECT", "ASK") else "turtle")
        with self.response(query, fmt) as response:
            raw = bytes(response.read())
        if form in ("SELECT", "ASK"):
            return normalize(ox.parse_query_results(raw, format=ox.QueryResultsFormat.JSON))
        return tuple(quad.triple for quad in ox.parse(raw, format=ox.RdfFormat.TURTLE))

    def replace_graphs(
        self, quads: Iterable[ox.Quad], on_progress: Progress | None = None, graphs: Iterable[str] = ()
    ) -> None:
        """Each graph goes in one request, so its triples are gathered in memory first."""
        quads = list(quads)
        by_graph: dict[ox.NamedNode, list[ox.Triple]] = {ox.NamedNode(graph): [] for graph in graphs}
        for quad in quads:
            if not isinstance(quad.graph_name, ox.NamedNode):
                raise StoreError(f"{self.name}: biokg writes named graphs only, not the default graph")
            by_graph.setdefault(quad.graph_name, []).append(quad.triple)
        if self.config.update_url:
            self._post_update(by_graph)
            if on_progress:
                on_progress(len(quads))
        elif self.config.graph_store_url:
            for graph, triples in by_graph.items():
                self._put_graph(graph, triples)
                if on_progress:
                    on_progress(len(triples))
        else:
            raise StoreError(f"{self.name}: no update or graph store URL is configured, so it cannot be written")

    def quads(self) -> Iterator[ox.Quad]:
        for graph in self.graph_names():
            query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
            for triple in self.query(query):  # type: ignore[union-attr]
                yield ox.Quad(triple.subject, triple.predicate, triple.object, ox.NamedNode(graph))

    def graph_names(self) -> list[str]:
        answer = self.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OWN_GRAPHS} }}")
        assert not isinstance(answer, bool | tuple)
        return sorted(row[0].value for row in answer.rows if row[0] is not None)

    def export(self, fmt: Format) -> bytes:
        return serialize_dataset(self.quads(), fmt)

    def triple_count(self) -> int:
        answer = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {_OWN_GRAPHS} }}")
        assert not isinstance(answer, bool | tuple) and answer.rows[0][0] is not None
        return int(answer.rows[0][0].value)

    @contextmanager
    def response(self, query: str, fmt: Format, dataset: Dataset = ((), ())) -> Iterator[http.client.HTTPResponse]:
        """The store's answer to a query in a format it writes (one with a `remote_name`), to be read; errors,
        while asking or reading, name the store."""
        assert fmt.remote_name is not None, f"a remote store is not asked for {fmt.name}"
        wrapper = SPARQLWrapper(self.config.query_url)
        for graph in dataset[0]:
            wrapper.addDefaultGraph(graph)
        for graph in dataset[1]:
            wrapper.addNamedGraph(graph)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setTimeout(math.ceil(self.config.timeout))
        wrapper.setReturnFormat(fmt.remote_name)
        if self.config.user:
            wrapper.setHTTPAuth(self.config.auth.upper())
            wrapper.setCredentials(self.config.user, self.config.password or "")
        wrapper.setQuery(query)
        try:
            with wrapper.query().response as response:
                self._refuse_partial(response.status, response.getheader("X-SPARQL-MaxRows"))
                yield response
        except QueryBadFormed as error:
            message = _server_message(error)
            raise QuerySyntaxError(f"{self.name}: {message}", position_in(message)) from None
        except TimeoutError as error:
            raise StoreTimeoutError(f"{self.name} did not answer within {self.config.timeout:g} s") from error
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise StoreTimeoutError(f"{self.name} did not answer within {self.config.timeout:g} s") from error
            raise StoreError(f"{self.name} could not be reached: {error.reason}") from error
        except SPARQLWrapperException as error:
            raise StoreError(f"{self.name} failed: {_server_message(error)}") from error

    def _refuse_partial(self, status: int, row_limit: str | None) -> None:
        """Raise if the store says it cut its answer: HTTP 206 (Virtuoso at its time limit), or a row-limit header
        (Virtuoso's X-SPARQL-MaxRows, sent with a 200 only when its ResultSetMaxRows cut the result)."""
        if status == 206:
            raise PartialResultError(
                f"{self.name} answered with a partial result (HTTP 206): it stopped at one of its limits; "
                "narrow the query or raise the store's limits"
            )
        if row_limit is not None:
            raise PartialResultError(
                f"{self.name} answered with a partial result: it cut the rows at its limit of {row_limit}; "
                "narrow the query or raise the store's limits"
            )

    def _http(self) -> httpx.Client:
        auth: httpx.Auth | None = None
        if self.config.user:
            password = self.config.password or ""
            auth = (
                httpx.DigestAuth(self.config.user, password)
                if self.config.auth == "digest"
                else httpx.BasicAuth(self.config.user, password)
            )
        return httpx.Client(auth=auth, timeout=self.config.timeout)

    def _put_graph(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        assert self.config.graph_store_url is not None
        params = {"graph": graph.value}
        if not triples:  # an empty graph is no graph: delete it (404 when it was not there is fine)
            self._send("DELETE", self.config.graph_store_url, params=params, missing_is_fine=True)
            return
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        headers = {"Content-Type": format_named("ntriples").media_type}
        self._send("PUT", self.config.graph_store_url, params=params, content=body, headers=headers)

    def _post_update(self, by_graph: dict[ox.NamedNode, list[ox.Triple]]) -> None:
        """One update request for all graphs, so that stores that run a request as one transaction stay whole."""
        operations = []
        for graph, triples in by_graph.items():
            data = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode()
            operations.append(f"DROP SILENT GRAPH <{graph.value}>")
            if data:
                operations.append(f"INSERT DATA {{ GRAPH <{graph.value}> {{\n{data}}} }}")
        assert self.config.update_url is not None
        self._send("POST", self.config.update_url, data={"update": " ;\n".join(operations)})

    def _send(self, method: str, url: str, missing_is_fine: bool = False, **request: object) -> None:
        try:
            with self._http() as client:
                response = client.request(method, url, **request)  # type: ignore[arg-type]
        except httpx.TimeoutException as error:
            raise StoreTimeoutError(f"{self.name} did not answer within {self.config.timeout:g} s") from error
        except httpx.HTTPError as error:
            raise StoreError(f"{self.name} could not be reached: {error}") from error
        if response.status_code == 404 and missing_is_fine:
            return
        if response.status_code >= 300:
            raise StoreError(f"{self.name} refused the write: HTTP {response.status_code}: {response.text[:500]}")


def _server_message(error: SPARQLWrapperException) -> str:
    """The store's own words from a SPARQLWrapper error, without SPARQLWrapper's boilerplate."""
    text = str(error)
    marker = "Response:\n"
    return text.split(marker, 1)[1].strip() if marker in text else text
