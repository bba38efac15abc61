"""What a client of the running server holds: a gql client per login, and plain HTTP.

``Api`` opens clients against the server's base URL and closes them all at the end of a test:
``await api.login("clerk.22")`` logs in with the demo password over GraphQL and returns a client
sending that bearer token; ``api.with_token(secret)`` does the same for an API key. Every answer
is an ``Answer``: the HTTP status, ``data`` and ``errors`` as the server sent them.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
from gql import Client, GraphQLRequest
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

# The demo password README.md gives for every demo login.
DEMO_PASSWORD = "quyhoach-demo-2026"
TIMEOUT_S = 30

LOGIN = """
mutation Login($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) {
    __typename
    ... on AuthPayload { accessToken refreshToken }
  }
}
"""


@dataclass(frozen=True)
class Answer:
    """One GraphQL answer as it came over HTTP."""

    status: int
    data: dict[str, Any] | None
    errors: list[dict[str, Any]]

    @property
    def codes(self) -> list[str]:
        return [str((e.get("extensions") or {}).get("code")) for e in self.errors]


class GraphQLClient:
    """A gql client on ``/graphql`` with fixed headers (bearer token, Accept-Language)."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        self.status = 0
        transport = HTTPXAsyncTransport(
            url=f"{base_url}/graphql",
            headers=headers,
            timeout=TIMEOUT_S,
            event_hooks={"response": [self._seen]},
        )
        self.client = Client(transport=transport, execute_timeout=TIMEOUT_S)
        self.session: AsyncClientSession | None = None
        self.stack = AsyncExitStack()

    async def _seen(self, response: httpx.Response) -> None:
        self.status = response.status_code

    async def open(self) -> GraphQLClient:
        # ``async with client as session`` is gql's way; the stack closes it in ``close``.
        self.session = await self.stack.enter_async_context(self.client)
        return self

    async def close(self) -> None:
        await self.stack.aclose()
        self.session = None

    async def answer(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        operation: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send one operation; an answer with errors is returned, not raised."""
        assert self.session is not None, "open() the client first"
        request = GraphQLRequest(document, variable_values=variables, operation_name=operation)
        extra = {"headers": headers} if headers else None
        try:
            data = await self.session.execute(request, extra_args=extra)
        except TransportQueryError as error:
            return Answer(self.status, error.data, list(error.errors or []))
        return Answer(self.status, data, [])

    async def data(self, document: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """``data`` of an answer that must have no errors."""
        answer = await self.answer(document, variables)
        assert not answer.errors, answer.errors
        assert answer.status == 200, answer
        assert answer.data is not None
        return answer.data

    async def mutate(self, name: str, input_type: str, fields: str, **input: Any) -> dict[str, Any]:
        """Call mutation ``name`` with ``input`` and return its payload (a union member)."""
        document = f"mutation ($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}"
        return dict((await self.data(document, {"input": input}))[name])


@dataclass
class Api:
    """The server seen from outside: GraphQL clients and a plain HTTP client."""

    base_url: str
    opened: list[GraphQLClient] = field(default_factory=list)
    tokens: dict[str, str] = field(default_factory=dict)

    async def with_token(self, token: str | None, *, language: str | None = None) -> GraphQLClient:
        headers = {}
        if token is not None:
            headers["authorization"] = f"Bearer {token}"
        if language is not None:
            headers["accept-language"] = language
        client = await GraphQLClient(self.base_url, headers).open()
        self.opened.append(client)
        return client

    async def anonymous(self, *, language: str | None = None) -> GraphQLClient:
        return await self.with_token(None, language=language)

    async def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        """An access token of ``username``, from the ``login`` mutation."""
        anonymous = await self.anonymous()
        login = (await anonymous.data(LOGIN, {"username": username, "password": password}))["login"]
        assert login["__typename"] == "AuthPayload", login
        return str(login["accessToken"])

    async def login(
        self, username: str, *, password: str = DEMO_PASSWORD, language: str | None = None
    ) -> GraphQLClient:
        if username not in self.tokens:  # one login per user and test is enough
            self.tokens[username] = await self.token(username, password)
        return await self.with_token(self.tokens[username], language=language)

    def http(self, token: str | None = None) -> httpx.AsyncClient:
        """A plain HTTP client (exports, health checks), with ``token`` as bearer if given."""
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return httpx.AsyncClient(base_url=self.base_url, headers=headers, timeout=TIMEOUT_S)

    async def close(self) -> None:
        for client in self.opened:
            await client.close()
        self.opened.clear()
