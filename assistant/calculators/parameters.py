"""Rule parameters as dated data citing their clause (the OpenFisca habit).

A parameter file is YAML: a mapping of parameter names to entries::

    deductible_in_area:
      description: 责任一年免赔额（统筹区内住院，经基本医保和大病保险报销后）
      unit: 元
      values:
        2024-01-01: 5000
      reference:
        doc_number: 明政办规〔2023〕5号
        section: 三、主要内容 › （六）待遇水平 › 2. 起付标准
        quote: 的起付标准为 5000 元

The loader rejects unknown keys, duplicate keys, bad dates and a missing reference,
naming the file and the parameter, so a typo cannot silently change a payout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import AssistantError

_ENTRY_KEYS = {"description", "unit", "values", "reference", "note"}
_REFERENCE_KEYS = {"doc_number", "section", "quote"}


class ParameterError(AssistantError):
    """A parameter file is malformed; seen by whoever edits the YAML beside a calculator."""


@dataclass(frozen=True)
class Reference:
    """Where a constant comes from: document number, section path and the quoted words."""

    doc_number: str
    section: str
    quote: str

    def to_dict(self) -> dict:
        return {"doc_number": self.doc_number, "section": self.section, "quote": self.quote}


@dataclass(frozen=True)
class Parameter:
    """One constant whose value may change on given dates."""

    name: str
    description: str
    unit: str
    values: tuple[tuple[date, Any], ...]  # sorted by date
    reference: Reference
    note: str = ""

    def at(self, when: date) -> Any:
        """The value in force on ``when``; before the first date, the first value (with the caller warned)."""
        current = self.values[0][1]
        for start, value in self.values:
            if start <= when:
                current = value
        return current

    @property
    def first_date(self) -> date:
        return self.values[0][0]


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML loader that refuses a key given twice in one mapping."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise ParameterError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def load_yaml(path: Path) -> Any:
    """Read a YAML file, refusing duplicate keys (the message names the file and line)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except ParameterError as error:
        raise ParameterError(f"{path}: {error}") from None
    except yaml.YAMLError as error:
        raise ParameterError(f"{path}: not valid YAML: {error}") from None
    except ValueError as error:  # YAML's own date parsing: "2024-02-30" is a date-looking impossible date
        raise ParameterError(f"{path}: bad date or value ({error}); dates must be real days in YYYY-MM-DD.") from None


def load_parameters(path: Path) -> dict[str, Parameter]:
    """Load and validate a parameter file."""
    data = load_yaml(path)
    if not isinstance(data, dict) or not data:
        raise ParameterError(f"{path}: expected a mapping of parameter names to entries.")
    return {name: parse_parameter(path, name, entry) for name, entry in data.items()}


def parse_parameter(path: Path, name: str, entry: Any) -> Parameter:
    """Validate one entry of a parameter file (shared by files that add keys of their own)."""
    where = f"{path}: parameter {name!r}"
    if not isinstance(entry, dict):
        raise ParameterError(f"{where}: expected a mapping with keys {sorted(_ENTRY_KEYS)}.")
    unknown = set(entry) - _ENTRY_KEYS
    if unknown:
        raise ParameterError(f"{where}: unknown keys {sorted(unknown)}. Valid keys: {sorted(_ENTRY_KEYS)}.")
    for key in ("description", "unit", "values", "reference"):
        if key not in entry:
            raise ParameterError(f"{where}: missing {key!r}.")
    values = entry["values"]
    if not isinstance(values, dict) or not values:
        raise ParameterError(f"{where}: 'values' must map dates (YYYY-MM-DD) to values.")
    dated = []
    for key, value in values.items():
        if isinstance(key, date):
            dated.append((key, value))
            continue
        try:
            dated.append((date.fromisoformat(str(key)), value))
        except ValueError:
            raise ParameterError(f"{where}: bad date {key!r} in 'values'; use YYYY-MM-DD.") from None
    reference = entry["reference"]
    if not isinstance(reference, dict) or set(reference) != _REFERENCE_KEYS or not all(
        isinstance(reference[k], str) and reference[k].strip() for k in _REFERENCE_KEYS
    ):
        raise ParameterError(f"{where}: 'reference' needs exactly {sorted(_REFERENCE_KEYS)}, each a non-empty string.")
    return Parameter(
        name=name,
        description=str(entry["description"]),
        unit=str(entry["unit"]),
        values=tuple(sorted(dated)),
        reference=Reference(reference["doc_number"], reference["section"], reference["quote"]),
        note=str(entry.get("note", "")),
    )
