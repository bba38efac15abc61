"""End to end over HTTP: every malformed request gets a clear 4xx JSON answer, never a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

Client = httpx.AsyncClient
JSON = {"content-type": "application/json"}


def error_code(response: httpx.Response) -> str:
    body = response.json()
    [error] = body["errors"]
    return str(error["extensions"]["code"])


async def post(client: Client, body: Any, **headers: str) -> httpx.Response:
    return await client.post("/graphql", json=body, headers=headers)


class TestQueries:
    async def test_answers_a_query(self, client: Client) -> None:
        response = await post(client, {"query": '{ unit(code: "01") { name } }'})

        assert response.status_code == 200
        assert response.json() == {"data": {"unit": {"name": "Thành phố Hà Nội"}}}

    async def test_measures_only_the_operation_chosen(self, client: Client) -> None:
        # A costly sibling that will not run does not refuse the cheap one chosen.
        costly = "query B { units(first: 100) { edges { node { children(first: 100) {" + (
            " edges { node { children(first: 100) { totalCount } } } } } } } }"
        )
        body = {"query": "query A { __typename } " + costly, "operationName": "A"}
        response = await post(client, body)

        assert response.status_code == 200, response.text
        assert response.json() == {"data": {"__typename": "Query"}}

    async def test_answers_a_query_over_get(self, client: Client) -> None:
        response = await client.get("/graphql", params={"query": '{ unit(code: "22") { name } }'})

        assert response.status_code == 200
        assert response.json()["data"]["unit"]["name"] == "Tỉnh Quảng Ninh"

    async def test_serves_graphiql_to_a_browser(self, client: Client) -> None:
        response = await client.get("/graphql", headers={"accept": "text/html"})

        assert response.status_code == 200
        assert "graphiql" in response.text.lower()

    async def test_echoes_the_request_id(self, client: Client) -> None:
        response = await post(client, {"query": "{ __typename }"}, **{"x-request-id": "abc-123"})

        assert response.headers["x-request-id"] == "abc-123"


class TestLanguage:
    async def test_speaks_vietnamese_by_default(self, client: Client) -> None:
        response = await post(client, {"query": "{ units(first: 500) { totalCount } }"})

        [error] = response.json()["errors"]
        assert error["message"].startswith("Số bản ghi mỗi trang")
        assert error["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"
        assert error["extensions"]["messages"]["en"].startswith("The page size")

    async def test_speaks_english_when_asked(self, client: Client) -> None:
        response = await post(
            client,
            {"query": "{ units(first: 500) { totalCount } }"},
            **{"accept-language": "en-US,en;q=0.9"},
        )

        assert response.json()["errors"][0]["message"].startswith("The page size")


def nested(depth: int) -> str:
    inner = "name"
    for _ in range(depth):
        inner = f"parent {{ {inner} }}"
    return f'{{ unit(code: "01") {{ {inner} }} }}'


def fragment_bomb(levels: int) -> str:
    # F0 spreads F1 twice, F1 spreads F2 twice, ...: 2**levels aliases once expanded. A check
    # that expanded fragments instead of measuring each once would never finish.
    fragments = [f"fragment F{i} on Unit {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels)]
    fragments.append(f"fragment F{levels} on Unit {{ alias: name }}")
    return '{ unit(code: "01") { ...F0 } } ' + " ".join(fragments)


BAD_REQUESTS: list[tuple[str, dict[str, Any], int, str]] = [
    ("not JSON", {"content": b"{not json", "headers": JSON}, 400, "INVALID_JSON"),
    ("invalid UTF-8", {"content": b'{"query": "\xff\xfe"}', "headers": JSON}, 400, "INVALID_UTF8"),
    ("a bare string", {"content": b'"{ __typename }"', "headers": JSON}, 400, "INVALID_REQUEST"),
    ("null", {"content": b"null", "headers": JSON}, 400, "INVALID_REQUEST"),
    ("a batch", {"json": [{"query": "{ __typename }"}]}, 400, "BATCHING_NOT_SUPPORTED"),
    (
        "JSON nested 40,000 deep",
        {"content": b"[" * 40_000 + b"]" * 40_000, "headers": JSON},
        400,
        "JSON_TOO_DEEP",
    ),
    (
        "variables nested 100 deep",
        {"json": {"query": "{ __typename }", "variables": {"v": eval("[" * 100 + "]" * 100)}}},
        400,
        "JSON_TOO_DEEP",
    ),
    ("no query", {"json": {"variables": {}}}, 400, "MISSING_QUERY"),
    ("an empty query", {"json": {"query": "  "}}, 400, "MISSING_QUERY"),
    ("a query that is a number", {"json": {"query": 7}}, 400, "INVALID_REQUEST"),
    (
        "variables that are a list",
        {"json": {"query": "{ a }", "variables": []}},
        400,
        "INVALID_REQUEST",
    ),
    (
        "form data",
        {"content": b"query=x", "headers": {"content-type": "application/x-www-form-urlencoded"}},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    ("no content type", {"content": b'{"query": "{ a }"}'}, 415, "UNSUPPORTED_MEDIA_TYPE"),
    (
        "an unknown operation name",
        {"json": {"query": "query A { __typename }", "operationName": "B"}},
        400,
        "UNKNOWN_OPERATION",
    ),
    (
        "several operations and none chosen",
        {"json": {"query": "query A { __typename } query B { __typename }"}},
        400,
        "UNKNOWN_OPERATION",
    ),
    ("a syntax error", {"json": {"query": "{ unit("}}, 400, "GRAPHQL_PARSE_FAILED"),
    ("an unknown field", {"json": {"query": "{ nope }"}}, 400, "GRAPHQL_VALIDATION_FAILED"),
    ("a query too deep", {"json": {"query": nested(20)}}, 400, "QUERY_TOO_DEEP"),
    (
        "too many aliases",
        {"json": {"query": "{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }"}},
        400,
        "TOO_MANY_ALIASES",
    ),
    (
        "too many tokens",
        {"json": {"query": "{ " + "__typename " * 5000 + "}"}},
        400,
        "TOO_MANY_TOKENS",
    ),
    ("a fragment bomb", {"json": {"query": fragment_bomb(40)}}, 400, "TOO_MANY_ALIASES"),
    (
        "a costly nesting of pages",
        {
            "json": {
                "query": "{ units(first: 100) { edges { node { children(first: 100) { edges "
                "{ node { children(first: 100) { edges { node { name } } } } } } } } } }"
            }
        },
        400,
        "QUERY_TOO_COSTLY",
    ),
    (
        "a variable of the wrong type",
        {
            "json": {
                "query": "query ($n: Int) { units(first: $n) { totalCount } }",
                "variables": {"n": "x"},
            }
        },
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "an impossible date",
        {
            "json": {
                "query": "query ($d: Date) { units(at: $d) { totalCount } }",
                "variables": {"d": "2025-13-45"},
            }
        },
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    (
        "an unknown enum value",
        {
            "json": {
                "query": "query ($k: UnitKind) { units(kind: $k) { totalCount } }",
                "variables": {"k": "TOWN"},
            }
        },
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    ("an oversized body", {"json": {"query": "#" * 200_000}}, 413, "BODY_TOO_LARGE"),
]


class TestBadInput:
    @pytest.mark.parametrize(
        ("request_kwargs", "status", "code"),
        [
            pytest.param(kwargs, status, code, id=name)
            for name, kwargs, status, code in BAD_REQUESTS
        ],
    )
    async def test_is_refused_with_a_coded_json_error(
        self, client: Client, request_kwargs: dict[str, Any], status: int, code: str
    ) -> None:
        response = await client.post("/graphql", **request_kwargs)

        assert response.status_code == status
        assert response.headers["content-type"].startswith("application/json")
        assert error_code(response) == code

    async def test_refuses_a_mutation_over_get(self, client: Client) -> None:
        response = await client.get("/graphql", params={"query": "mutation { x }"})

        assert response.status_code == 405
        assert error_code(response) == "METHOD_NOT_ALLOWED"

    async def test_refuses_other_methods(self, client: Client) -> None:
        response = await client.put("/graphql", json={"query": "{ __typename }"})

        assert response.status_code == 405
        assert error_code(response) == "METHOD_NOT_ALLOWED"

    async def test_an_unknown_path_is_a_json_404(self, client: Client) -> None:
        response = await client.get("/nowhere")

        assert response.status_code == 404
        assert error_code(response) == "NOT_FOUND"

    async def test_refuses_a_lying_content_length(self, client: Client) -> None:
        async def stream() -> Any:
            for _ in range(20):
                yield b"x" * 10_000

        response = await client.post("/graphql", content=stream(), headers=JSON)

        assert response.status_code == 413


class TestHealth:
    async def test_healthz_says_the_process_is_up(self, client: Client) -> None:
        response = await client.get("/healthz")

        assert response.status_code == 200
        assert response.json() == {"status": "ok"}

    async def test_readyz_checks_the_database_and_migrations(self, client: Client) -> None:
        response = await client.get("/readyz")

        assert response.status_code == 200
        assert response.json()["status"] == "ready"
