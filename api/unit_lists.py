"""Unit lists on disk: the datasets shipped in ``data/units`` and operators' CSV files."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from planning.units import UnitRow

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "units"
COLUMNS = ("kind", "code", "name", "parent_code")


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


def read_rows(path: Path) -> list[UnitRow]:
    """Read a CSV with the columns kind, code, name, parent_code (header line first)."""
    try:
        with path.open(encoding="utf-8", newline="") as file:
            reader = csv.DictReader(file)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise UnitListUnreadable(
                    f"{path}: the header must be {','.join(COLUMNS)}, not "
                    f"{','.join(reader.fieldnames or ())!r}"
                )
            return [
                UnitRow(
                    line=reader.line_num,
                    kind=(record["kind"] or "").strip(),
                    code=(record["code"] or "").strip(),
                    name=(record["name"] or "").strip(),
                    parent_code=(record["parent_code"] or "").strip(),
                )
                for record in reader
            ]
    except FileNotFoundError:
        raise UnitListUnreadable(f"{path}: no such file") from None
    except UnicodeDecodeError as error:
        raise UnitListUnreadable(f"{path}: not UTF-8 ({error.reason})") from None
    except csv.Error as error:
        raise UnitListUnreadable(f"{path}: not a CSV file ({error})") from None
