"""Settings: one frozen value read from the environment, passed to whoever needs it."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Literal

from planning.access import ThrottleRules

# Good enough for a laptop demo and tests, refused in production (see ``from_environ``).
DEVELOPMENT_SECRET = "quyhoach-development-secret-do-not-use-in-production"

# Which GraphQL documents a client may send (api/trusted_documents.py, docs/operators.md):
# ``off`` the texts it sends, ids refused; ``allowed`` a text or the id of a registered one;
# ``only`` registered documents alone, by id or by text (the allow-list of production).
TrustedDocumentsMode = Literal["off", "allowed", "only"]
TRUSTED_DOCUMENTS_MODES: tuple[TrustedDocumentsMode, ...] = ("off", "allowed", "only")


@dataclass(frozen=True, slots=True)
class Settings:
    # None: start the embedded PostgreSQL with its data under ``data_dir``.
    database_url: str | None = None
    # The tables' owner, for migrations and the operator commands (QUYHOACH_OWNER_DATABASE_URL);
    # None: ``database_url`` (then the application serves as whoever that is: see
    # db/rls.py and docs/operators.md). The embedded server picks both itself.
    owner_database_url: str | None = None
    # Serve the embedded database as its owner, outside the second wall: only to measure what
    # row-level security costs (bench.run --as-owner); refused in production.
    serve_as_owner: bool = False
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = 1_000_000
    db_pool_size: int = 20
    # Plan-list downloads hold a pooled connection for as long as the client reads (tens of
    # seconds nationally): cap them so that they never take the pool from GraphQL.
    max_streamed_exports: int = 4
    graphiql: bool = True
    secret: str = DEVELOPMENT_SECRET
    production: bool = False
    # Whether the schema may be introspected: by anyone in development, by logged-in officials
    # only in production. ``from_environ`` turns it and GraphiQL off in production by default.
    introspection: bool = True
    # ``only`` in production unless set: the server runs what the client builds registered.
    trusted_documents: TrustedDocumentsMode = "allowed"
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    # Login throttling (planning.access.ThrottleRules): the back-off of one client address on
    # one account doubles from the first delay up to the longest; past the ceiling of failures
    # on one account within the window, its attempts are spaced by the slow-down.
    login_backoff_seconds: int = 1
    login_backoff_max_minutes: int = 15
    login_account_ceiling: int = 20
    login_ceiling_window_minutes: int = 15
    login_slowdown_seconds: int = 10
    # The proxies (addresses or CIDR networks) whose X-Forwarded-For names the client; with
    # none, the client is the connection's peer and the header is ignored.
    trusted_proxies: tuple[str, ...] = ()
    # Live updates (api/live.py, docs/operators.md): operations per WebSocket, subscriptions
    # per process, messages waiting unsent and for how long before a slow client is closed,
    # the keep-alive.
    ws_max_per_connection: int = 20
    ws_max_subscriptions: int = 10_000
    ws_send_queue: int = 64
    ws_send_timeout_seconds: int = 10
    ws_ping_seconds: int = 15
    ws_pong_timeout_seconds: int = 10
    ws_init_timeout_seconds: int = 10

    @property
    def migration_url(self) -> str | None:
        """The URL migrations and the operator commands connect with (the tables' owner)."""
        return self.owner_database_url or self.database_url

    @property
    def access_ttl(self) -> timedelta:
        return timedelta(minutes=self.access_token_minutes)

    @property
    def refresh_ttl(self) -> timedelta:
        return timedelta(days=self.refresh_token_days)

    @property
    def throttle(self) -> ThrottleRules:
        return ThrottleRules(
            first_delay=timedelta(seconds=self.login_backoff_seconds),
            max_delay=timedelta(minutes=self.login_backoff_max_minutes),
            ceiling=self.login_account_ceiling,
            ceiling_window=timedelta(minutes=self.login_ceiling_window_minutes),
            ceiling_delay=timedelta(seconds=self.login_slowdown_seconds),
        )

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the settings; a malformed value fails here, at start, not mid-request."""

        def number(name: str, default: int) -> int:
            raw = environ.get(name)
            if raw is None or raw == "":
                return default
            try:
                return int(raw)
            except ValueError:
                raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None

        def flag(name: str, default: bool) -> bool:
            raw = environ.get(name)
            if raw is None or raw == "":
                return default
            return raw.lower() not in ("0", "false", "no", "off")

        def networks(name: str) -> tuple[str, ...]:
            listed = [item.strip() for item in environ.get(name, "").split(",") if item.strip()]
            for item in listed:
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise SystemExit(
                        f"{name}: {item!r} is not an IP address or CIDR network"
                    ) from None
            return tuple(listed)

        production = environ.get("QUYHOACH_ENV", "development") == "production"
        secret = environ.get("QUYHOACH_SECRET") or DEVELOPMENT_SECRET
        if production and (secret == DEVELOPMENT_SECRET or len(secret) < 32):
            raise SystemExit(
                "QUYHOACH_ENV=production needs QUYHOACH_SECRET: 32 or more random characters"
            )
        serve_as_owner = environ.get("QUYHOACH_SERVE_AS_OWNER", "") in ("1", "true", "yes")
        if production and serve_as_owner:
            raise SystemExit("QUYHOACH_SERVE_AS_OWNER is for measurements, never production")
        trusted: str = environ.get("QUYHOACH_TRUSTED_DOCUMENTS") or (
            "only" if production else "allowed"
        )
        if trusted not in TRUSTED_DOCUMENTS_MODES:
            raise SystemExit(
                f"QUYHOACH_TRUSTED_DOCUMENTS must be one of {', '.join(TRUSTED_DOCUMENTS_MODES)},"
                f" not {trusted!r}"
            )
        return cls(
            database_url=environ.get("DATABASE_URL") or None,
            owner_database_url=environ.get("QUYHOACH_OWNER_DATABASE_URL") or None,
            serve_as_owner=serve_as_owner,
            data_dir=Path(environ.get("QUYHOACH_DATA_DIR") or "var"),
            host=environ.get("QUYHOACH_HOST") or "127.0.0.1",
            port=number("QUYHOACH_PORT", 8000),
            # One process per CPU in production: a Python process serves on one core.
            workers=number("QUYHOACH_WORKERS", (os.cpu_count() or 1) if production else 1),
            max_body_bytes=number("QUYHOACH_MAX_BODY_BYTES", 1_000_000),
            db_pool_size=number("QUYHOACH_DB_POOL_SIZE", 20),
            max_streamed_exports=number("QUYHOACH_MAX_STREAMED_EXPORTS", 4),
            # A production server is closed unless these are turned on explicitly.
            graphiql=flag("QUYHOACH_GRAPHIQL", not production),
            introspection=flag("QUYHOACH_INTROSPECTION", not production),
            trusted_documents=trusted,
            secret=secret,
            production=production,
            access_token_minutes=number("QUYHOACH_ACCESS_TOKEN_MINUTES", 15),
            refresh_token_days=number("QUYHOACH_REFRESH_TOKEN_DAYS", 14),
            login_backoff_seconds=number("QUYHOACH_LOGIN_BACKOFF_SECONDS", 1),
            login_backoff_max_minutes=number("QUYHOACH_LOGIN_BACKOFF_MAX_MINUTES", 15),
            login_account_ceiling=number("QUYHOACH_LOGIN_ACCOUNT_CEILING", 20),
            login_ceiling_window_minutes=number("QUYHOACH_LOGIN_CEILING_WINDOW_MINUTES", 15),
            login_slowdown_seconds=number("QUYHOACH_LOGIN_SLOWDOWN_SECONDS", 10),
            trusted_proxies=networks("QUYHOACH_TRUSTED_PROXIES"),
            ws_max_per_connection=number("QUYHOACH_WS_MAX_PER_CONNECTION", 20),
            ws_max_subscriptions=number("QUYHOACH_WS_MAX_SUBSCRIPTIONS", 10_000),
            ws_send_queue=number("QUYHOACH_WS_SEND_QUEUE", 64),
            ws_send_timeout_seconds=number("QUYHOACH_WS_SEND_TIMEOUT_SECONDS", 10),
            ws_ping_seconds=number("QUYHOACH_WS_PING_SECONDS", 15),
            ws_pong_timeout_seconds=number("QUYHOACH_WS_PONG_TIMEOUT_SECONDS", 10),
            ws_init_timeout_seconds=number("QUYHOACH_WS_INIT_TIMEOUT_SECONDS", 10),
        )
