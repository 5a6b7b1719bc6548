"""grlc's decorator block: every line that starts `#+` in column 0, `#+` stripped, read as YAML (or JSON)."""

from __future__ import annotations

import json
from typing import Any

import yaml

from biokg.errors import CannedQueryError


def read_decorators(query: str, source: str) -> dict[str, Any]:
    """The decorators of a query file (keys biokg does not use are kept); `source` names the file in errors."""
    block = "\n".join(line[2:] for line in query.splitlines() if line.startswith("#+"))
    if not block.strip():
        return {}
    try:
        decorators = json.loads(block)
    except ValueError:
        try:
            decorators = yaml.safe_load(block)
        except yaml.YAMLError as error:
            raise CannedQueryError(f"{source}: the #+ decorators are not YAML: {error}") from None
    if not isinstance(decorators, dict):
        raise CannedQueryError(f"{source}: the #+ decorators must be a mapping of names to values")
    return decorators


def name_value_pairs(value: Any, decorator: str, source: str) -> dict[str, Any]:
    """A decorator given either as a mapping or as grlc's list of one-entry mappings (`- name: value`)."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(name): item for name, item in value.items()}
    if isinstance(value, list) and all(isinstance(item, (dict, str)) for item in value):
        pairs: dict[str, Any] = {}
        for item in value:
            pairs.update({item: None} if isinstance(item, str) else {str(k): v for k, v in item.items()})
        return pairs
    raise CannedQueryError(f"{source}: #+ {decorator} must be a mapping or a list of 'name: value' entries")
