"""On-disk generations of the embedded store, so that a load is all-or-nothing even if the process is killed.

A load writes a complete new store into a fresh folder, flushes it, then switches the manifest to it with one
atomic rename. Until that rename the old generation is untouched; a killed load leaves a stray folder that the
next open removes.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

MANIFEST = "biokg-store.json"


class Generations:
    """The generation folders of one store directory and the manifest naming the current one."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)

    def current(self) -> tuple[Path | None, str | None]:
        """The current generation's folder and stamp, or (None, None) for a new store."""
        try:
            manifest = json.loads((self.directory / MANIFEST).read_text())
        except FileNotFoundError:
            return None, None
        return self.directory / manifest["generation"], manifest.get("stamp")

    def fresh(self) -> Path:
        """A new, empty generation folder."""
        path = self.directory / f"generation-{time.time_ns()}"
        path.mkdir()
        return path

    def commit(self, generation: Path, stamp: str | None) -> None:
        """Make `generation` current, atomically and durably."""
        temporary = self.directory / (MANIFEST + ".tmp")
        with temporary.open("w") as manifest:
            json.dump({"generation": generation.name, "stamp": stamp}, manifest)
            manifest.flush()
            os.fsync(manifest.fileno())
        os.replace(temporary, self.directory / MANIFEST)
        directory = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)

    def remove_stale(self) -> None:
        """Delete every generation folder but the current one (left by a finished or a killed load)."""
        current, _ = self.current()
        for path in self.directory.glob("generation-*"):
            if path != current:
                shutil.rmtree(path, ignore_errors=True)
