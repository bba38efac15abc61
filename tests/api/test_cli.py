"""The operator's CLI, against a database of its own (the CLI commits for real)."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

import db
from api import cli
from tests.conftest import fresh_database


@pytest.fixture
async def own_database(server_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    async with fresh_database(server_url, "quyhoach_cli") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


async def units_in(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM unit"))
    finally:
        await connection.close()


GOOD = "kind,code,name,parent_code\nPROVINCE,98,Tỉnh Thử,\nCOMMUNE,99998,Xã Thử,98\n"
BAD = "kind,code,name,parent_code\nPROVINCE,98,Tỉnh Thử,\nCOMMUNE,99998,Xã Thử,97\n"


class TestImportUnits:
    async def test_loads_a_csv_once_and_says_so_the_second_time(
        self, own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "units.csv"
        path.write_text(GOOD, encoding="utf-8")
        argv = ["import-units", str(path), "--valid-from", "2030-01-01"]

        assert await _run(argv) == 0
        assert "2 created" in capsys.readouterr().out
        assert await _run(argv) == 0
        assert "nothing changed" in capsys.readouterr().out
        assert await units_in(own_database) == 3  # the national root and the two units

    async def test_names_the_bad_line_and_writes_nothing(
        self, own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "units.csv"
        path.write_text(BAD, encoding="utf-8")

        code = await _run(["import-units", str(path)])

        err = capsys.readouterr().err
        assert code == 2
        assert f"{path}:3: unknown parent code '97'" in err
        assert "nothing was written" in err
        assert await units_in(own_database) == 1

    async def test_refuses_a_file_with_the_wrong_columns(
        self, own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "units.csv"
        path.write_text("ma,ten\n01,Hà Nội\n", encoding="utf-8")

        assert await _run(["import-units", str(path)]) == 2
        assert "the header must be kind,code,name,parent_code" in capsys.readouterr().err


async def _run(argv: list[str]) -> int:
    # The CLI drives its own event loop; run it off the test's loop.
    return await asyncio.to_thread(cli.main, argv)


def test_async_url_names_the_asyncpg_driver() -> None:
    assert db.async_url("postgresql://u@h/d") == "postgresql+asyncpg://u@h/d"
    assert db.async_url("postgres://u@h/d") == "postgresql+asyncpg://u@h/d"


class TestCreateUser:
    async def test_creates_an_admin_who_can_log_in(
        self, own_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret 2026\n"))

        assert await _run(["migrate"]) == 0
        code = await _run(
            [
                "create-user",
                "--username",
                "root.admin",
                "--unit",
                "VN",
                "--role",
                "admin",
                "--role",
                "viewer",
                "--password-stdin",
            ]
        )

        assert code == 0
        assert "created user root.admin" in capsys.readouterr().out
        connection = await asyncpg.connect(own_database)
        try:
            roles = await connection.fetch(
                "SELECT g.role::text FROM role_grant g JOIN app_user u ON u.id = g.user_id "
                "WHERE u.username = 'root.admin' ORDER BY 1"
            )
        finally:
            await connection.close()
        assert [r[0] for r in roles] == ["ADMIN", "VIEWER"]

    async def test_refuses_a_weak_password_and_an_unknown_unit(
        self, own_database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))

        code = await _run(["create-user", "--username", "x.y", "--unit", "99", "--password-stdin"])

        err = capsys.readouterr().err
        assert code == 2
        assert "at least 12 characters" in err
        assert "no unit has code 99" in err
