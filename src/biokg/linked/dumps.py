"""Full dumps of the dataset, gzip-compressed: Turtle (merged), N-Triples (merged) and TriG (with the graphs).

The bytes are the same for the same data (gzip without a timestamp), so the ETag of a dump changes only when the
data does; `biokg export --dumps DIR` writes the very files the server offers at /dumps/.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Callable
from pathlib import Path

from biokg.formats import Format, format_named

DUMP_FORMATS: tuple[Format, ...] = tuple(format_named(name) for name in ("turtle", "ntriples", "trig"))


def dump_name(fmt: Format) -> str:
    return f"biokg.{fmt.extension}.gz"


def compress(data: bytes) -> bytes:
    """gzip with no timestamp and no file name, so equal data gives equal bytes."""
    return gzip.compress(data, compresslevel=6, mtime=0)


def write_dumps(export: Callable[[Format], bytes], folder: Path) -> list[Path]:
    """Write every dump into `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in DUMP_FORMATS:
        path = folder / dump_name(fmt)
        path.write_bytes(compress(export(fmt)))
        written.append(path)
    return written


class DumpCache:
    """Dumps made on first request and kept: the data of a running server does not change."""

    def __init__(self, export: Callable[[Format], bytes]) -> None:
        self._export = export
        self._made: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> bytes | None:
        """The compressed dump of that file name, None for a name that is not a dump."""
        fmt = next((fmt for fmt in DUMP_FORMATS if dump_name(fmt) == name), None)
        if fmt is None:
            return None
        with self._lock:
            if name not in self._made:
                self._made[name] = compress(self._export(fmt))
            return self._made[name]
