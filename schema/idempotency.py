"""Idempotency keys for mutations: a mobile client that retries after a lost response gets the
first result back instead of the work done twice (DESIGN.md §4)."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

from db import idempotency
from schema.context import Context
from schema.outcomes import IdempotencyKeyReused, idempotency_key_reused


def _fingerprint(operation: str, given: object) -> bytes:
    fields = dataclasses.asdict(given) if dataclasses.is_dataclass(given) else {}  # type: ignore[arg-type]
    canonical = json.dumps({"op": operation, **fields}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).digest()


def _principal(ctx: Context) -> str:
    assert ctx.principal is not None
    return f"user:{ctx.principal.user_id}"


async def earlier_result(
    ctx: Context, key: str | None, operation: str, given: object
) -> dict[str, Any] | IdempotencyKeyReused | None:
    """What the first request with this key answered, or None to go ahead.

    Going ahead reserves the key in the transaction; ``remember`` then stores the answer, and
    both vanish if the transaction does not commit.
    """
    if not key:
        return None
    earlier = await ctx.db(
        idempotency.claim,
        principal=_principal(ctx),
        key=key,
        operation=operation,
        input_hash=_fingerprint(operation, given),
        now=ctx.now,
    )
    if earlier is None:
        return None
    if earlier.operation != operation or earlier.input_hash != _fingerprint(operation, given):
        return idempotency_key_reused(ctx)
    return earlier.response


async def remember(ctx: Context, key: str | None, response: dict[str, Any]) -> None:
    if key:
        await ctx.db(idempotency.record, principal=_principal(ctx), key=key, response=response)
