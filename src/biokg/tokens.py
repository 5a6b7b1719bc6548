"""Bearer tokens for curators: made, listed and revoked with `biokg token`, kept in a JSON file beside the store.

A token is `biokg_<id>_<secret>`. The file holds each token's id, role, graphs and creation time, and the scrypt
hash of its secret with a salt of its own, never the secret: a copy of the file lets nobody write. The secret is
printed once, when the token is made. Checking a presented token finds its entry by id and compares the hash in
constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from biokg.config import Settings
from biokg.errors import NotFoundError, ParameterError, TokenFileError

ROLES = ("curator", "reader")
"""What a token may do: a curator writes graphs (the ones it names, or any when it names none); both read the
private graphs it names (every one, when it names none)."""
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
"""scrypt's cost: 16 MiB and tens of milliseconds a check. A secret is 256 random bits, which no cost of hashing
needs to protect from guessing; the hash keeps the file from being a list of working tokens."""
_PRESENTED = re.compile(r"biokg_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
TOKENS_FILE = "tokens.json"


@dataclass(frozen=True)
class Token:
    """One token as the file keeps it: what it may do, and the hash of its secret."""

    id: str
    role: str
    graphs: tuple[str, ...]
    """The graphs it may write and read when private; none means every graph."""
    created: str
    salt: str
    hash: str

    def may_write(self, graph: str) -> bool:
        return self.role == "curator" and (not self.graphs or graph in self.graphs)


class TokenFile:
    """The tokens of one server, in one JSON file written whole (a new file renamed over the old one)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._checked: dict[str, Token] = {}
        """Valid tokens already checked, by the SHA-256 of what was presented, while the file stays as it was
        read (`_read`): scrypt takes tens of milliseconds, too long to pay on every query of a reader."""
        self._read: tuple[int, int, int] | None = None

    def create(self, role: str, graphs: tuple[str, ...] = ()) -> tuple[Token, str]:
        """A new token and its secret, in the form a client sends (`biokg_<id>_<secret>`), shown only here."""
        if role not in ROLES:
            raise ParameterError(f"a token's role is one of {', '.join(ROLES)}, not {role!r}")
        for graph in graphs:
            if not re.fullmatch(r"[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]+", graph):
                raise ParameterError(f"a token's graph is an absolute IRI, not {graph!r}")
        identifier, secret, salt = secrets.token_hex(6), secrets.token_urlsafe(32), secrets.token_bytes(16)
        created = datetime.now(UTC).replace(microsecond=0).isoformat()
        token = Token(identifier, role, tuple(graphs), created, salt.hex(), _hashed(secret, salt))
        self._write([*self.tokens(), token])
        return token, f"biokg_{identifier}_{secret}"

    def tokens(self) -> list[Token]:
        """Every token, oldest first."""
        if not self.path.exists():
            return []
        try:
            entries = json.loads(self.path.read_text(encoding="utf-8"))
            return [Token(**{**entry, "graphs": tuple(entry["graphs"])}) for entry in entries]
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise TokenFileError(f"{self.path}: not a biokg token file ({error})") from None

    def revoke(self, identifier: str) -> Token:
        """Remove a token: it is refused from then on."""
        kept = self.tokens()
        revoked = next((token for token in kept if token.id == identifier), None)
        if revoked is None:
            raise NotFoundError(f"no token {identifier!r} in {self.path}; `biokg token list` lists them")
        self._write([token for token in kept if token.id != identifier])
        return revoked

    def check(self, presented: str) -> Token | None:
        """The token a client presented, if it is one of these and its secret matches; revoked as soon as the
        file changes."""
        try:
            status = self.path.stat()
            read: tuple[int, int, int] | None = (status.st_ino, status.st_mtime_ns, status.st_size)
        except FileNotFoundError:
            read = None
        if read != self._read:
            self._checked, self._read = {}, read
        key = hashlib.sha256(presented.encode()).hexdigest()
        token = self._checked.get(key) or self._checked_now(presented)
        if token is not None:
            self._checked[key] = token
        return token

    def _checked_now(self, presented: str) -> Token | None:
        match = _PRESENTED.fullmatch(presented)
        if match is None:
            return None
        identifier, secret = match.groups()
        token = next((token for token in self.tokens() if token.id == identifier), None)
        if token is None:
            return None
        expected = _hashed(secret, bytes.fromhex(token.salt))
        return token if hmac.compare_digest(expected, token.hash) else None

    def _write(self, tokens: list[Token]) -> None:
        written = self.path.with_name(self.path.name + ".new")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(written, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as file:
                json.dump([asdict(token) for token in tokens], file, indent=2)
                file.flush()
                os.fsync(file.fileno())
            os.replace(written, self.path)
        except OSError as error:
            raise TokenFileError(f"{self.path}: cannot write the tokens ({error.strerror})") from None


def _hashed(secret: str, salt: bytes) -> str:
    return hashlib.scrypt(secret.encode(), salt=salt, **SCRYPT).hex()


def token_file(settings: Settings) -> TokenFile:
    """The settings' token file: the one given, or the one in the on-disk store's folder."""
    if settings.tokens is not None:
        return TokenFile(settings.tokens)
    if settings.store is not None:
        return TokenFile(settings.store / TOKENS_FILE)
    raise ParameterError("tokens are kept in a file: give --tokens FILE (BIOKG_TOKENS), or --store DIR")
