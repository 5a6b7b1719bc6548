"""A remote store's answer read only as far as the endpoint's limits: a row cap and a byte limit.

A remote store writes the whole answer of a query, however large; reading it whole would hold it all in the
serving process (a cross join can be gigabytes). The answer is read through Oxigraph's parser, which reads as it
goes: reading stops at the row cap, and past the byte limit the answer is refused. An answer within the cap, in
the format the client asked for, is forwarded as the store wrote it; only a cut or another format is written anew.
"""

from __future__ import annotations

import itertools
from typing import Protocol

import pyoxigraph as ox

from biokg.errors import AnswerTooLargeError
from biokg.formats import Format
from biokg.result_writers import SOLUTION_WRITERS

_CHUNK_BYTES = 65_536


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
        rows = [tuple(solution) for solution in itertools.islice(results, _stop(max_rows))]
    finally:
        del results  # Oxigraph's parser must be dropped in its own thread, not with a traceback elsewhere
    truncated = max_rows is not None and len(rows) > max_rows
    if written == wanted.oxigraph and not truncated:
        return answer.whole(), False
    return SOLUTION_WRITERS[wanted.name](variables, rows[:max_rows], truncated), truncated


def _capped_triples(
    answer: KeptReader, written: ox.RdfFormat, wanted: Format, max_rows: int | None
) -> tuple[bytes, bool]:
    quads = ox.parse(answer, format=written)  # type: ignore[arg-type]
    try:
        triples = [quad.triple for quad in itertools.islice(quads, _stop(max_rows))]
    finally:
        del quads  # Oxigraph's parser must be dropped in its own thread, not with a traceback elsewhere
    truncated = max_rows is not None and len(triples) > max_rows
    if written == wanted.oxigraph and not truncated:
        return answer.whole(), False
    return ox.serialize(triples[:max_rows], format=wanted.oxigraph) or b"", truncated  # type: ignore[arg-type]


def _stop(max_rows: int | None) -> int | None:
    """How many rows to read: one past the cap, to know whether it cuts."""
    return None if max_rows is None else max_rows + 1
