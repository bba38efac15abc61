"""What the docs say of HTTP itself: the status of each error code, the health checks, and
the shell examples (curl) of README.md and docs/integrators.md, sent as written."""

from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.contract.client import Answer, Api
from tests.contract.desk import Demo, api_key

ROOT = Path(__file__).resolve().parents[2]
# A row of the error table of docs/api.md: | `CODE`, `CODE` | 200 or 400 | meaning |
TABLE_ROW = re.compile(r"^\|((?:\s*`[A-Z_0-9]+`,?)+)\s*\|\s*([0-9 or]+?)\s*\|", re.M)
# The body of a curl call: -d '…' (single quotes, as the docs write them).
CURL_BODY = re.compile(r"-d '(.*?)'", re.S)
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)


def documented_statuses() -> dict[str, set[int]]:
    """The HTTP statuses docs/api.md gives for each error code."""
    text = (ROOT / "docs/api.md").read_text(encoding="utf-8")
    table: dict[str, set[int]] = {}
    for codes, statuses in TABLE_ROW.findall(text):
        for code in re.findall(r"`([A-Z_0-9]+)`", codes):
            table[code] = {int(s) for s in re.findall(r"\d{3}", statuses)}
    return table


def check(answer: Answer, code: str, status: int, table: dict[str, set[int]]) -> None:
    assert answer.codes == [code], answer
    assert answer.status == status, answer
    assert status in table[code], f"docs/api.md gives {code} as {table[code]}, it answers {status}"


async def test_each_error_code_answers_the_status_the_error_table_states(
    api: Api, demo: Demo
) -> None:
    table = documented_statuses()
    anonymous = await api.anonymous(language="en")
    secret, _ = await api_key(api, demo.province)
    key = await api.with_token(secret)
    [event] = (
        await key.data(
            "query ($unit: ID!) { planEvents(unit: $unit, first: 1) { edges { node { plan } } } }",
            {"unit": demo.province},
        )
    )["planEvents"]["edges"]
    validate = "query ($plan: ID!) { validatePlan(plan: $plan) { blocksSubmission } }"
    statistics = (
        'query ($unit: ID!) { statistics(input: {unit: $unit, cycle: "2030-2035"}) { exact } }'
    )

    # A refused non-null root field nulls the whole answer: 400. A refused nullable one
    # leaves `data` with what could be answered: 200.
    viewer = await anonymous.answer("{ viewer { user { username } } }")
    check(viewer, "UNAUTHENTICATED", 400, table)
    assert viewer.errors[0]["message"].startswith("Log in first")  # Accept-Language: en
    unit = await anonymous.answer('{ unit(code: "22") { name } }')
    check(unit, "UNAUTHENTICATED", 200, table)
    assert unit.data == {"unit": None}
    check(await key.answer("{ persons { edges { node { id } } } }"), "OFFICIALS_ONLY", 400, table)
    personal = await key.answer(validate, {"plan": event["node"]["plan"]})
    check(personal, "OFFICIALS_ONLY", 200, table)
    assert personal.data == {"validatePlan": None}
    check(await key.answer(statistics, {"unit": demo.root}), "NOT_ALLOWED", 400, table)
    check(
        await key.answer("{ units(first: 500) { totalCount } }"), "PAGE_SIZE_EXCEEDED", 400, table
    )
    tampered = await api.with_token(secret + "x")
    check(await tampered.answer("{ viewer { grants { role } } }"), "INVALID_TOKEN", 401, table)
    check(await key.answer("{ unit(code: 22) { name } }"), "GRAPHQL_VALIDATION_FAILED", 400, table)


async def test_health_and_readiness_answer_as_the_operators_guide_says(api: Api) -> None:
    guide = (ROOT / "docs/operators.md").read_text(encoding="utf-8")
    [documented] = re.findall(
        r'`GET /readyz` — 200 `\{"status": "ready", "revision": "(\w+)"\}`', guide
    )
    newest = max(p.name.partition("_")[0] for p in (ROOT / "db/migrations/versions").glob("0*.py"))

    async with api.http() as http:
        live = await http.get("/healthz", headers={"x-request-id": "contract-1"})
        ready = await http.get("/readyz")

    assert (live.status_code, live.json()) == (200, {"status": "ok"})
    assert live.headers["x-request-id"] == "contract-1"
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "revision": newest}
    assert documented == newest, "docs/operators.md shows another revision than /readyz"


def curl_bodies(path: str) -> list[str]:
    """The JSON bodies of the curl calls of a document's ```sh blocks, in order."""
    text = (ROOT / path).read_text(encoding="utf-8")
    return [body for block in SH_BLOCK.findall(text) for body in CURL_BODY.findall(block)]


async def test_the_readme_logs_in_and_reads_the_viewer_with_curl_as_written(api: Api) -> None:
    login, viewer = curl_bodies("README.md")

    async with api.http() as http:
        logged_in = await http.post(
            "/graphql", content=login, headers={"content-type": "application/json"}
        )
        token = logged_in.json()["data"]["login"]["accessToken"]
        me = await http.post(
            "/graphql",
            content=viewer,
            headers={"content-type": "application/json", "authorization": f"Bearer {token}"},
        )

    assert me.status_code == 200
    answer = me.json()["data"]["viewer"]
    assert answer["user"] == {"username": "viewer.22"}
    assert [(g["role"], g["unit"]["name"]) for g in answer["grants"]] == [
        ("VIEWER", "Tỉnh Quảng Ninh")
    ]
    assert {"resource": "plan", "action": "read", "scope": "SUBTREE"} in answer["grants"][0][
        "allows"
    ]


async def test_the_integrator_guide_checks_a_key_and_downloads_with_curl_as_written(
    api: Api, demo: Demo
) -> None:
    [key_check] = curl_bodies("docs/integrators.md")
    guide = (ROOT / "docs/integrators.md").read_text(encoding="utf-8")
    [download] = re.findall(r'"(http://127\.0\.0\.1:8000/exports/[^"]+)"', guide)
    secret, _ = await api_key(api, demo.province)
    url = httpx.URL(download)
    params = dict(url.params.multi_items())
    assert params["unit"] == "VW5pdDoxMDgyMQ==", "the guide's id of Quảng Ninh"
    params["unit"] = demo.province  # the id, from an answer

    async with api.http(secret) as http:
        checked = await http.post(
            "/graphql", content=key_check, headers={"content-type": "application/json"}
        )
        downloaded = await http.get(url.path, params=params)

    assert checked.status_code == 200
    viewer = checked.json()["data"]["viewer"]
    assert viewer["apiKey"]["unit"]["code"] == "22", "the key check shows the key's unit"
    assert downloaded.status_code == 200
    assert downloaded.headers["content-type"].startswith("text/csv")
