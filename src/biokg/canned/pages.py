"""Pages of a paginated canned query cut from its whole answer, kept while the data stays as loaded.

A page asked with LIMIT and OFFSET costs the whole query every time: the engine counts and orders every row
before it skips to the page (page 2 of `organisations-by-sources` took 7.2 s on the three registries). Read
once, the whole answer gives every page as a slice, as QLever pages from the results it keeps. It is kept as
the lines of its SPARQL TSV, a row a line (values are written with their escapes), and only a page's lines are
read as terms: reading 10,000 rows as terms held the event loop for a tenth of a second.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass

import pyoxigraph as ox

from biokg.engine.answers import ResultTable

WHOLE_ROWS = 200_000
"""The most rows of a whole answer read to cut pages from; pages past them are asked of the engine."""
KEPT_ROWS = 1_000_000
"""The rows of whole answers kept, least recently used first out (a row of three terms is about 300 bytes)."""


@dataclass(frozen=True)
class WholeAnswer:
    """An answer's TSV: its head line, a line per row, and whether rows past them were left out."""

    head: bytes
    rows: tuple[bytes, ...]
    more: bool = False

    @classmethod
    def of(cls, tsv: bytes, more: bool) -> WholeAnswer:
        head, *rows = tsv.rstrip(b"\n").split(b"\n")
        return cls(head, tuple(rows), more)


class WholeAnswers:
    """Whole answers of paginated queries by their text without a page, or None for one too large to keep."""

    def __init__(self, kept_rows: int = KEPT_ROWS) -> None:
        self.kept_rows = kept_rows
        self._answers: collections.OrderedDict[str, WholeAnswer | None] = collections.OrderedDict()
        self._rows = 0
        self._lock = threading.Lock()
        self._reading = False

    def claim(self) -> bool:
        """Whether a whole answer may be read ahead now (none is being read ahead): True claims the turn until
        `release`."""
        with self._lock:
            claimed, self._reading = not self._reading, True
            return claimed

    def release(self) -> None:
        with self._lock:
            self._reading = False

    def known(self, text: str) -> bool:
        """Whether the whole answer of `text` was read (kept, or found too large to keep)."""
        with self._lock:
            return text in self._answers

    def page(self, text: str, number: int, size: int, max_bytes: int | None = None) -> ResultTable | None:
        """Page `number` of `size` rows of the whole answer of `text`, `more` saying whether rows follow; None
        when that answer is not kept, was cut before the page's last row, or when the page's rows are larger
        than `max_bytes` (asked of the engine, such a page is refused with the reason)."""
        with self._lock:
            whole = self._answers.get(text)
            if whole is None:
                return None
            self._answers.move_to_end(text)
        end = number * size
        if whole.more and end > len(whole.rows):
            return None
        lines = b"".join(line + b"\n" for line in (whole.head, *whole.rows[end - size : end]))
        if max_bytes is not None and len(lines) > max_bytes:
            return None
        solutions = ox.parse_query_results(lines, format=ox.QueryResultsFormat.TSV)
        assert isinstance(solutions, ox.QuerySolutions)
        variables = tuple(variable.value for variable in solutions.variables)
        rows = tuple(tuple(solution) for solution in solutions)
        return ResultTable(variables, rows, more=whole.more or len(whole.rows) > end)

    def keep(self, text: str, whole: WholeAnswer | None) -> None:
        """Keep the whole answer of `text`, or None to remember that it is not kept."""
        rows = 0 if whole is None else len(whole.rows)
        if rows > self.kept_rows:
            whole, rows = None, 0
        with self._lock:
            if text in self._answers:
                return
            self._answers[text] = whole
            self._rows += rows
            while self._rows > self.kept_rows:
                _, dropped = self._answers.popitem(last=False)
                self._rows -= 0 if dropped is None else len(dropped.rows)
