"""Settings: one frozen value read from the environment, passed to whoever needs it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

# Good enough for a laptop demo and tests, refused in production (see ``from_environ``).
DEVELOPMENT_SECRET = "quyhoach-development-secret-do-not-use-in-production"


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
    access_token_minutes: int = 15
    refresh_token_days: int = 14
    max_failed_logins: int = 5
    lockout_minutes: int = 15

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
    def lockout(self) -> timedelta:
        return timedelta(minutes=self.lockout_minutes)

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

        production = environ.get("QUYHOACH_ENV", "development") == "production"
        secret = environ.get("QUYHOACH_SECRET") or DEVELOPMENT_SECRET
        if production and (secret == DEVELOPMENT_SECRET or len(secret) < 32):
            raise SystemExit(
                "QUYHOACH_ENV=production needs QUYHOACH_SECRET: 32 or more random characters"
            )
        serve_as_owner = environ.get("QUYHOACH_SERVE_AS_OWNER", "") in ("1", "true", "yes")
        if production and serve_as_owner:
            raise SystemExit("QUYHOACH_SERVE_AS_OWNER is for measurements, never production")
        return cls(
            database_url=environ.get("DATABASE_URL") or None,
            owner_database_url=environ.get("QUYHOACH_OWNER_DATABASE_URL") or None,
            serve_as_owner=serve_as_owner,
            data_dir=Path(environ.get("QUYHOACH_DATA_DIR") or "var"),
            host=environ.get("QUYHOACH_HOST") or "127.0.0.1",
            port=number("QUYHOACH_PORT", 8000),
            workers=number("QUYHOACH_WORKERS", 1),
            max_body_bytes=number("QUYHOACH_MAX_BODY_BYTES", 1_000_000),
            db_pool_size=number("QUYHOACH_DB_POOL_SIZE", 20),
            max_streamed_exports=number("QUYHOACH_MAX_STREAMED_EXPORTS", 4),
            graphiql=environ.get("QUYHOACH_GRAPHIQL", "1") not in ("0", "false", "no"),
            secret=secret,
            production=production,
            access_token_minutes=number("QUYHOACH_ACCESS_TOKEN_MINUTES", 15),
            refresh_token_days=number("QUYHOACH_REFRESH_TOKEN_DAYS", 14),
            max_failed_logins=number("QUYHOACH_MAX_FAILED_LOGINS", 5),
            lockout_minutes=number("QUYHOACH_LOCKOUT_MINUTES", 15),
        )
