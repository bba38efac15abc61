"""The development GraphiQL page runs subscriptions: it logs them in from its Headers pane.

strawberry's own page opens its socket with an empty ``connection_init`` payload, which the
server refuses (4403 UNAUTHENTICATED). Ours (api/graphiql.html) sends the Authorization header
typed in the Headers pane as ``{"authorization": <its value>}``, with the browser's language.
No browser runs here (none is installed, and the page loads GraphiQL from a CDN): the page is
read over HTTP, and a gql client sends what its fetcher sends.
"""

from __future__ import annotations

import re

import pytest
from gql import Client
from gql.transport.exceptions import TransportConnectionFailed

from api.graphql import GRAPHIQL_PAGE
from tests.contract.client import Api
from tests.contract.live import PLAN_EVENTS, Subscriber, close_of, transport
from tests.contract.streams.test_live_guide import QUANG_NINH, edges
from tests.contract.test_doc_examples import BY_KEY

HTML = {"accept": "text/html"}


async def page(api: Api) -> str:
    async with api.http() as http:
        response = await http.get("/graphql", headers=HTML)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    return response.text


async def test_the_page_logs_subscriptions_in_from_the_headers_pane(api: Api) -> None:
    served = await page(api)

    assert served == GRAPHIQL_PAGE.read_text(encoding="utf-8")
    assert "graphqlWs.createClient(" in served
    assert "authorizationOf(options && options.headers)" in served
    assert "{ authorization: authorization }" in served
    assert "connectionParams.acceptLanguage = navigator.language;" in served
    assert "wsClient: wsClient" in served  # GraphiQL's fetcher runs subscriptions through it
    # Its welcome text is a template literal: a backtick in it would break the whole page.
    [script] = re.findall(r"<script>(.*?)</script>", served, re.S)
    assert script.count("`") == 2
    # Every script and stylesheet it loads from elsewhere is pinned by its hash.
    external = re.findall(r"<(?:script|link)\b[^>]*?https://[^>]*>", served, re.S)
    assert any("graphql-ws@" in tag for tag in external)
    assert all('integrity="sha384-' in tag for tag in external), external


async def test_what_the_page_sends_runs_a_subscription(api: Api, base_url: str) -> None:
    token = await api.token("viewer.22")
    # The Headers pane's {"Authorization": "Bearer …"}, as the page's fetcher passes it on.
    sent = {"authorization": f"Bearer {token}", "acceptLanguage": "vi-VN"}
    async with Client(transport=transport(base_url, sent)) as session:
        live = Subscriber(session)
        stream = live.subscribe(PLAN_EVENTS, unit=QUANG_NINH, after=None)
        first = (await stream.next())["planEvents"]
        await stream.cancel()

    [expected] = await edges(api, "viewer.22", BY_KEY["api.md:PlanEvents"], QUANG_NINH, first=1)
    assert first["cursor"] == expected["cursor"]


async def test_with_an_empty_headers_pane_the_page_is_told_to_log_in(base_url: str) -> None:
    client = Client(transport=transport(base_url, {"acceptLanguage": "vi-VN"}))
    with pytest.raises(TransportConnectionFailed) as refused:
        async with client:
            pass

    assert close_of(refused.value) == (4403, "UNAUTHENTICATED")
