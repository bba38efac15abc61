"""The CSV and XLSX writers: valid files, escaped text, and memory that does not grow."""

from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile
from collections.abc import Iterator
from datetime import date, datetime
from xml.etree import ElementTree

import pytest

from api.tabular import Cell, CsvTable, TableWriter
from api.xlsx import XlsxTable, column_name

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
HEADER = ["Họ và tên", "Mã", "Năm sinh", "Tỷ lệ", "Ngày", "Có", "Trống", "Chức danh"]
NOW = datetime(2026, 11, 21, 10, 0)


def synthetic(count: int) -> Iterator[list[Cell]]:
    for n in range(count):
        yield [
            "Nguyễn Thị Hương",
            f"UGxhbkVudHJ5Ojk5{n}",
            1976 + n % 17,
            n / 7,
            date(2026, 1, 1 + n % 28),
            n % 2 == 0,
            None,
            "Phó Chủ tịch Ủy ban nhân dân xã",
        ]


def write(writer: TableWriter, rows: Iterator[list[Cell]], batch: int = 1000) -> Iterator[bytes]:
    yield writer.start()
    while chunk := [row for _, row in zip(range(batch), rows, strict=False)]:
        yield writer.rows(chunk)
    yield writer.finish()


def sheets(content: bytes) -> list[list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert archive.testzip() is None
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    found = []
    for number, _ in enumerate(workbook.iter(f"{MAIN}sheet"), start=1):
        sheet = ElementTree.fromstring(archive.read(f"xl/worksheets/sheet{number}.xml"))
        found.append(
            [
                ["".join(c.itertext()) for c in row.iter(f"{MAIN}c")]
                for row in sheet.iter(f"{MAIN}row")
            ]
        )
    return found


def xlsx(header: list[str] = HEADER, **options: int) -> XlsxTable:
    return XlsxTable(header, sheet="Danh sách", now=NOW, **options)


@pytest.mark.parametrize("make", [lambda: CsvTable(HEADER), xlsx], ids=["csv", "xlsx"])
def test_memory_stays_flat_for_ten_times_the_rows(make: type[TableWriter]) -> None:
    def peak(count: int) -> tuple[int, int]:
        tracemalloc.start()
        try:
            size = sum(len(chunk) for chunk in write(make(), synthetic(count)))
            return tracemalloc.get_traced_memory()[1], size
        finally:
            tracemalloc.stop()

    small, small_size = peak(3_000)
    large, large_size = peak(30_000)

    assert large_size > 9 * small_size  # ten times the file really went through
    assert large < small * 1.3, (small, large)  # but not ten times the memory


def test_xlsx_comes_out_while_rows_go_in() -> None:
    chunks = list(write(xlsx(), synthetic(20_000)))

    # Compressed parts leave after each batch, not all at the end.
    assert sum(1 for chunk in chunks[1:-1] if chunk) > 5
    assert len(chunks[-1]) < sum(len(c) for c in chunks) / 10


def test_xlsx_text_is_escaped_and_stripped_of_what_xml_forbids() -> None:
    name = "Lê <Văn> & \"Tám\" \x00\x0b\ud800 'é'\t"

    content = b"".join(write(xlsx(["Tên", "Số"]), iter([[name, 7], [" lề ", -1.5]])))

    [rows] = sheets(content)
    assert rows == [["Tên", "Số"], ["Lê <Văn> & \"Tám\"  'é'\t", "7"], [" lề ", "-1.5"]]


def test_xlsx_cells_have_types_a_spreadsheet_understands() -> None:
    content = b"".join(write(xlsx(), synthetic(1)))

    archive = zipfile.ZipFile(io.BytesIO(content))
    sheet = ElementTree.fromstring(archive.read("xl/worksheets/sheet1.xml"))
    cells = list(list(sheet.iter(f"{MAIN}row"))[1])
    assert [(c.get("r"), c.get("t"), c.get("s")) for c in cells] == [
        ("A2", "inlineStr", None),
        ("B2", "inlineStr", None),
        ("C2", None, None),
        ("D2", None, None),
        ("E2", None, "2"),  # a date, days since 30/12/1899
        ("F2", "b", None),
        ("H2", "inlineStr", None),  # G2 is empty and not written
    ]
    assert cells[4].findtext(f"{MAIN}v") == str((date(2026, 1, 1) - date(1899, 12, 30)).days)


def test_a_table_longer_than_a_sheet_continues_on_the_next() -> None:
    content = b"".join(write(xlsx(["n"], max_rows=3), iter([[n] for n in range(5)]), batch=2))

    assert sheets(content) == [[["n"], ["0"], ["1"]], [["n"], ["2"], ["3"]], [["n"], ["4"]]]
    archive = zipfile.ZipFile(io.BytesIO(content))
    names = [s.get("name") for s in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter()]
    assert names[-3:] == ["Danh sách", "Danh sách (2)", "Danh sách (3)"]
    types = archive.read("[Content_Types].xml").decode()
    assert all(f"/xl/worksheets/sheet{n}.xml" in types for n in (1, 2, 3))


def test_a_sheet_near_the_zip_size_limit_continues_on_the_next() -> None:
    content = b"".join(write(xlsx(["n"], max_sheet_bytes=1), iter([[n] for n in range(3)])))

    # Past the limit after every row, yet no sheet is left with its header alone.
    assert sheets(content) == [[["n"], ["0"]], [["n"], ["1"]], [["n"], ["2"]]]


def test_csv_is_utf8_with_a_bom_and_defuses_formulas() -> None:
    rows: list[list[Cell]] = [
        ['=HYPERLINK("x")', -3, 'Trần, "Bình"', None, True, date(2030, 5, 1)],
        ["@SUM(A1)", 0.5, "+84", "-", False, None],
    ]

    content = b"".join(write(CsvTable(["a", "b", "c", "d", "e", "f"]), iter(rows)))

    assert content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == [
        ["a", "b", "c", "d", "e", "f"],
        ['\'=HYPERLINK("x")', "-3", 'Trần, "Bình"', "", "true", "2030-05-01"],
        ["'@SUM(A1)", "0.5", "'+84", "'-", "false", ""],
    ]


@pytest.mark.parametrize(
    ("index", "name"), [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")]
)
def test_column_names(index: int, name: str) -> None:
    assert column_name(index) == name
