"""The Starlette application: routes as a list, middleware, nothing global."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

from api import reference_data, unit_lists
from api.exports import Exports
from api.graphql import Clock, GraphQLView, vietnam_now
from api.live import Live
from api.middleware import BodyLimit, RequestScope, proxy_headers
from api.responses import language_of, rejection
from api.settings import Settings
from api.trusted_documents import TrustedDocuments
from db import Session, SessionFactory, migrate
from db.access_cache import PrincipalCache
from db.reader import Deferred, PoolReads
from schema.access.services import AccessServices
from schema.errors import ClientError
from schema.introspection import Introspection
from schema.live.connection import LiveServices
from schema.root import schema_for

Lifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


async def not_routed(request: Request, error: Exception) -> JSONResponse:
    """Unknown paths and methods answer in JSON too, with a code."""
    status = error.status_code if isinstance(error, HTTPException) else 404
    problem = (
        ClientError("METHOD_NOT_ALLOWED", method=request.method, detail=request.url.path)
        if status == 405
        else ClientError("NOT_FOUND")
    )
    return rejection(status, problem, language_of(request.scope))


async def healthz(request: Request) -> JSONResponse:
    """The process is up (liveness): no dependency is checked."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is at the revision this code expects."""
    session: Session = request.state.session
    expected = migrate.head()
    try:
        revision = await migrate.current(session)
    except Exception as error:  # any failure to reach the database means "not ready"
        return JSONResponse(
            {"status": "unavailable", "reason": f"database unreachable: {type(error).__name__}"},
            status_code=503,
        )
    if revision != expected:
        return JSONResponse(
            {
                "status": "unavailable",
                "reason": "migrations pending",
                "revision": revision,
                "expected": expected,
            },
            status_code=503,
        )
    return JSONResponse({"status": "ready", "revision": revision})


def introspection_of(settings: Settings) -> Introspection:
    """Who may introspect: nobody if turned off, officials in production, anyone otherwise."""
    if not settings.introspection:
        return Introspection.CLOSED
    return Introspection.OFFICIALS if settings.production else Introspection.OPEN


def create_app(
    *,
    settings: Settings,
    sessionmaker: SessionFactory,
    access: AccessServices,
    principals: PrincipalCache,
    lifespan: Lifespan | None = None,
    clock: Clock = vietnam_now,
    documents: TrustedDocuments | None = None,
    reads: Deferred[PoolReads] | None = None,
    live: Live | None = None,
) -> Starlette:
    """Wire the application; tests pass a sessionmaker bound to their transaction, a clock,
    and may pass the trusted documents (to set the clock of their cache).

    ``reads``: the read pool a served process opens at startup (db/reader.py); without it every
    read runs on the request's session (tests: their transaction is rolled back after them).
    ``live``: the live updates, whose hub and logins the process's listener wakes (api/asgi.py);
    without it subscriptions are served but never woken by a commit."""
    live = live or Live.of(settings, access, principals)
    rule_sets = reference_data.rule_sets()
    graphql = GraphQLView(
        schema_for(introspection_of(settings)),
        graphiql=settings.graphiql,
        clock=clock,
        access=access,
        principals=principals,
        rule_sets=rule_sets,
        shipped_reform=unit_lists.shipped_reform,
        documents=documents or TrustedDocuments(settings.trusted_documents),
        live=live,
        live_services=LiveServices(
            hub=live.hub,
            sessions=sessionmaker,
            access=access,
            clock=clock,
            rule_sets=rule_sets,
            shipped_reform=unit_lists.shipped_reform,
            # Half the pool at most: requests keep the rest.
            reads=asyncio.Semaphore(max(1, settings.db_pool_size // 2)),
        ),
        reads=reads,
    )
    return Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            *Exports(graphql, max_streams=settings.max_streamed_exports).routes(),
        ],
        middleware=[
            *proxy_headers(settings.trusted_proxies),
            Middleware(BodyLimit, max_bytes=settings.max_body_bytes),
            Middleware(RequestScope, sessionmaker=sessionmaker, concurrency=settings.db_pool_size),
        ],
        exception_handlers={404: not_routed, 405: not_routed},
        lifespan=lifespan,
    )
