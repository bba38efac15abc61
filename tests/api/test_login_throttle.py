"""Login throttling cannot be turned against others (issue 13, problem 8).

Failures are counted per (username, client address), each doubling the wait of that address,
and past a ceiling per username attempts are slowed, never refused for good — so an attacker
guessing `admin`'s password from one place does not keep `admin` out from another. Each test
talks HTTP to one app through clients at different addresses (the ASGI scope's client, or a
forwarded header when the proxy is trusted), on a clock the test moves.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from api.app import create_app
from api.settings import Settings
from db.access_cache import PrincipalCache
from planning.access import Role
from schema.access.services import AccessServices
from tests.conftest import NOW
from tests.factories import PASSWORD, make_user

LOGIN = """
mutation ($u: String!, $p: String!) {
  login(input: {username: $u, password: $p}) {
    __typename
    ... on TooManyAttempts { code retryAfter message }
  }
}
"""
# Only the answer's type: the same document runs on the code before throttling existed.
LOGIN_TYPE = """
mutation ($u: String!, $p: String!) { login(input: {username: $u, password: $p}) { __typename } }
"""
WRONG = "not the password, a guess"
X, Y, Z = "203.0.113.7", "198.51.100.20", "192.0.2.33"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> Any:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


Connect = Callable[..., Any]


@pytest.fixture
async def world(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession, access: AccessServices
) -> AsyncIterator[tuple[Clock, Any]]:
    """A clock and ``connect(address, **settings)``: a client of an app with those settings,
    connecting from ``address``."""
    await make_user(session, access, "admin", roles=[Role.ADMIN])
    await session.commit()
    clock = Clock()
    async with AsyncExitStack() as stack:

        async def connect(address: str, **settings: Any) -> httpx.AsyncClient:
            configured = Settings(**settings)
            app = create_app(
                settings=configured,
                sessionmaker=sessionmaker,
                access=replace(access, throttle=configured.throttle) if settings else access,
                principals=PrincipalCache(),
                clock=clock,
            )
            transport = httpx.ASGITransport(app=app, client=(address, 40000))
            return await stack.enter_async_context(
                httpx.AsyncClient(transport=transport, base_url="http://q")
            )

        yield clock, connect


async def login(
    client: httpx.AsyncClient,
    password: str,
    username: str = "admin",
    headers: dict[str, str] | None = None,
    query: str = LOGIN,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": {"u": username, "p": password}},
        headers={"accept-language": "en", **(headers or {})},
    )
    assert response.status_code == 200, response.text
    return dict(response.json()["data"]["login"])


def waits(answer: dict[str, Any]) -> int | None:
    """The retry-after of a TooManyAttempts answer; None for any other answer."""
    if answer["__typename"] != "TooManyAttempts":
        return None
    assert answer["code"] == "TOO_MANY_ATTEMPTS"
    assert f"wait {answer['retryAfter']} s" in answer["message"]
    return int(answer["retryAfter"])


async def test_failures_from_one_address_do_not_keep_the_owner_out_of_another(
    world: tuple[Clock, Connect],
) -> None:
    clock, connect = world
    attacker, owner = await connect(X), await connect(Y)
    for failure in range(1, 7):  # six wrong passwords, each after the wait of the one before
        answer = await login(attacker, WRONG, query=LOGIN_TYPE)
        assert answer["__typename"] in ("InvalidCredentials", "AccountLocked")  # before: locked
        clock.advance(2 ** (failure - 1))

    assert (await login(owner, PASSWORD, query=LOGIN_TYPE))["__typename"] == "AuthPayload"


async def test_each_failure_from_an_address_doubles_its_wait(
    world: tuple[Clock, Connect],
) -> None:
    clock, connect = world
    attacker = await connect(X)
    seen = []
    for _ in range(5):
        assert (await login(attacker, WRONG))["__typename"] == "InvalidCredentials"
        wait = waits(await login(attacker, PASSWORD))  # even the right password waits
        assert wait is not None
        seen.append(wait)
        clock.advance(wait - 1)
        assert waits(await login(attacker, WRONG)) == 1  # one second before: still waiting
        clock.advance(1)

    assert seen == [1, 2, 4, 8, 16]
    assert (await login(attacker, PASSWORD))["__typename"] == "AuthPayload"  # the wait is over


async def test_an_unknown_username_is_answered_exactly_like_a_known_one(
    world: tuple[Clock, Connect],
) -> None:
    clock, connect = world
    client = await connect(X)

    async def answers(username: str) -> list[dict[str, Any]]:
        found = []
        for _ in range(3):
            found += [await login(client, WRONG, username), await login(client, WRONG, username)]
            clock.advance(5)
        return found

    assert await answers("admin") == await answers("nobody.here")


async def test_the_account_ceiling_slows_strangers_and_never_locks(
    world: tuple[Clock, Connect],
) -> None:
    clock, connect = world
    rules = {"login_account_ceiling": 3, "login_slowdown_seconds": 10}
    owner = await connect(Y, **rules)
    assert (await login(owner, PASSWORD))["__typename"] == "AuthPayload"  # Y is known now
    for number in range(3):  # a botnet: three addresses, one guess each
        bot = await connect(f"10.0.0.{number + 1}", **rules)
        assert (await login(bot, WRONG))["__typename"] == "InvalidCredentials"
    stranger = await connect(Z, **rules)

    assert waits(await login(stranger, PASSWORD)) == 10  # slowed, even with the right password
    assert (await login(owner, PASSWORD))["__typename"] == "AuthPayload"  # its owner is not
    clock.advance(10)
    assert (await login(stranger, PASSWORD))["__typename"] == "AuthPayload"  # not locked


async def test_a_forwarded_address_counts_only_from_a_trusted_proxy(
    world: tuple[Clock, Connect],
) -> None:
    _, connect = world
    direct = await connect("127.0.0.1")
    behind_proxy = await connect("127.0.0.1", trusted_proxies=("127.0.0.0/8",))

    def forwarded(address: str) -> dict[str, str]:
        return {"x-forwarded-for": address}

    # Not trusted: a client naming another address in the header is still the one connecting.
    assert (await login(direct, WRONG, "one.user", forwarded(X)))["__typename"] == (
        "InvalidCredentials"
    )
    assert waits(await login(direct, WRONG, "one.user", forwarded(Y))) == 1

    # Trusted: the proxy's header names the client, and each client waits for itself alone.
    assert (await login(behind_proxy, WRONG, "two.user", forwarded(X)))["__typename"] == (
        "InvalidCredentials"
    )
    assert (await login(behind_proxy, WRONG, "two.user", forwarded(Y)))["__typename"] == (
        "InvalidCredentials"
    )
    assert waits(await login(behind_proxy, WRONG, "two.user", forwarded(f"{Z}, {X}"))) == 1


def test_trusted_proxies_are_read_at_start_and_a_malformed_one_stops_the_server() -> None:
    listed = Settings.from_environ({"QUYHOACH_TRUSTED_PROXIES": " 10.0.0.5, 10.0.1.0/24 ,::1"})

    assert listed.trusted_proxies == ("10.0.0.5", "10.0.1.0/24", "::1")
    assert Settings.from_environ({}).trusted_proxies == ()
    with pytest.raises(SystemExit, match="QUYHOACH_TRUSTED_PROXIES"):
        Settings.from_environ({"QUYHOACH_TRUSTED_PROXIES": "10.0.0.5,proxy.example"})


async def test_ipv6_clients_are_counted_per_64_network(world: tuple[Clock, Connect]) -> None:
    _, connect = world
    first, neighbour = await connect("2001:db8:0:7::1"), await connect("2001:db8:0:7::beef")
    elsewhere = await connect("2001:db8:0:8::1")

    assert (await login(first, WRONG))["__typename"] == "InvalidCredentials"
    assert waits(await login(neighbour, WRONG)) == 1  # one subscriber's /64: one address
    assert (await login(elsewhere, WRONG))["__typename"] == "InvalidCredentials"
