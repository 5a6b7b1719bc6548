"""The name matcher, measured on 246 hand-checked names of trial sponsors and medicine holders (tests/matching)."""

from __future__ import annotations

import csv
from pathlib import Path

import pyoxigraph as ox
import pytest

from biokg.importing.matching import ROR_GRAPH, Matcher, key_of
from biokg.ror.mapping import map_record, organisation_iri, stub_triples
from biokg.ror.records import read_records

SAMPLE = Path(__file__).parent / "matching" / "hand-checked.csv"
RECORDS = SAMPLE.with_name("ror-records.jsonl.gz")
"""The ROR records the matcher's answers for the sample depend on (scripts/matching-records)."""


def ror_store(files: list[Path]) -> ox.Store:
    """ROR's records mapped as the import maps them, in a store's ROR graph, with the organisations they refer to
    but that are not among them described by the name they give them (importer.stubs)."""
    store = ox.Store()
    imported: set[str] = set()
    referred: dict[str, str] = {}
    for file in files:
        for read in read_records(file):
            if read.record is not None:
                mapped = map_record(read.record, organisation_iri)
                imported.add(mapped.ror_id)
                referred.update(mapped.references)
                store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ROR_GRAPH) for t in mapped.triples)
    for ror_id in sorted(referred.keys() - imported):
        triples = stub_triples(ror_id, referred[ror_id], organisation_iri)
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, ROR_GRAPH) for t in triples)
    return store


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.of_store(ror_store([RECORDS]))


def test_precision_and_recall_on_the_hand_checked_sample(matcher: Matcher) -> None:
    rows = list(csv.DictReader(SAMPLE.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == 246
    linked = [(row, matcher.certain(row["name"])) for row in rows]
    right = [row for row, found in linked if found and found == organisation_iri(row["ror_id"]).value]
    wrong = [
        (row["name"], found) for row, found in linked if found and found != organisation_iri(row["ror_id"]).value
    ]
    missed = [row["name"] for row, found in linked if row["ror_id"] and not found]
    precision = len(right) / (len(right) + len(wrong))
    recall = len(right) / sum(1 for row in rows if row["ror_id"])
    assert precision >= 0.98
    assert (len(right), wrong, len(missed), round(recall, 3)) == (50, [], 48, 0.51)


def test_a_subsidiary_is_not_its_group(matcher: Matcher) -> None:
    assert matcher.certain("Pfizer Europe MA EEIG") is None
    assert matcher.certain("Novartis Europharm Limited") is None


def test_an_alias_is_a_candidate_not_a_link(matcher: Matcher) -> None:
    assert matcher.certain("IRCCS San Raffaele") is None
    assert [(c.organisation, c.reason) for c in matcher.candidates("IRCCS San Raffaele")] == [
        ("https://w3id.org/biokg/id/organization/ror-006x48140", "an alias of this ROR organisation")
    ]


def test_names_are_compared_without_case_accents_punctuation_or_a_leading_the() -> None:
    assert key_of("The University of Texas M.D. Anderson Cancer Center") == key_of(
        "university of texas m d anderson cancer center"
    )
    assert key_of("Assistance Publique - Hôpitaux de Paris") == "assistance publique hopitaux de paris"
    assert key_of("Merck Sharp & Dohme") == key_of("Merck Sharp and Dohme")


def test_a_unit_before_a_comma_and_a_legal_form_give_candidates() -> None:
    matcher = Matcher()
    matcher.add("https://w3id.org/biokg/id/organization/ror-03q21mh05", "Cairo University", "display")
    matcher.add("https://w3id.org/biokg/id/organization/ror-00q32j219", "Boehringer Ingelheim", "display")
    assert matcher.certain("Department of Anaesthesia, Cairo University") is None
    assert [c.label for c in matcher.candidates("Department of Anaesthesia, Cairo University")] == [
        "Cairo University"
    ]
    assert [c.reason for c in matcher.candidates("Boehringer Ingelheim GmbH")] == [
        "the same name without its legal form"
    ]
