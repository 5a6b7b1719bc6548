"""Where the ontology, shapes, data and canned queries that ship with biokg live.

A wheel carries them as package data under `biokg/_shipped/`; an editable install from a checkout reads them from
the repository's top-level folders instead.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def shipped_dir(name: str) -> Path:
    """The folder `name` (ontology, data, queries) of the installed package or of the checkout."""
    packaged = Path(str(resources.files("biokg"))) / "_shipped" / name
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / name


def ontology_file() -> Path:
    """The OWL ontology, ontology/biokg.ttl."""
    return shipped_dir("ontology") / "biokg.ttl"


def shapes_file() -> Path:
    """The SHACL shapes, ontology/shapes.ttl."""
    return shipped_dir("ontology") / "shapes.ttl"


def data_dir() -> Path:
    """The folder of the shipped data graphs."""
    return shipped_dir("data")
