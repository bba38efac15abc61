"""The contract suite's server: the real application under uvicorn, reached over HTTP only.

Once for the whole package, the database of the run (migrated, both unit trees and the reference
data loaded by tests/conftest.py) is copied as a template into a database of the suite's own,
and the demo data of ``quyhoach demo`` (its logins and plans) is loaded into the copy with the
demo loader: the other tests keep their empty database and their rolled-back transactions.
The application is then built as ``api/asgi.py`` builds it (settings, an engine, the access
listener in its lifespan) and served by a ``uvicorn.Server`` in a thread of its own, with its
own event loop, on a socket bound to a free port of 127.0.0.1. At the end the server is asked to
exit, its thread joined, and the copy dropped.

A test that needs other limits or another clock starts a server of its own the same way,
with ``serving`` (and ``dataclasses.replace`` of ``served_settings``), next to the package's.

Two test affordances of ``create_app`` are used: the fixed clock of the other tests (so that
"today" is 21/11/2026 whatever the day of the run) and their access services (argon2 at its
cheapest, a test secret). Tests get ids only from answers: see ``client.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from datetime import datetime

import asyncpg
import httpx
import pytest
import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

import db
from api.app import create_app
from api.demo_plans import load_demo_plans
from api.live import UVICORN_WS, Live
from api.operator import load_demo_logins
from api.settings import Settings
from api.unit_lists import reforms
from db import rls
from db.access_cache import AccessListener, PrincipalCache
from db.reorganisation import follow
from schema.access.services import AccessServices
from tests.conftest import NOW
from tests.contract.client import Api
from tests.contract.desk import Demo, Desk

START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
SHUTDOWN_GRACE_S = 2


@pytest.fixture(scope="package")
async def demo_database(
    server_url: str, database_url: str, engine: AsyncEngine, access: AccessServices
) -> AsyncIterator[str]:
    """A copy of the run's database with the demo logins and plans; dropped at the end."""
    template = make_url(database_url).database
    name = f"quyhoach_contract_{uuid.uuid4().hex[:8]}"
    maintenance = make_url(server_url).set(drivername="postgresql")
    # A template must have no connection while it is copied: close the pool's idle ones (the
    # engine opens new ones when the next test asks).
    await engine.dispose()
    admin = await asyncpg.connect(maintenance.render_as_string(hide_password=False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    url = maintenance.set(database=name).render_as_string(hide_password=False)
    loader = db.create_engine(url, pool_size=1)
    try:
        async with db.create_sessionmaker(loader)() as session:
            await load_demo_logins(session, access, now=NOW)
            await load_demo_plans(session, access, now=NOW)
            # Persons the plans loader recorded on units the 2025 reform closed follow it.
            await follow(
                session, effective=reforms()["2025"].effective, actor_user_id=None, now=NOW
            )
            await session.commit()
    finally:
        await loader.dispose()
    try:
        yield url
    finally:
        admin = await asyncpg.connect(maintenance.render_as_string(hide_password=False))
        try:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        finally:
            await admin.close()


class ServerThread:
    """``uvicorn.Server`` serving ``app`` on ``sock`` in a thread with its own event loop."""

    def __init__(self, app: Starlette, sock: socket.socket, settings: Settings) -> None:
        config = uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            ws=UVICORN_WS,
            ws_max_size=settings.max_body_bytes,  # as `quyhoach serve` bounds a message
            # A connection still open when the server stops does not hold its stop (uvicorn
            # otherwise waits for every one to close).
            timeout_graceful_shutdown=SHUTDOWN_GRACE_S,
        )
        self.server = uvicorn.Server(config)
        self.sock = sock
        self.settled = threading.Event()  # startup finished, or the thread ended
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="contract-server", daemon=True)

    async def _serve(self) -> None:
        await self.server.serve(sockets=[self.sock])
        # What the shutdown left running gets a moment to end before the loop cancels it: a
        # session's shielded close, after its subscription was cancelled mid-read, would
        # otherwise leave its database connection open, reported when collected. (Some tasks
        # never end by themselves: hence a bound, not a wait for all.)
        left = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
        if left:
            await asyncio.wait(left, timeout=SHUTDOWN_GRACE_S)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as error:  # reported to the fixture, not lost in the thread
            self.error = error
        finally:
            self.settled.set()

    def started(self) -> None:
        self.settled.set()

    async def start(self) -> None:
        self.thread.start()
        settled = await asyncio.to_thread(self.settled.wait, START_TIMEOUT_S)
        if not settled or not self.thread.is_alive():
            raise RuntimeError(f"the contract server did not start: {self.error!r}")

    async def stop(self) -> None:
        self.server.should_exit = True
        await asyncio.to_thread(self.thread.join, STOP_TIMEOUT_S)
        assert not self.thread.is_alive(), "the contract server did not stop"
        assert self.error is None, self.error


def free_socket() -> socket.socket:
    """A socket on a free port of 127.0.0.1, listening before a server starts."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


def served_settings(demo_database: str) -> Settings:
    """The settings a server of the suite runs with: ``dataclasses.replace`` them to change one.

    It connects as `quyhoach serve` makes it: the application's role, which the grants and
    row-level security of migration 0023 hold (the loader above is the owner)."""
    return Settings(database_url=rls.app_url(demo_database))


@asynccontextmanager
async def serving(
    demo_database: str,
    access: AccessServices,
    *,
    settings: Settings | None = None,
    clock: Callable[[], datetime] = lambda: NOW,
    sock: socket.socket | None = None,
) -> AsyncIterator[str]:
    """A server of the demo database (``settings``, the suite's by default; ``clock``, the
    tests' fixed one) on ``sock`` (a free port of its own by default), up and answering
    ``/healthz`` while the context lasts; its base URL. A test starts one of its own when it
    needs other limits or another clock than the package's server."""
    settings = settings or served_settings(demo_database)
    assert settings.database_url is not None
    engine = db.create_engine(settings.database_url, pool_size=settings.db_pool_size)
    principals = PrincipalCache()
    listener = AccessListener(db.plain_url(settings.database_url), principals)
    live = Live.of(settings, access, principals)
    live.follow(listener)
    served: ServerThread

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await listener.start()
        served.started()
        yield
        await live.close()
        await listener.stop()
        await engine.dispose()

    app = create_app(
        settings=settings,
        sessionmaker=db.create_sessionmaker(engine),
        access=access,
        principals=principals,
        lifespan=lifespan,
        clock=clock,
        live=live,
    )
    with contextlib.ExitStack() as owned:
        if sock is None:
            sock = owned.enter_context(free_socket())
        served = ServerThread(app, sock, settings)
        await served.start()
        host, port = sock.getsockname()
        url = f"http://{host}:{port}"
        try:
            async with httpx.AsyncClient(base_url=url, timeout=START_TIMEOUT_S) as probe:
                assert (await probe.get("/healthz")).status_code == 200
            yield url
        finally:
            await served.stop()


@pytest.fixture(scope="package")
def listening_socket() -> Iterator[socket.socket]:
    """The package server's socket, listening before it starts."""
    with free_socket() as sock:
        yield sock


@pytest.fixture(scope="package")
async def base_url(
    demo_database: str, access: AccessServices, listening_socket: socket.socket
) -> AsyncIterator[str]:
    """The base URL of the package's server, up and answering ``/healthz``."""
    async with serving(demo_database, access, sock=listening_socket) as url:
        yield url


@pytest.fixture
async def api(base_url: str) -> AsyncIterator[Api]:
    """Clients of the running server for one test; all closed at its end."""
    api = Api(base_url)
    try:
        yield api
    finally:
        await api.close()


@pytest.fixture(scope="package")
async def demo(base_url: str) -> Demo:
    """The demo's province, root, free communes and positions, read once from answers."""
    api = Api(base_url)
    try:
        return await Demo.read(api)
    finally:
        await api.close()


@pytest.fixture
async def desk(api: Api, demo: Demo) -> Desk:
    """The officials of a commune of its own, for one journey."""
    return await Desk.open(api, demo)
