"""The trusted-document flow of docs/api.md, end to end: a build registers, a client sends ids.

The document of the guide is saved as a file, registered with the real CLI (a process of its
own, as the owner of the running server's database, as a build step runs it), and the guide's
``curl`` is run as written against the running server, which had answered that id
``PERSISTED_QUERY_NOT_FOUND`` a moment before: a document registered while the server runs
becomes usable without a restart.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

from tests.contract.client import Api

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs/api.md").read_text(encoding="utf-8")
SECTION = GUIDE[GUIDE.index("## Trusted documents") :]
SECTION = SECTION[: SECTION.index("\n## ", 1)]
DOCUMENT = re.search(r"```graphql\n(.*?)```", SECTION, re.S)
REGISTERED = re.search(r"```sh\n\$ (quyhoach documents add .*?)\n(.*?)\n```", SECTION, re.S)
CURL = re.search(r"```sh\n(curl .*?)```", SECTION, re.S)
ANSWER = re.search(r"```sh\ncurl .*?```\n\n```json\n(.*?)```", SECTION, re.S)
DOCUMENTED_URL = "http://127.0.0.1:8000"
# A miss is remembered for api.trusted_documents.MISS_SECONDS; wait a little longer at most.
FOUND_WITHIN_S = 10


def register(database_url: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """The guide's ``quyhoach documents add`` line, run in ``folder`` against the database."""
    assert REGISTERED is not None
    argv = REGISTERED.group(1).split()[1:]
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *argv],
        cwd=folder,
        env={**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def curl(base_url: str, token: str) -> dict[str, object]:
    assert CURL is not None
    command = CURL.group(1).replace("\\\n", " ").replace(DOCUMENTED_URL, base_url)
    done = await asyncio.to_thread(
        subprocess.run,
        ["sh", "-c", command],
        env={**os.environ, "TOKEN": token},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return dict(json.loads(done.stdout))


async def test_a_build_registers_its_document_and_the_client_sends_only_the_id(
    api: Api, base_url: str, demo_database: str, tmp_path: Path
) -> None:
    assert DOCUMENT is not None, "the guide shows no document"
    assert REGISTERED is not None, "the guide shows no `quyhoach documents add`"
    assert CURL is not None, "the guide shows no curl"
    assert ANSWER is not None, "the guide shows no answer"
    document_id = re.search(r"sha256:[0-9a-f]{64}", CURL.group(1))
    assert document_id is not None
    token = await api.token("viewer.22")
    async with api.http(token) as http:
        before = await http.post("/graphql", json={"documentId": document_id.group(0)})

    (tmp_path / "UnitName.graphql").write_text(DOCUMENT.group(1), encoding="utf-8")
    registered = await asyncio.to_thread(register, demo_database, tmp_path)
    answer = await _answer_within(base_url, token, FOUND_WITHIN_S)
    async with api.http(token) as http:
        over_get = await http.get(
            "/graphql",
            params={"documentId": document_id.group(0), "variables": '{"code":"22"}'},
        )

    assert (before.status_code, before.json()["errors"][0]["extensions"]["code"]) == (
        200,
        "PERSISTED_QUERY_NOT_FOUND",
    )
    assert registered.returncode == 0, registered.stderr
    # The line the guide shows is the line the CLI prints: the id the client sends.
    assert registered.stdout.strip() == REGISTERED.group(2)
    assert answer == json.loads(ANSWER.group(1))
    assert over_get.json() == answer


async def _answer_within(base_url: str, token: str, seconds: float) -> dict[str, object]:
    """The guide's curl answer, once the server finds the document (a miss is remembered)."""
    deadline = time.monotonic() + seconds
    while True:
        answer = await curl(base_url, token)
        if "data" in answer or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.5)


async def test_an_id_nobody_registered_is_not_found(api: Api) -> None:
    token = await api.token("viewer.22")
    async with api.http(token) as http:
        response = await http.post(
            "/graphql",
            json={"documentId": "sha256:" + "f" * 64},
            headers={"accept-language": "en"},
        )

    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert error["message"].startswith("No document sha256:ffff")
