"""Curators' tokens: made, checked, listed and revoked; the file holds hashes, never a secret."""

from __future__ import annotations

import json
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from biokg.errors import NotFoundError, ParameterError, TokenFileError
from biokg.tokens import TokenFile

GRAPH = "https://w3id.org/biokg/graph/deals"


def biokg(*arguments: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "biokg", *map(str, arguments)], capture_output=True, text=True, timeout=120
    )


def test_a_token_is_checked_by_its_secret_and_the_file_keeps_only_its_hash(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    token, presented = tokens.create("curator", (GRAPH,))
    identifier, secret = re.fullmatch(r"biokg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})", presented).groups()  # type: ignore[union-attr]
    assert identifier == token.id
    text = (tmp_path / "tokens.json").read_text()
    assert secret not in text
    assert [set(entry) for entry in json.loads(text)] == [{"id", "role", "graphs", "created", "salt", "hash"}]
    assert stat.S_IMODE((tmp_path / "tokens.json").stat().st_mode) == 0o600
    assert tokens.check(presented) == token
    assert token.may_write(GRAPH) and not token.may_write(GRAPH + "-other")
    wrong = presented[:-1] + ("A" if presented[-1] != "A" else "B")
    assert tokens.check(wrong) is None
    assert tokens.check(f"biokg_{'0' * 12}_{secret}") is None
    assert tokens.check("Bearer " + presented) is None


def test_a_revoked_token_is_refused_and_the_others_stay(tmp_path: Path) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    first, first_presented = tokens.create("curator")
    second, second_presented = tokens.create("curator", (GRAPH,))
    assert tokens.tokens() == [first, second]
    assert tokens.revoke(first.id) == first
    assert (tokens.check(first_presented), tokens.check(second_presented)) == (None, second)
    with pytest.raises(NotFoundError, match=f"no token '{first.id}'"):
        tokens.revoke(first.id)


@pytest.mark.parametrize(
    ("role", "graphs", "message"),
    [
        ("admin", (), "a token's role is one of curator, reader, not 'admin'"),
        ("curator", ("graph/deals",), "a token's graph is an absolute IRI, not 'graph/deals'"),
    ],
)
def test_a_wrong_role_or_graph_is_refused_and_writes_nothing(
    tmp_path: Path, role: str, graphs: tuple[str, ...], message: str
) -> None:
    tokens = TokenFile(tmp_path / "tokens.json")
    with pytest.raises(ParameterError) as refused:
        tokens.create(role, graphs)
    assert str(refused.value) == message
    assert not (tmp_path / "tokens.json").exists()


def test_a_file_that_is_not_a_token_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "tokens.json").write_text('{"id": 1}')
    with pytest.raises(TokenFileError, match=f"^{re.escape(str(tmp_path / 'tokens.json'))}: not a biokg token file"):
        TokenFile(tmp_path / "tokens.json").tokens()


def test_the_command_makes_lists_and_revokes_tokens_in_the_store_folder(tmp_path: Path) -> None:
    made = biokg("token", "create", "--role", "curator", "--graphs", GRAPH, "--store", tmp_path)
    assert made.returncode == 0, made.stderr
    presented = made.stdout.strip()
    token = TokenFile(tmp_path / "tokens.json").check(presented)
    assert token is not None and token.graphs == (GRAPH,)
    assert made.stderr == f"token {token.id} (curator, {GRAPH}): keep it now, it is not shown again\n"
    listed = biokg("token", "list", "--store", tmp_path)
    assert listed.returncode == 0 and listed.stdout.splitlines()[2].split() == [
        token.id,
        "curator",
        GRAPH,
        token.created,
    ]
    assert listed.stdout.splitlines()[-1] == "(1 token)" and presented.split("_", 2)[2] not in listed.stdout
    revoked = biokg("token", "revoke", token.id, "--store", tmp_path)
    assert (revoked.returncode, revoked.stdout) == (0, f"revoked token {token.id} (curator, {GRAPH})\n")
    again = biokg("token", "revoke", token.id, "--store", tmp_path)
    assert again.returncode == 1
    assert (
        again.stderr == f"error: no token '{token.id}' in {tmp_path / 'tokens.json'}; `biokg token list` lists them\n"
    )


def test_the_command_without_a_place_for_the_tokens_says_where_to_give_one() -> None:
    result = biokg("token", "list")
    assert result.returncode == 1
    assert result.stderr == "error: tokens are kept in a file: give --tokens FILE (BIOKG_TOKENS), or --store DIR\n"
