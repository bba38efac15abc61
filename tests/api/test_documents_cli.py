"""`quyhoach documents add` and `list`: a client build registers its documents, all or none.

Against a database of its own (the CLI commits for real), as an operator runs it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from api import cli
from tests.conftest import fresh_database

UNIT = "query Unit($code: String!) {\n  unit(code: $code) { code name }\n}\n"
COUNTRY = 'query Country { unit(code: "VN") { name } }'
ME = "query Me { viewer { user { username } } }"
LOGIN = (
    "mutation Login($u: String!, $p: String!) {"
    " login(input: {username: $u, password: $p}) { __typename } }"
)


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
async def own_database(server_url: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[str]:
    async with fresh_database(server_url, "quyhoach_documents") as url:
        monkeypatch.setenv("DATABASE_URL", url)
        yield url


async def _run(argv: list[str]) -> int:
    # The CLI drives its own event loop; run it off the test's loop.
    return await asyncio.to_thread(cli.main, argv)


async def stored(url: str) -> dict[str, tuple[str, list[str], str | None]]:
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT id, body, operation_names, client FROM trusted_document"
        )
    finally:
        await connection.close()
    return {r["id"]: (r["body"], list(r["operation_names"]), r["client"]) for r in rows}


async def test_registers_files_and_a_manifest_once_and_lists_them(
    own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = tmp_path / "Unit.graphql"
    unit.write_text(UNIT, encoding="utf-8")
    # graphql-codegen's client preset: persisted-documents.json, {hash: text}.
    manifest = tmp_path / "persisted-documents.json"
    manifest.write_text(json.dumps({sha(COUNTRY): COUNTRY, "Login": LOGIN}), encoding="utf-8")
    argv = ["documents", "add", str(unit), str(manifest), "--client", "web-2.3.0"]

    assert await _run(argv) == 0
    first = capsys.readouterr().out.splitlines()
    assert await _run(argv) == 0
    second = capsys.readouterr().out.splitlines()
    assert await _run(["documents", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()

    ids = [f"sha256:{sha(text)}" for text in (UNIT, COUNTRY, LOGIN)]
    assert [line.split()[:2] for line in first] == [[i, "added"] for i in ids]
    assert f"Unit  {unit}" in first[0]
    assert first[2].endswith(f"Login  {manifest}:Login")
    assert [line.split()[:3] for line in second] == [[i, "already", "registered"] for i in ids]
    assert await stored(own_database) == {
        ids[0]: (UNIT, ["Unit"], "web-2.3.0"),
        ids[1]: (COUNTRY, ["Country"], "web-2.3.0"),
        ids[2]: (LOGIN, ["Login"], "web-2.3.0"),
    }
    assert sorted(line.split()[0] for line in listed) == sorted(ids)
    assert all("web-2.3.0" in line for line in listed)


async def test_reads_apollos_persisted_query_manifest(
    own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "persisted-query-manifest.json"
    operations = [
        {"id": sha(COUNTRY), "name": "Country", "type": "query", "body": COUNTRY},
        {"id": sha(ME), "name": "Me", "type": "query", "body": ME},
    ]
    manifest.write_text(
        json.dumps(
            {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
        ),
        encoding="utf-8",
    )

    assert await _run(["documents", "add", str(manifest)]) == 0

    out = capsys.readouterr().out
    assert f"sha256:{sha(COUNTRY)}  added" in out
    assert set(await stored(own_database)) == {f"sha256:{sha(COUNTRY)}", f"sha256:{sha(ME)}"}


async def test_one_invalid_document_registers_nothing(
    own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = tmp_path / "Unit.graphql"
    good.write_text(UNIT, encoding="utf-8")
    wrong_field = tmp_path / "Wrong.graphql"
    wrong_field.write_text('query Wrong { unit(code: "VN") { nickname } }', encoding="utf-8")
    broken = tmp_path / "Broken.graphql"
    broken.write_text("query Broken { unit(code: ", encoding="utf-8")

    code = await _run(["documents", "add", str(good), str(wrong_field), str(broken)])

    err = capsys.readouterr().err
    assert code == 2
    assert f"{wrong_field}: Cannot query field 'nickname' on type 'Unit'." in err
    assert f"{broken}: Syntax Error" in err
    assert "2 problem(s); nothing was registered." in err
    assert await stored(own_database) == {}


async def test_a_manifest_id_that_is_not_the_hash_of_its_text_is_refused(
    own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = tmp_path / "persisted-documents.json"
    # The hash of another text: the client would send an id nobody could look up.
    manifest.write_text(json.dumps({sha(COUNTRY + " "): COUNTRY}), encoding="utf-8")

    code = await _run(["documents", "add", str(manifest)])

    err = capsys.readouterr().err
    assert code == 2
    assert f"is not the SHA-256 of the text (sha256:{sha(COUNTRY)})" in err
    assert await stored(own_database) == {}


async def test_a_missing_file_is_named(
    own_database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await _run(["documents", "add", str(tmp_path / "nowhere.graphql")])

    assert code == 2
    assert "nowhere.graphql: No such file or directory" in capsys.readouterr().err
