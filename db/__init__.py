"""Persistence: the only package that imports sqlalchemy and asyncpg. No module-level engine."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine as _create_async_engine,
)

# The types the other layers name: they never import sqlalchemy themselves (import-linter).
Session = AsyncSession
SessionFactory = async_sessionmaker[AsyncSession]
Engine = AsyncEngine


def async_url(url: str) -> str:
    """Return ``url`` with the asyncpg driver, whatever driver (or none) it named."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError(f"not a database URL: {url!r}")
    return f"postgresql+asyncpg://{rest}" if scheme.startswith("postgres") else url


def plain_url(url: str) -> str:
    """Return ``url`` for asyncpg itself (no SQLAlchemy driver suffix)."""
    scheme, sep, rest = url.partition("://")
    return f"postgresql://{rest}" if sep and scheme.startswith("postgres") else url


def create_engine(url: str, *, pool_size: int = 20) -> AsyncEngine:
    """Create the engine for ``url``, with the settings every connection needs."""
    return _create_async_engine(
        async_url(url),
        # A fixed pool: overflow connections are closed on return, and reopening them (with
        # asyncpg's type introspection and an empty statement cache) made the slowest 1% of
        # requests take seconds under load. Requests beyond the pool wait for a connection.
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=30,
        pool_pre_ping=True,
        connect_args={
            # asyncpg prepares every statement; after five runs PostgreSQL may switch to a
            # generic plan, which for subtree and trigram searches cost seconds (STACK-NOTES §3.3).
            "server_settings": {"plan_cache_mode": "force_custom_plan", "jit": "off"},
        },
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Create the factory of per-request sessions."""
    return async_sessionmaker(engine, expire_on_commit=False)
