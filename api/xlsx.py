"""XLSX written a batch of rows at a time, with the standard library only.

An XLSX file is a zip of XML parts. ``zipfile`` writes it to a sink that cannot seek (sizes and
checksums then follow each part in a data descriptor), and the sink is emptied after every
call, so only one batch of compressed bytes is ever held. Strings are written inline in the
cells (no shared-strings table, which would have to be held whole until the end).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import IO

from api.tabular import Cell

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel shows at most this many rows per sheet; a longer table continues on another sheet.
EXCEL_MAX_ROWS = 1_048_576
# zipfile refuses to close a streamed part past 2 GiB unless it was opened as ZIP64, and Excel
# asks to repair a workbook whose small parts use ZIP64: a sheet this big continues on a new one.
MAX_SHEET_BYTES = 2_000_000_000
# Characters XML 1.0 forbids even escaped (control characters, lone surrogates, U+FFFE/F).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_EXCEL_EPOCH = date(1899, 12, 30)


class _Sink:
    """A write-only file for zipfile: it keeps what it is given until drained."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []

    def write(self, data: bytes, /) -> int:
        self._chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def drain(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def xml_text(value: str) -> str:
    """``value`` as XML character data: illegal characters dropped, markup escaped."""
    cleaned = _NOT_XML.sub("", value)
    return cleaned.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def column_name(index: int) -> str:
    """The letters of a 0-based column: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _xlsx_cell(ref: str, value: Cell, style: str = "") -> str:
    if type(value) is str:  # the common case first
        return _xlsx_text(ref, value, style)
    if value is None:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"{style}><v>{int(value)}</v></c>'
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, datetime):  # before date: a datetime is a date too
        days = (value.replace(tzinfo=None) - datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="3"><v>{days!r}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="2"><v>{(value - _EXCEL_EPOCH).days}</v></c>'
    return _xlsx_text(ref, str(value), style)


def _xlsx_text(ref: str, value: str, style: str) -> str:
    # Spaces at either end survive only when asked for; asking everywhere made sheets a third
    # larger, and a large sheet is what must stay under the size limit above.
    keep = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"{style}><is><t{keep}>{xml_text(value)}</t></is></c>'


_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL_NS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
_PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# Styles: 0 plain, 1 bold (the header), 2 a date, 3 a date and time.
_STYLES = (
    f"{_XML_DECL}<styleSheet {_NS}>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


class XlsxTable:
    """An Office Open XML workbook whose sheets hold the table, strings written inline."""

    media_type = XLSX_MEDIA_TYPE
    extension = "xlsx"

    def __init__(
        self,
        header: Sequence[str],
        *,
        sheet: str,
        now: datetime,
        max_rows: int = EXCEL_MAX_ROWS,
        max_sheet_bytes: int = MAX_SHEET_BYTES,
    ) -> None:
        self.header = header
        # Sheet names: at most 31 characters, none of []:*?/\ (Excel refuses the file).
        self.sheet_name = re.sub(r"[\[\]:*?/\\]", " ", sheet)[:25] or "Sheet"
        self.stamp = (max(now.year, 1980), now.month, now.day, now.hour, now.minute, now.second)
        self.max_rows = max_rows
        self.max_sheet_bytes = max_sheet_bytes
        self._sink = _Sink()
        self._zip = zipfile.ZipFile(self._sink, "w", compression=zipfile.ZIP_DEFLATED)
        self._sheets = 0
        self._part: IO[bytes] | None = None
        self._row = 0  # the last row number written on the current sheet
        self._bytes = 0  # uncompressed bytes written to the current sheet
        self._refs = [column_name(i) for i in range(len(header))]

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def _write(self, text: str) -> None:
        assert self._part is not None
        data = text.encode("utf-8")
        self._part.write(data)
        self._bytes += len(data)

    def _open_sheet(self) -> None:
        self._sheets += 1
        self._part = self._zip.open(self._info(f"xl/worksheets/sheet{self._sheets}.xml"), "w")
        self._row = self._bytes = 0
        widths = "".join(
            f'<col min="{i}" max="{i}" width="{max(10, min(len(name) + 4, 50))}" customWidth="1"/>'
            for i, name in enumerate(self.header, start=1)
        )
        self._write(
            f'{_XML_DECL}<worksheet {_NS}><sheetViews><sheetView workbookViewId="0">'
            '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            f"</sheetView></sheetViews><cols>{widths}</cols><sheetData>"
        )
        self._write_row(self.header, style=' s="1"')

    def _close_sheet(self) -> None:
        assert self._part is not None
        self._write("</sheetData></worksheet>")
        self._part.close()
        self._part = None

    def _write_row(self, values: Sequence[Cell], style: str = "") -> None:
        self._row += 1
        n = self._row
        cells = "".join(
            _xlsx_cell(f"{ref}{n}", value, style)
            for ref, value in zip(self._refs, values, strict=True)
        )
        self._write(f'<row r="{n}">{cells}</row>')

    def start(self) -> bytes:
        self._open_sheet()
        return self._sink.drain()

    def rows(self, rows: Iterable[Sequence[Cell]]) -> bytes:
        for row in rows:
            full = self._row >= self.max_rows or self._bytes >= self.max_sheet_bytes
            if full and self._row > 1:  # at least one row under each header
                self._close_sheet()
                self._open_sheet()
            self._write_row(row)
        return self._sink.drain()

    def finish(self) -> bytes:
        self._close_sheet()
        # The parts that list the sheets come last: only now is their number known.
        names = [
            self.sheet_name if n == 1 else f"{self.sheet_name} ({n})"
            for n in range(1, self._sheets + 1)
        ]
        sheets = "".join(
            f'<sheet name="{xml_text(name)}" sheetId="{n}" r:id="rId{n}"/>'
            for n, name in enumerate(names, start=1)
        )
        sheet_rels = "".join(
            f'<Relationship Id="rId{n}" Type="{_DOC_RELS}/worksheet" '
            f'Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, self._sheets + 1)
        )
        styles_id = self._sheets + 1
        sheet_types = "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{_CT}.worksheet+xml"/>'
            for n in range(1, self._sheets + 1)
        )
        parts = {
            "xl/workbook.xml": f"{_XML_DECL}<workbook {_NS} {_REL_NS}><sheets>{sheets}</sheets>"
            "</workbook>",
            "xl/_rels/workbook.xml.rels": f'{_XML_DECL}<Relationships xmlns="{_PKG_RELS}">'
            f'{sheet_rels}<Relationship Id="rId{styles_id}" Type="{_DOC_RELS}/styles" '
            'Target="styles.xml"/></Relationships>',
            "xl/styles.xml": _STYLES,
            "_rels/.rels": f'{_XML_DECL}<Relationships xmlns="{_PKG_RELS}">'
            f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
            "[Content_Types].xml": f"{_XML_DECL}<Types "
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{_CT}.styles+xml"/>'
            f"{sheet_types}</Types>",
        }
        for name, text in parts.items():
            self._zip.writestr(self._info(name), text.encode("utf-8"))
        self._zip.close()
        return self._sink.drain()
