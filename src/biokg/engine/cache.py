"""Repeated answers from memory: while the data stays as loaded, the same job gets the same answer.

An engine over the embedded store's fixed copy is wrapped in `CachingEngine`: each written answer is kept, least
recently used first out, within a budget of bytes, under the job that asked for it (its query text, dataset,
format, row cap, byte limit and compression), so a heavy query asked again costs a dictionary lookup instead of
a run of the engine. Only answers are kept: a query stopped at a limit, or that failed, runs again next time.
"""

from __future__ import annotations

import collections
import dataclasses
import threading

from biokg.engine import QueryEngine, QueryJob, QueryOutcome

LARGEST_SHARE = 10
"""An answer larger than this part of the cache (a tenth) is not kept: it would push out many smaller ones."""
_Key = tuple[str, str, int | None, tuple[str, ...], tuple[str, ...], int | None, bool]


class CachingEngine:
    """An engine whose answers are kept within `capacity` bytes; `clear` forgets them when the data changes."""

    def __init__(self, engine: QueryEngine, capacity: int) -> None:
        self.engine = engine
        self.capacity = capacity
        self._answers: collections.OrderedDict[_Key, QueryOutcome] = collections.OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def run(self, job: QueryJob) -> QueryOutcome:
        if not job.cacheable:
            return self.engine.run(job)
        key = _key(job)
        return self._kept(key) or self._keep(key, self.engine.run(job))

    async def answer(self, job: QueryJob) -> QueryOutcome:
        if not job.cacheable:
            return await self.engine.answer(job)
        key = _key(job)
        return self._kept(key) or self._keep(key, await self.engine.answer(job))

    def close(self) -> None:
        self.clear()
        self.engine.close()

    def clear(self) -> None:
        """Forget every answer (the data changed)."""
        with self._lock:
            self._answers.clear()
            self._bytes = 0

    @property
    def size(self) -> int:
        """Bytes of the answers kept."""
        return self._bytes

    def _kept(self, key: _Key) -> QueryOutcome | None:
        with self._lock:
            outcome = self._answers.get(key)
            if outcome is None:
                return None
            self._answers.move_to_end(key)
        return dataclasses.replace(outcome, cached=True)

    def _keep(self, key: _Key, outcome: QueryOutcome) -> QueryOutcome:
        size = len(outcome.body)
        if size > self.capacity // LARGEST_SHARE:
            return outcome
        with self._lock:
            if key not in self._answers:
                self._answers[key] = outcome
                self._bytes += size
            while self._bytes > self.capacity:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)
        return outcome


def _key(job: QueryJob) -> _Key:
    """What decides a job's answer; the time limit does not (an answer that came within it is the answer)."""
    return (
        job.query.strip(),
        job.format_name,
        job.max_rows,
        job.default_graphs,
        job.named_graphs,
        job.max_bytes,
        job.gzip,
    )
