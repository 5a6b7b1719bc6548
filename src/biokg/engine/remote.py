"""A remote store as a query engine: its answer forwarded as it wrote it, or read only as far as the limits.

A remote store writes the whole answer of a query, however large; reading it whole would hold it all in the
serving process (a cross join can be gigabytes). The answer is read through Oxigraph's parser, which reads as it
goes: reading stops at the row cap, and past the byte limit the answer is refused. An answer within the cap, in
the format the client asked for, is forwarded as the store wrote it; only a cut or another format is written anew.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

import pyoxigraph as ox

from biokg.engine import QueryJob, QueryOutcome, finished
from biokg.engine.answers import at_most
from biokg.errors import AnswerTooLargeError, QuerySyntaxError, QueryTimeoutError, StoreError
from biokg.formats import Format, ResultKind, format_named
from biokg.sparql_text import query_form
from biokg.store.remote import RemoteStore
from biokg.threads import in_thread

_CHUNK_BYTES = 65_536


class RemoteEngine:
    """Forwards queries to a remote store, and its answers cut at the row cap. `time_limit` bounds how long an
    answer is waited for on the event loop (`answer`); the store's own timeout bounds every call."""

    def __init__(self, store: RemoteStore, time_limit: float | None = None) -> None:
        self.store = store
        self.time_limit = time_limit

    def run(self, job: QueryJob) -> QueryOutcome:
        form = query_form(job.query)
        fmt = format_named(job.format_name)
        kind = ResultKind.SOLUTIONS if form in ("SELECT", "ASK") else ResultKind.GRAPH
        if fmt.kind is not kind:
            raise QuerySyntaxError(f"the format {fmt.name} does not fit the answer of a {form} query")
        written = fmt if fmt.remote_name else format_named("json" if kind is ResultKind.SOLUTIONS else "turtle")
        with self.store.response(job.query, written, (job.default_graphs, job.named_graphs)) as response:
            answer = KeptReader(response, job.max_bytes)
            if written is fmt and job.max_rows is None:
                return finished(QueryOutcome(answer.whole()), job)
            try:
                body, truncated = capped_answer(answer, written, fmt, job.max_rows)
            except SyntaxError as error:
                raise StoreError(
                    f"{self.store.name} sent an answer that is not valid {written.name}: {error}"
                ) from None
        return finished(QueryOutcome(body, truncated), job)

    async def answer(self, job: QueryJob) -> QueryOutcome:
        """`run` in a thread; past the time limit (the engine's, or the job's own if shorter) the answer is no
        longer waited for, as the embedded store's query would be stopped."""
        limits = [limit for limit in (self.time_limit, job.time_limit) if limit]
        if not limits:
            return await in_thread(self.run, job)
        limit = min(limits)
        try:
            async with asyncio.timeout(limit):
                return await in_thread(self.run, job)
        except TimeoutError:
            raise QueryTimeoutError(
                f"the query ran past the time limit of {limit:g} s; the {self.store.name} was no longer waited for"
            ) from None

    def close(self) -> None:
        """Nothing to release: every call opens its own connection."""


class Readable(Protocol):
    def read(self, size: int | None = None, /) -> bytes: ...


class KeptReader:
    """A response as a parser reads it, keeping the bytes read so that the answer can be forwarded as it came;
    refuses to read past `max_bytes` (None: any size)."""

    def __init__(self, response: Readable, max_bytes: int | None) -> None:
        self._response = response
        self._max_bytes = max_bytes
        self._kept = bytearray()

    def read(self, size: int = -1) -> bytes:
        wanted = size if size >= 0 else _CHUNK_BYTES
        if self._max_bytes is not None:
            wanted = min(wanted, self._max_bytes + 1 - len(self._kept))
        chunk = self._response.read(wanted)
        self._kept += chunk
        if self._max_bytes is not None and len(self._kept) > self._max_bytes:
            raise AnswerTooLargeError.over(self._max_bytes)
        return chunk

    def whole(self) -> bytes:
        """Everything the response holds: what was read, and the rest."""
        while self.read(_CHUNK_BYTES):
            pass
        return bytes(self._kept)


def capped_answer(answer: KeptReader, written: Format, wanted: Format, max_rows: int | None) -> tuple[bytes, bool]:
    """An answer written in `written`, as `wanted` with at most `max_rows` rows or triples (None: all), and
    whether it was cut. Raises SyntaxError when the answer does not parse."""
    if isinstance(written.oxigraph, ox.QueryResultsFormat):
        return _capped_results(answer, written.oxigraph, wanted, max_rows)
    assert isinstance(written.oxigraph, ox.RdfFormat)
    return _capped_triples(answer, written.oxigraph, wanted, max_rows)


def _capped_results(
    answer: KeptReader, written: ox.QueryResultsFormat, wanted: Format, max_rows: int | None
) -> tuple[bytes, bool]:
    results = ox.parse_query_results(answer, format=written)  # type: ignore[arg-type]
    try:
        if isinstance(results, ox.QueryBoolean):
            if written == wanted.oxigraph:
                return answer.whole(), False
            return results.serialize(format=wanted.oxigraph) or b"", False  # type: ignore[arg-type]
        variables = [variable.value for variable in results.variables]
        rows, truncated = at_most((tuple(solution) for solution in results), max_rows)
    except Exception as error:
        raise error.with_traceback(None) from None  # the frames it was raised in hold the parser
    finally:
        del results  # Oxigraph's parser must be dropped in its own thread, not with a traceback elsewhere
    if written == wanted.oxigraph and not truncated:
        return answer.whole(), False
    assert wanted.writer is not None
    return wanted.writer(variables, rows, truncated), truncated


def _capped_triples(
    answer: KeptReader, written: ox.RdfFormat, wanted: Format, max_rows: int | None
) -> tuple[bytes, bool]:
    quads = ox.parse(answer, format=written)  # type: ignore[arg-type]
    try:
        triples, truncated = at_most((quad.triple for quad in quads), max_rows)
    except Exception as error:
        raise error.with_traceback(None) from None  # the frames it was raised in hold the parser
    finally:
        del quads  # Oxigraph's parser must be dropped in its own thread, not with a traceback elsewhere
    if written == wanted.oxigraph and not truncated:
        return answer.whole(), False
    return ox.serialize(triples, format=wanted.oxigraph) or b"", truncated  # type: ignore[arg-type]
