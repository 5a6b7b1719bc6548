"""Repeated answers come from the cache while the data stays as loaded; stopped or failed queries never do."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from httpx2 import Response

from biokg.canned.pages import WholeAnswer, WholeAnswers
from biokg.config import Settings
from biokg.engine import QueryJob
from biokg.engine.answers import ResultTable, read_solutions
from biokg.engine.cache import CachingEngine
from biokg.engine.inline import InlineEngine
from biokg.engine.pool import WorkerPool
from biokg.errors import QuerySyntaxError, QueryTimeoutError
from biokg.formats import format_named
from biokg.server import prepare
from biokg.web import create_app

EX = "http://example.org/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def store() -> ox.Store:
    store = ox.Store()
    store.extend(ox.Quad(ox.NamedNode(f"{EX}s{n}"), ox.NamedNode(f"{EX}p"), ox.Literal(str(n))) for n in range(100))
    return store


def test_the_same_job_is_answered_from_the_cache_and_another_is_not(store: ox.Store) -> None:
    cache = CachingEngine(InlineEngine(store), 1_000_000)
    job = QueryJob(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s", "csv", max_rows=10)
    first, again = cache.run(job), cache.run(QueryJob(f"  {job.query}\n", "csv", max_rows=10))
    assert (first.cached, again.cached, again.body) == (False, True, first.body)
    as_json = cache.run(QueryJob(job.query, "json", max_rows=10))
    cut = cache.run(QueryJob(job.query, "csv", max_rows=5))
    assert (as_json.cached, cut.cached) == (False, False)
    assert cache.size == len(first.body) + len(as_json.body) + len(cut.body)


def test_the_least_recently_used_answers_go_first_and_large_ones_are_not_kept(store: ox.Store) -> None:
    def job(n: int) -> QueryJob:
        return QueryJob(f"SELECT ?o WHERE {{ <{EX}s{n}> <{EX}p> ?o }}", "csv")

    size = len(InlineEngine(store).run(job(10)).body)  # "o\r\n10\r\n": every answer of s10 ... s99 is this long
    cache = CachingEngine(InlineEngine(store), 30 * size)
    for n in range(10, 40):
        cache.run(job(n))
    cache.run(job(10))  # used again: now the most recent
    cache.run(job(40))  # one more than fits: the least recently used (s11) goes
    assert cache.size == 30 * size
    assert [cache.run(job(n)).cached for n in (40, 10, 12, 11)] == [True, True, True, False]
    everything = QueryJob("SELECT * WHERE { ?s ?p ?o }", "csv")
    cache.run(everything)
    assert cache.run(everything).cached is False  # more than a tenth of the cache


def test_a_query_that_fails_or_is_stopped_is_never_kept(store: ox.Store) -> None:
    cache = CachingEngine(WorkerPool(store, 1, time_limit=0.5), 1_000_000)
    try:
        for _ in range(2):
            with pytest.raises(QuerySyntaxError):
                cache.run(QueryJob("SELECT ?s WHERE { ?s ?p }", "json"))
            started = time.monotonic()
            with pytest.raises(QueryTimeoutError):
                cache.run(QueryJob(RUNAWAY, "json"))
            assert time.monotonic() - started >= 0.5
        assert cache.size == 0
    finally:
        cache.close()


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    context = prepare(Settings(query_workers=1, cache_mib=16, warm_canned=False))  # each miss is the test's own
    with TestClient(create_app(context)) as client:
        yield client


def test_the_access_log_says_hit_or_miss_and_the_health_probe_reaches_the_engine(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    engine = client.app.state.context.engine  # type: ignore[attr-defined]
    assert isinstance(engine, CachingEngine)
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    with caplog.at_level(logging.INFO, logger="biokg.access"):
        answers = [client.get("/sparql", params={"query": query}) for _ in range(2)]
        canned = [client.get("/api/queries/posts-in", params={"format": "csv"}) for _ in range(2)]
    entries = [json.loads(record.getMessage()) for record in caplog.records if record.name == "biokg.access"]
    assert [entry["cache"] for entry in entries] == ["miss", "hit", "miss", "hit"]
    assert answers[0].content == answers[1].content and canned[0].content == canned[1].content
    kept = engine.size
    assert client.get("/healthz").json()["status"] == "ok"
    assert engine.size == kept


def test_pages_of_a_paginated_query_are_cut_from_its_whole_answer_read_once(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The first page is asked of the engine and the whole answer read behind it; a later page asked first
    reads the whole answer itself."""
    context = client.app.state.context  # type: ignore[attr-defined]
    search = context.catalogue.get("search")

    def whole(text: str) -> str:
        return str(context.catalogue.bind(search, {"text": [text]}, 10_000)[0].whole)

    def get(text: str, page: int) -> Response:
        return client.get("/api/queries/search", params={"text": text, "page": page, "format": "csv"})

    with caplog.at_level(logging.INFO, logger="biokg.access"):
        pages = [get("o", 1)]
        deadline = time.monotonic() + 10
        while not context.whole_answers.known(whole("o")) and time.monotonic() < deadline:
            time.sleep(0.01)
        pages += [get("o", 2), get("o", 4)]
        shown = client.get("/queries/search", params={"text": "o", "page": "2"})
        later_first = [get("a", 3), get("a", 1)]
    entries = [json.loads(record.getMessage()) for record in caplog.records if record.name == "biokg.access"]
    assert [entry["cache"] for entry in entries] == ["miss", "hit", "hit", "hit", "miss", "hit"]
    for text, number, page in [*zip("ooo", (1, 2, 4), pages, strict=True), ("a", 3, later_first[0])]:
        bound, rows = context.catalogue.bind(search, {"text": [text], "page": [str(number)]}, 10_000)
        asked = read_solutions(context.engine.run(QueryJob(bound.text, "json", cacheable=False)).body, rows)
        assert page.content == asked.write(format_named("csv"))
    assert [len(page.text.splitlines()) - 1 for page in pages] == [20, 20, 11]
    assert ("link" in pages[1].headers, "link" in pages[2].headers) == (True, False)
    assert shown.text.count("<tr><td>") == 20


def test_a_page_past_the_rows_read_of_a_cut_whole_answer_is_not_cut_from_it() -> None:
    def tsv(count: int) -> bytes:
        return ("?n\n" + "".join(f'"{n}"\n' for n in range(count))).encode()

    def page(first: int, end: int, more: bool = False) -> ResultTable:
        return ResultTable(("n",), tuple((ox.Literal(str(n)),) for n in range(first, end)), more=more)

    wholes = WholeAnswers(kept_rows=50)
    wholes.keep("cut", WholeAnswer.of(tsv(25), more=True))
    wholes.keep("all", WholeAnswer.of(tsv(25), more=False))
    assert wholes.page("cut", 2, 10) == page(10, 20, more=True)
    assert wholes.page("cut", 3, 10) is None  # rows 20-29, of which 25-29 were not read
    assert wholes.page("all", 3, 10) == page(20, 25)
    assert wholes.page("all", 4, 10) == page(0, 0)
    assert (wholes.page("all", 1, 10, max_bytes=43), wholes.page("all", 1, 10, max_bytes=42)) == (
        page(0, 10, more=True),
        None,
    )
    wholes.keep("large", WholeAnswer.of(tsv(51), more=False))
    assert (wholes.known("large"), wholes.page("large", 1, 10)) == (True, None)
    wholes.keep("more", WholeAnswer.of(tsv(10), more=False))  # past the 50 rows kept: the least recently used goes
    assert [wholes.known(text) for text in ("cut", "all", "more")] == [False, True, True]
