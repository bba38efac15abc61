"""Loaders read through the function they are given: no context, no session of their own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from db import units as units_db
from schema.loaders import Loaders


async def test_a_loader_batches_its_keys_into_one_read_of_the_given_function() -> None:
    reads: list[tuple[Callable[..., Awaitable[Any]], tuple[Any, ...]]] = []

    async def read(query: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        reads.append((query, args))
        ids: Sequence[int] = args[0]
        return {i: f"unit {i}" for i in ids if i != 2}

    loaders = Loaders(read)

    assert await loaders.unit.load_many([1, 2, 3]) == ["unit 1", None, "unit 3"]
    assert reads == [(units_db.by_ids, ([1, 2, 3],))]
