"""Tables written a batch of rows at a time: bytes out, memory flat. CSV here, XLSX in xlsx.py.

Pure: no I/O, no framework. A writer turns ``start()``, then ``rows(batch)`` any number of
times, then ``finish()`` into the successive chunks of one file, so a response can send each
chunk as soon as it is made and forget it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

Cell = str | int | float | bool | date | None

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# A CSV cell starting like a formula would run as one when Excel opens the file (CSV injection).
_FORMULA_START = frozenset("=+-@\t\r")


class TableWriter(Protocol):
    """One file being written; each call returns the next bytes of it."""

    media_type: str
    extension: str

    def start(self) -> bytes: ...

    def rows(self, rows: Iterable[Sequence[Cell]]) -> bytes: ...

    def finish(self) -> bytes: ...


def _csv_text(value: Cell) -> str | int | float:
    # Called for every cell of every row: the common cases first, by exact type.
    if type(value) is str:
        return "'" + value if value[:1] in _FORMULA_START else value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return value


class CsvTable:
    """RFC 4180 CSV in UTF-8 with a byte order mark, so Excel reads Vietnamese correctly."""

    media_type = CSV_MEDIA_TYPE
    extension = "csv"

    def __init__(self, header: Sequence[str]) -> None:
        self.header = header
        self._buffer = io.StringIO()
        self._csv = csv.writer(self._buffer)

    def _drain(self) -> bytes:
        text = self._buffer.getvalue()
        self._buffer.seek(0)
        self._buffer.truncate()
        return text.encode("utf-8")

    def start(self) -> bytes:
        self._buffer.write("\ufeff")
        self._csv.writerow([_csv_text(name) for name in self.header])
        return self._drain()

    def rows(self, rows: Iterable[Sequence[Cell]]) -> bytes:
        self._csv.writerows(list(map(_csv_text, row)) for row in rows)
        return self._drain()

    def finish(self) -> bytes:
        return b""


FORMATS = ("csv", "xlsx")
