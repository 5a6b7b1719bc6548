"""The biokg command: exit codes and messages, through the installed entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from biokg.shipped import data_dir

FIXTURES = Path(__file__).parent / "shapes" / "invalid"


def biokg(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "biokg", *map(str, arguments)], capture_output=True, text=True, timeout=120
    )


def test_validate_the_shipped_graph_exits_0() -> None:
    result = biokg("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "The graph conforms to the shapes (2733 triples checked)."


def test_validate_a_broken_turtle_file_exits_1_with_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b "unterminated .\n')
    result = biokg("validate", broken)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == f"error: {broken}:3:11: Unexpected end of file\n"


def test_validate_a_turtle_file_with_a_bad_iri_names_its_position(tmp_path: Path) -> None:
    broken = tmp_path / "bad-iri.ttl"
    broken.write_text("<http://example.org/a> <http://example.org/b> <not an iri> .\n")
    result = biokg("validate", broken)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {broken}:1:")


def test_validate_an_invalid_fixture_exits_1_with_the_shape_message() -> None:
    result = biokg("validate", data_dir(), FIXTURES / "post-without-role.ttl")
    assert result.returncode == 1
    assert result.stdout.splitlines()[1:] == [
        "The graph does not conform to the shapes: 1 finding(s).",
        "",
        "Violation: A post has exactly one org:role, a bkg:Role such as bkg:CEO or bkg:President.",
        "  focus node: post:biom-cfo",
        "  path:       org:role",
        "  shape:      bkgsh:PostShape (org:role)",
    ]


def test_validate_a_missing_file_exits_1() -> None:
    result = biokg("validate", "no/such/file.ttl")
    assert result.returncode == 1
    assert result.stderr == "error: no/such/file.ttl: no such file or folder\n"


def test_stats_prints_graphs_and_entities_per_class() -> None:
    result = biokg("stats")
    assert result.returncode == 0, result.stderr
    rows = dict(
        line.rsplit(maxsplit=1)
        for line in result.stdout.splitlines()
        if line.startswith(("bkg:", "org:", "prov:", "graph:"))
    )
    assert rows == {
        "graph:biom-osaka-partnership-renewal-2022": "197",
        "graph:metadata": "51",
        "graph:places": "22",
        "graph:places-geonames": "24",
        "graph:places-wikidata": "7",
        "bkg:SourceGraph": "4",
        "bkg:Statistic": "4",
        "bkg:Region": "3",
        "bkg:SourceDocument": "3",
        "org:Post": "2",
        "prov:Association": "2",
        "bkg:City": "2",
        "bkg:ClusterManagementOrganization": "2",
        "bkg:Country": "2",
        "bkg:GovernmentBody": "2",
        "bkg:Organization": "2",
        "bkg:Person": "2",
        "bkg:PostHolding": "2",
        "bkg:Quotation": "2",
        "bkg:AgreementRenewal": "1",
        "bkg:AwardCompetition": "1",
        "bkg:Claim": "1",
        "bkg:Coordination": "1",
        "bkg:FirstSigning": "1",
        "bkg:Incubator": "1",
        "bkg:Network": "1",
        "bkg:NonprofitOrganization": "1",
        "bkg:PartneringConference": "1",
        "bkg:PartneringConferenceSeries": "1",
        "bkg:PartnershipAgreement": "1",
        "bkg:PressRelease": "1",
        "bkg:TradeMissionSeries": "1",
    }
