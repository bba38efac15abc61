"""Settings: one frozen value read from the environment, passed to whoever needs it."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Settings:
    # None: start the embedded PostgreSQL with its data under ``data_dir``.
    database_url: str | None = None
    data_dir: Path = Path("var")
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    max_body_bytes: int = 1_000_000
    graphiql: bool = True

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the settings; a malformed number fails here, at start, not mid-request."""

        def number(name: str, default: int) -> int:
            raw = environ.get(name)
            if raw is None or raw == "":
                return default
            try:
                return int(raw)
            except ValueError:
                raise SystemExit(f"{name} must be a whole number, not {raw!r}") from None

        return cls(
            database_url=environ.get("DATABASE_URL") or None,
            data_dir=Path(environ.get("QUYHOACH_DATA_DIR") or "var"),
            host=environ.get("QUYHOACH_HOST") or "127.0.0.1",
            port=number("QUYHOACH_PORT", 8000),
            workers=number("QUYHOACH_WORKERS", 1),
            max_body_bytes=number("QUYHOACH_MAX_BODY_BYTES", 1_000_000),
            graphiql=environ.get("QUYHOACH_GRAPHIQL", "1") not in ("0", "false", "no"),
        )
