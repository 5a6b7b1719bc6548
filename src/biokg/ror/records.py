"""Reading ROR records: JSON Lines (plain or gzip), a folder of JSON files, or ROR's published zip dump.

Records are yielded one at a time with where they were found, so that a line that is not JSON is reported with
its line number instead of stopping the import. Schema 1 records are read as schema 2 (`schema1.as_schema2`). A
dump from Zenodo holds the same records in both schemas; only its schema 2 file is read then.
"""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from biokg.errors import NotFoundError
from biokg.importing.records import Read
from biokg.ror.schema1 import as_schema2, is_schema1


def read_records(source: Path) -> Iterator[Read]:
    """Every record of a source, in order."""
    if source.is_dir():
        for path in sorted(source.rglob("*.json")):
            yield from _json_document(path.read_bytes(), str(path))
        return
    if not source.is_file():
        raise NotFoundError(f"no ROR records at {source}")
    if source.suffix == ".zip":
        with zipfile.ZipFile(source) as archive:
            for member in _dump_members(archive.namelist()):
                where = f"{source.name}:{member}"
                if member.endswith(".jsonl"):
                    with archive.open(member) as stream:
                        yield from _json_lines(stream, where)
                elif member.endswith(".json"):
                    yield from _json_document(archive.read(member), where)
        return
    if source.name.endswith((".jsonl.gz", ".json.gz")):
        with gzip.open(source, "rb") as stream:
            if source.name.endswith(".jsonl.gz"):
                yield from _json_lines(stream, source.name)  # type: ignore[arg-type]
            else:
                yield from _json_document(stream.read(), source.name)
        return
    if source.suffix == ".jsonl":
        with source.open("rb") as stream:
            yield from _json_lines(stream, source.name)
        return
    yield from _json_document(source.read_bytes(), source.name)


def _dump_members(names: list[str]) -> list[str]:
    """The record files of a zip: its schema 2 files when it has both schemas, as ROR's Zenodo dumps do."""
    records = sorted(name for name in names if name.endswith((".json", ".jsonl")))
    schema2 = [name for name in records if "schema_v2" in name]
    return schema2 or records


def _json_lines(stream: IO[bytes], where: str) -> Iterator[Read]:
    with io.TextIOWrapper(stream, encoding="utf-8", errors="replace") as text:
        for number, line in enumerate(text, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line.rstrip("\r\n"))
            except json.JSONDecodeError as error:
                yield Read(f"{where}:{number}", None, f"not JSON: {error.msg} at column {error.colno}")
                continue
            yield _checked(record, f"{where}:{number}")


def _json_document(data: bytes, where: str) -> Iterator[Read]:
    """A JSON file holding one record, or an array of them (ROR's dump)."""
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        message = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
        yield Read(where, None, f"not JSON: {message}")
        return
    items: Iterable[Any] = document if isinstance(document, list) else [document]
    for index, record in enumerate(items):
        yield _checked(record, f"{where}[{index}]" if isinstance(document, list) else where)


def _checked(record: Any, where: str) -> Read:
    if not isinstance(record, dict):
        return Read(where, None, "not a ROR record: expected a JSON object")
    if not isinstance(record.get("id"), str):
        return Read(where, None, "not a ROR record: 'id' is required")
    if is_schema1(record):
        return Read(where, as_schema2(record))
    if not isinstance(record.get("names"), list):
        return Read(where, None, "not a ROR record: 'names' (schema 2) or 'name' (schema 1) is required")
    return Read(where, record)
