"""Unit lists on disk: the datasets shipped in ``data/units`` and operators' CSV files."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from planning.lineage import LineageRow
from planning.reorganisation import ShippedReform, UnreadableCsv, lineage_rows, unit_rows
from planning.units import UnitRow

T = TypeVar("T")

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "units"


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    path: Path
    valid_from: date | None
    valid_to: date | None
    description: str


class UnitListUnreadable(Exception):
    """The file cannot be read as a unit list (missing, wrong columns, not UTF-8)."""


def _day(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def datasets() -> dict[str, Dataset]:
    """The datasets that ship with quyhoach, by name."""
    manifest = json.loads((DATA_DIR / "datasets.json").read_text(encoding="utf-8"))
    return {
        name: Dataset(
            name=name,
            path=DATA_DIR / entry["file"],
            valid_from=_day(entry["valid_from"]),
            valid_to=_day(entry["valid_to"]),
            description=entry["description"],
        )
        for name, entry in manifest.items()
    }


def _parsed(path: Path, parse: Callable[[str], list[T]]) -> list[T]:
    """The rows ``parse`` reads from the file at ``path``."""
    try:
        return parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UnitListUnreadable(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise UnitListUnreadable(f"{path}: not UTF-8 ({error.reason})") from None
    except UnreadableCsv as error:
        raise UnitListUnreadable(f"{path}: {error}") from None


def read_rows(path: Path) -> list[UnitRow]:
    """Read a CSV with the columns kind, code, name, parent_code (header line first)."""
    return _parsed(path, unit_rows)


@dataclass(frozen=True, slots=True)
class Reform:
    """A reorganisation that ships: the unit list in force from ``effective`` and its lineage."""

    name: str
    units: Dataset
    lineage: Path
    effective: date
    description: str


def reforms() -> dict[str, Reform]:
    """The reorganisations that ship with quyhoach, by name (data/units/reforms.json)."""
    manifest = json.loads((DATA_DIR / "reforms.json").read_text(encoding="utf-8"))
    known = datasets()
    return {
        name: Reform(
            name=name,
            units=known[entry["units"]],
            lineage=DATA_DIR / entry["lineage"],
            effective=date.fromisoformat(entry["effective"]),
            description=entry["description"],
        )
        for name, entry in manifest.items()
    }


def read_lineage(path: Path) -> list[LineageRow]:
    """Read a CSV with the columns predecessor_code, predecessor_kind, successor_code,
    successor_kind (header line first)."""
    return _parsed(path, lineage_rows)


def shipped_reform(name: str) -> ShippedReform | None:
    """A reform that ships, read from its files; None for a name that ships none."""
    reform = reforms().get(name)
    if reform is None:
        return None
    return ShippedReform(
        units=read_rows(reform.units.path),
        lineage=read_lineage(reform.lineage),
        effective=reform.effective,
    )
