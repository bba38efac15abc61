"""`quyhoach reorganize` against a database of its own: a dry run that reports and writes
nothing, a run, a second run that changes nothing, and a bad line that refuses the whole run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from api import cli
from api.unit_lists import reforms
from tests.conftest import fresh_database

OLD = "kind,code,name,parent_code\nPROVINCE,96,Tỉnh Cũ,\nDISTRICT,961,Huyện Cũ,96\n" + (
    "COMMUNE,96101,Xã Một,961\nCOMMUNE,96102,Xã Hai,961\n"
)
NEW = "kind,code,name,parent_code\nPROVINCE,95,Tỉnh Mới,\nCOMMUNE,95001,Xã Mới,95\n" + (
    "COMMUNE,95002,Xã Mới Hai,95\n"
)
LINEAGE = (
    "predecessor_code,predecessor_kind,successor_code,successor_kind\n"
    "96,PROVINCE,95,PROVINCE\n96101,COMMUNE,95001,COMMUNE\n"
    "96102,COMMUNE,95001,COMMUNE\n96102,COMMUNE,95002,COMMUNE\n"
)


@pytest.fixture
async def own_database(server_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    async with fresh_database(server_url, "quyhoach_reorg_cli") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"old": tmp_path / "old.csv", "new": tmp_path / "new.csv"}
    paths["lineage"] = tmp_path / "lineage.csv"
    paths["old"].write_text(OLD, encoding="utf-8")
    paths["new"].write_text(NEW, encoding="utf-8")
    paths["lineage"].write_text(LINEAGE, encoding="utf-8")
    return paths


async def fetch(url: str, sql: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval(sql))
    finally:
        await connection.close()


def reorganize(files: dict[str, Path], *extra: str) -> list[str]:
    return [
        "reorganize",
        "--units",
        str(files["new"]),
        "--lineage",
        str(files["lineage"]),
        "--effective",
        "2030-01-01",
        *extra,
    ]


async def test_a_dry_run_then_a_run_then_nothing(
    own_database: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run(["import-units", str(files["old"])]) == 0
    capsys.readouterr()

    assert await _run(reorganize(files, "--dry-run")) == 0
    out = capsys.readouterr().out
    assert "reorganisation effective 2030-01-01 (dry run, nothing written)" in out
    # 3 opened, 4 closed (the district with its province), 4 links: total and Tỉnh Mới.
    assert "total                                   3       4               0      4" in out
    assert "95 Tỉnh Mới                             3       4               0      4" in out
    assert await fetch(own_database, "SELECT count(*) FROM unit") == 5
    assert await fetch(own_database, "SELECT count(*) FROM unit WHERE valid_to IS NOT NULL") == 0

    assert await _run(reorganize(files)) == 0
    assert "(done)" in capsys.readouterr().out
    assert await fetch(own_database, "SELECT count(*) FROM unit") == 8
    closed = "SELECT count(*) FROM unit WHERE valid_to = '2029-12-31'"
    assert await fetch(own_database, closed) == 4
    assert await fetch(own_database, "SELECT count(*) FROM unit_lineage") == 4

    assert await _run(reorganize(files)) == 0
    out = capsys.readouterr().out
    assert "nothing changed: this reform is already loaded" in out
    assert "total                                   0       0               4      0" in out
    assert await fetch(own_database, "SELECT count(*) FROM unit") == 8
    events = "SELECT count(*) FROM audit_event WHERE action = 'reorganize'"
    assert await fetch(own_database, events) == 2


async def test_a_bad_line_is_named_and_nothing_is_written(
    own_database: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run(["import-units", str(files["old"])]) == 0
    files["lineage"].write_text(LINEAGE + "96103,COMMUNE,95002,COMMUNE\n", encoding="utf-8")
    capsys.readouterr()

    assert await _run(reorganize(files)) == 2

    err = capsys.readouterr().err
    assert f"{files['lineage']}:6: no unit with code '96103' is in force" in err
    assert "1 problem(s); nothing was written." in err
    assert await fetch(own_database, "SELECT count(*) FROM unit") == 5
    assert await fetch(own_database, "SELECT count(*) FROM unit WHERE valid_to IS NOT NULL") == 0
    assert await fetch(own_database, "SELECT count(*) FROM unit_lineage") == 0


async def test_refuses_a_call_without_its_files(
    own_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run(["reorganize", "--effective", "2030-01-01"]) == 2
    assert "give --reform, or --units, --lineage and --effective" in capsys.readouterr().err
    assert await _run(["reorganize", "--reform", "1975"]) == 2
    assert "no shipped reform '1975'" in capsys.readouterr().err


async def test_the_2025_reform_dry_run_on_the_shipped_files(
    own_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _run(["import-units", "three-tier"]) == 0
    capsys.readouterr()
    reform = reforms()["2025"]
    argv = ["reorganize", "--units", "two-tier", "--lineage", str(reform.lineage)]

    assert await _run([*argv, "--effective", "2025-07-01", "--dry-run"]) == 0

    out = capsys.readouterr().out
    # The shipped three-tier list already ends on 30/06/2025: its units count as already closed.
    assert "total                                3355       0           10810  10662" in out
    assert "22 Tỉnh Quảng Ninh" in out
    assert await fetch(own_database, "SELECT count(*) FROM unit_lineage") == 0


async def _run(argv: list[str]) -> int:
    # The CLI drives its own event loop; run it off the test's loop.
    return await asyncio.to_thread(cli.main, argv)
