"""Trusted documents over HTTP: a client sends the id of a registered document, not its text.

Documents are registered as ``quyhoach documents add`` registers them (db.trusted_documents.add
in the test's transaction), the client's login among them; each app is built on the test's
sessionmaker with the mode asked, and its client logged in as a national viewer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.cli import exposure
from api.settings import Settings, TrustedDocumentsMode
from api.trusted_documents import TrustedDocuments
from db import trusted_documents as documents_db
from db.access_cache import PrincipalCache
from planning.access import Role
from schema.access.services import AccessServices
from tests.conftest import LOGIN, NOW, log_in
from tests.factories import PASSWORD, make_user

# Exactly as a client ships it: the id is the hash of these bytes, trailing newline included.
COUNTRY = 'query Country {\n  unit(code: "VN") {\n    code\n    name\n  }\n}\n'
COUNTRY_ID = "sha256:" + hashlib.sha256(COUNTRY.encode()).hexdigest()
UNIT = "query Unit($code: String!) { unit(code: $code) { code } }"
UNIT_ID = "sha256:" + hashlib.sha256(UNIT.encode()).hexdigest()
UNREGISTERED = '{ unit(code: "22") { code } }'
UNKNOWN_ID = "sha256:" + "0" * 64
COUNTRY_DATA = {"unit": {"code": "VN", "name": "Trung ương"}}

Server = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


class Clock:
    """The monotonic clock of the documents' cache, moved by the test."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def registered(session: AsyncSession) -> None:
    await documents_db.add(
        session,
        [
            documents_db.NewDocument(COUNTRY_ID, COUNTRY, ("Country",)),
            documents_db.NewDocument(UNIT_ID, UNIT, ("Unit",)),
            # The login of the client's build (text sent by tests.conftest.log_in).
            documents_db.NewDocument(_id(LOGIN), LOGIN, ()),
        ],
        client="web-test",
    )
    await session.commit()


def _id(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def server(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession, access: AccessServices
) -> Server:
    @asynccontextmanager
    async def serve(
        mode: TrustedDocumentsMode = "allowed", documents: TrustedDocuments | None = None
    ) -> AsyncIterator[httpx.AsyncClient]:
        app = create_app(
            settings=Settings(trusted_documents=mode),
            sessionmaker=sessionmaker,
            access=access,
            principals=PrincipalCache(),
            clock=lambda: NOW,
            documents=documents,
        )
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://quyhoach.test") as c:
            tokens = await log_in(c, "national.viewer", PASSWORD)
            c.headers["authorization"] = f"Bearer {tokens['accessToken']}"
            yield c

    return serve


@pytest.fixture(autouse=True)
async def viewer(session: AsyncSession, access: AccessServices) -> None:
    await make_user(session, access, "national.viewer", roles=[Role.VIEWER])
    await session.commit()


def codes(response: httpx.Response) -> list[str]:
    return [e["extensions"]["code"] for e in response.json()["errors"]]


async def post(client: httpx.AsyncClient, body: dict[str, Any], **headers: str) -> httpx.Response:
    return await client.post("/graphql", json=body, headers=headers)


@pytest.mark.usefixtures("registered")
async def test_a_registered_document_runs_by_its_id(server: Server) -> None:
    async with server() as client:
        by_id = await post(client, {"documentId": COUNTRY_ID})
        with_variables = await post(
            client, {"documentId": UNIT_ID, "variables": {"code": "22"}, "operationName": "Unit"}
        )

    assert (by_id.status_code, by_id.json()) == (200, {"data": COUNTRY_DATA})
    assert with_variables.json() == {"data": {"unit": {"code": "22"}}}


@pytest.mark.usefixtures("registered")
async def test_a_query_sent_by_id_over_get_runs(server: Server) -> None:
    async with server() as client:
        response = await client.get(
            "/graphql", params={"documentId": UNIT_ID, "variables": '{"code":"22"}'}
        )
        # A registered mutation is still a mutation: never over GET (the appendix says 405).
        mutation = await client.get("/graphql", params={"documentId": _id(LOGIN)})

    assert (response.status_code, response.json()) == (200, {"data": {"unit": {"code": "22"}}})
    assert (mutation.status_code, codes(mutation)) == (405, ["METHOD_NOT_ALLOWED"])


async def test_an_unknown_id_answers_persisted_query_not_found(server: Server) -> None:
    async with server() as client:
        response = await post(client, {"documentId": UNKNOWN_ID}, **{"accept-language": "en"})
        vietnamese = await post(client, {"documentId": UNKNOWN_ID})

    # 200, as Apollo Server answers it: an APQ client then retries with the text.
    assert (response.status_code, codes(response)) == (200, ["PERSISTED_QUERY_NOT_FOUND"])
    assert "data" not in response.json()
    [error] = response.json()["errors"]
    assert UNKNOWN_ID in error["message"]
    assert error["message"].startswith("No document")
    assert vietnamese.json()["errors"][0]["message"].startswith("Máy chủ chưa đăng ký tài liệu")


@pytest.mark.parametrize(
    "given",
    [
        "sha256:" + "A" * 64,  # upper-case hex
        "sha256:" + "0" * 63,
        "0" * 64,  # no prefix
        "md5:" + "0" * 32,
        42,
    ],
)
async def test_a_malformed_id_is_refused_as_such(server: Server, given: object) -> None:
    async with server() as client:
        response = await post(client, {"documentId": given})

    assert (response.status_code, codes(response)) == (400, ["INVALID_DOCUMENT_ID"])
    assert "`documentId`" in response.json()["errors"][0]["message"]


@pytest.mark.usefixtures("registered")
async def test_a_text_and_an_id_are_taken_together_only_if_they_match(server: Server) -> None:
    async with server() as client:
        matching = await post(client, {"documentId": COUNTRY_ID, "query": COUNTRY})
        other = await post(client, {"documentId": COUNTRY_ID, "query": UNREGISTERED})
        reformatted = await post(client, {"documentId": COUNTRY_ID, "query": COUNTRY.strip()})

    assert matching.json() == {"data": COUNTRY_DATA}
    assert (other.status_code, codes(other)) == (400, ["DOCUMENT_ID_MISMATCH"])
    # The id is the hash of the exact text: even whitespace makes another document.
    assert codes(reformatted) == ["DOCUMENT_ID_MISMATCH"]


@pytest.mark.usefixtures("registered")
async def test_apollos_persisted_query_extension_reads_the_same_documents(server: Server) -> None:
    def apq(sha: str) -> dict[str, Any]:
        return {"persistedQuery": {"version": 1, "sha256Hash": sha}}

    known, unknown = COUNTRY_ID.removeprefix("sha256:"), UNKNOWN_ID.removeprefix("sha256:")
    async with server() as client:
        hit = await post(client, {"extensions": apq(known)})
        miss = await post(client, {"extensions": apq(unknown)})
        # After a miss, Apollo Client sends the text with the hash: it runs, and is not kept.
        retried = await post(client, {"query": UNREGISTERED, "extensions": apq(_sha(UNREGISTERED))})
        again = await post(client, {"extensions": apq(_sha(UNREGISTERED))})
        over_get = await client.get(
            "/graphql",
            params={"extensions": json.dumps(apq(known))},
        )
        malformed = await post(client, {"extensions": apq(known.upper())})
        disagreeing = await post(client, {"documentId": UNKNOWN_ID, "extensions": apq(known)})

    assert hit.json() == {"data": COUNTRY_DATA}
    assert (miss.status_code, codes(miss)) == (200, ["PERSISTED_QUERY_NOT_FOUND"])
    assert retried.json() == {"data": {"unit": {"code": "22"}}}
    assert codes(again) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert over_get.json() == {"data": COUNTRY_DATA}
    assert (malformed.status_code, codes(malformed)) == (400, ["INVALID_DOCUMENT_ID"])
    assert (disagreeing.status_code, codes(disagreeing)) == (400, ["DOCUMENT_ID_MISMATCH"])


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.usefixtures("registered")
async def test_only_mode_runs_registered_documents_alone(server: Server) -> None:
    async with server("only") as client:
        by_id = await post(client, {"documentId": COUNTRY_ID})
        by_text = await post(client, {"query": COUNTRY})
        unregistered = await post(client, {"query": UNREGISTERED}, **{"accept-language": "en"})
        over_get = await client.get("/graphql", params={"query": UNREGISTERED})
        apq_retry = await post(
            client,
            {
                "query": UNREGISTERED,
                "extensions": {"persistedQuery": {"version": 1, "sha256Hash": _sha(UNREGISTERED)}},
            },
        )
        unknown = await post(client, {"documentId": UNKNOWN_ID})

    assert by_id.json() == {"data": COUNTRY_DATA}
    assert by_text.json() == {"data": COUNTRY_DATA}
    assert (unregistered.status_code, codes(unregistered)) == (400, ["TRUSTED_DOCUMENTS_ONLY"])
    assert unregistered.json()["errors"][0]["message"].startswith(
        "This server runs registered documents only"
    )
    assert codes(over_get) == codes(apq_retry) == ["TRUSTED_DOCUMENTS_ONLY"]
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_FOUND"]


@pytest.mark.usefixtures("registered")
async def test_only_mode_refuses_introspection_that_is_not_registered(server: Server) -> None:
    async with server("only") as client:
        response = await post(client, {"query": "{ __schema { queryType { name } } }"})

    assert codes(response) == ["TRUSTED_DOCUMENTS_ONLY"]


@pytest.mark.usefixtures("registered")
async def test_off_mode_takes_texts_and_no_ids(server: Server) -> None:
    async with server("off") as client:
        by_id = await post(client, {"documentId": COUNTRY_ID})
        by_text = await post(client, {"query": UNREGISTERED})

    # As Apollo answers: an APQ client stops sending hashes and sends texts.
    assert (by_id.status_code, codes(by_id)) == (200, ["PERSISTED_QUERY_NOT_SUPPORTED"])
    assert by_text.json() == {"data": {"unit": {"code": "22"}}}


async def test_a_document_registered_while_serving_is_found_once_the_miss_expires(
    server: Server, session: AsyncSession
) -> None:
    clock = Clock()
    documents = TrustedDocuments("allowed", miss_seconds=5, clock=clock)
    async with server(documents=documents) as client:
        before = await post(client, {"documentId": COUNTRY_ID})
        await documents_db.add(
            session, [documents_db.NewDocument(COUNTRY_ID, COUNTRY, ("Country",))], client=None
        )
        await session.commit()
        remembered = await post(client, {"documentId": COUNTRY_ID})
        clock.now += 5
        after = await post(client, {"documentId": COUNTRY_ID})

    assert codes(before) == codes(remembered) == ["PERSISTED_QUERY_NOT_FOUND"]
    assert after.json() == {"data": COUNTRY_DATA}


@pytest.mark.usefixtures("registered")
async def test_a_known_document_costs_no_query_after_its_first_use(
    server: Server, session: AsyncSession
) -> None:
    documents = TrustedDocuments("allowed")
    async with server(documents=documents) as client:
        first = await post(client, {"documentId": COUNTRY_ID})
        # Gone from the table (the test's own transaction), still served from memory: an id
        # is its content, so what was read once stays true.
        await session.execute(delete(documents_db.TrustedDocument))
        await session.commit()
        second = await post(client, {"documentId": COUNTRY_ID})
        fresh = TrustedDocuments("allowed")
    async with server(documents=fresh) as client:
        elsewhere = await post(client, {"documentId": COUNTRY_ID})

    assert first.json() == second.json() == {"data": COUNTRY_DATA}
    assert codes(elsewhere) == ["PERSISTED_QUERY_NOT_FOUND"]


def test_serve_says_which_documents_it_runs() -> None:
    production = Settings.from_environ({"QUYHOACH_ENV": "production", "QUYHOACH_SECRET": "s" * 40})
    development = Settings.from_environ({})
    chosen = Settings.from_environ({"QUYHOACH_TRUSTED_DOCUMENTS": "off"})

    assert production.trusted_documents == "only"
    assert development.trusted_documents == "allowed"
    assert (
        "Trusted documents: only registered documents, by id or by text"
        " (QUYHOACH_TRUSTED_DOCUMENTS)." in exposure(production)
    )
    assert any(line.startswith("Trusted documents: off") for line in exposure(chosen))
    with pytest.raises(SystemExit, match="QUYHOACH_TRUSTED_DOCUMENTS"):
        Settings.from_environ({"QUYHOACH_TRUSTED_DOCUMENTS": "strict"})
