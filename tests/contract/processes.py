"""Another instance of the server: ``uvicorn api.asgi:app`` in a process of its own, as
production runs it, on the contract suite's database.

The suite's own server runs in a thread of the test process (conftest.py); this one is a second
instance beside it, sharing only the database, as two hosts do. Its environment is built here
from nothing but what it needs (no variable of the shell that runs the tests leaks into it), and
it keeps the real clock: its tokens are its own, and a client logs in through it. Its log goes
to a file, quoted whenever it fails to start or to stop.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from api.live import UVICORN_WS
from db import rls

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 60
STOP_TIMEOUT_S = 30
PROBE_TIMEOUT_S = 2  # one /readyz request, retried until START_TIMEOUT_S
# Not the development secret: a process of its own signs its own tokens.
SECRET = "second-instance-secret-" + "y" * 32
# Small pools: the suite's server and the other tests share the PostgreSQL server's connections.
POOL_SIZE = 4


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServerProcess:
    """One instance of the server on ``database_url`` (the owner's URL: it serves as the
    application's role, as ``quyhoach serve`` does), started and stopped by the tests."""

    def __init__(self, database_url: str, log: Path) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {
            # How this process reaches the PostgreSQL server, if the run was told (libpq's
            # variables: a password, a TLS mode): nothing else of the shell's.
            **{name: value for name, value in os.environ.items() if name.startswith("PG")},
            "PATH": os.environ.get("PATH", ""),
            "DATABASE_URL": rls.app_url(database_url),
            "QUYHOACH_SECRET": SECRET,
            "QUYHOACH_DB_POOL_SIZE": str(POOL_SIZE),
            "PYTHONUNBUFFERED": "1",  # its log as it happens, for a test that fails midway
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def command(self) -> list[str]:
        # The flags of `quyhoach serve` (api/cli.py), on a port of this instance's own.
        return [
            *(sys.executable, "-m", "uvicorn", "api.asgi:app"),
            *("--ws", UVICORN_WS, "--no-proxy-headers", "--log-level", "info"),
            *("--host", "127.0.0.1", "--port", str(self.port)),
        ]

    def output(self) -> str:
        """What the process has logged so far (stdout and stderr)."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    async def start(self) -> None:
        """Start the process; return once ``/readyz`` answers 200 (its listener is up)."""
        await asyncio.to_thread(self._start)

    async def stop(self) -> None:
        """Ask the process to end (SIGTERM, as an orchestrator does) and wait for it; one that
        does not end in time is killed and reported."""
        await asyncio.to_thread(self._stop)

    def _start(self) -> None:
        assert self.process is None, "already running"
        began = time.monotonic()
        with self.log.open("ab") as log:
            log.write(f"--- {' '.join(self.command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = began + START_TIMEOUT_S
        with httpx.Client(base_url=self.base_url, timeout=PROBE_TIMEOUT_S) as probe:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    if probe.get("/readyz").status_code == 200:
                        return
                except httpx.TransportError:
                    pass  # not listening yet
                time.sleep(0.1)
        code = self.process.poll()
        self.kill()
        raise RuntimeError(
            f"the second instance did not become ready (exit code {code}):\n{self.output()}"
        )

    def _stop(self) -> None:
        assert self.process is not None, "not running"
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()
            raise RuntimeError(
                f"the second instance did not stop on SIGTERM:\n{self.output()}"
            ) from None
        self.process = None

    def kill(self) -> None:
        """End the process whatever it is doing (the fixture's last resort)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.process = None

    async def close(self) -> None:
        """Stop it if it runs: SIGTERM, then a kill if that fails."""
        if self.process is None:
            return
        try:
            await self.stop()
        finally:
            self.kill()
