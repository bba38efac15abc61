"""Loaders read through the function they are given: no context, no session of their own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from db import plans as plans_db
from schema.loaders import Loaders


async def test_a_loader_batches_its_keys_into_one_read_of_the_given_function() -> None:
    reads: list[tuple[Callable[..., Awaitable[Any]], tuple[Any, ...]]] = []

    async def read(query: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        reads.append((query, args))
        ids: Sequence[int] = args[0]
        return {i: f"unit {i}" for i in ids if i != 2}

    loaders = Loaders(read, _NoReader())

    found: list[Any] = await loaders.cycle.load_many([1, 2, 3])
    assert found == ["unit 1", None, "unit 3"]
    assert reads == [(plans_db.cycles_by_ids, ([1, 2, 3],))]


class _NoReader:
    async def fetch(self, sql: str, *args: object) -> list[Any]:
        raise AssertionError("this loader reads through the session")


class _Reader:
    def __init__(self) -> None:
        self.statements: list[tuple[str, tuple[object, ...]]] = []

    async def fetch(self, sql: str, *args: object) -> list[Any]:
        self.statements.append((sql, args))
        return []


async def test_units_load_in_one_statement_whose_text_does_not_change_with_the_batch() -> None:
    reader = _Reader()
    loaders = Loaders(lambda *a, **k: None, reader)  # type: ignore[arg-type]

    assert await loaders.unit.load_many([1, 2, 3]) == [None, None, None]
    assert await loaders.unit.load_many([4]) == [None]
    # One prepared statement for any batch: the ids are one array parameter.
    (first, first_args), (second, second_args) = reader.statements
    assert first == second
    assert "= ANY ($1::BIGINT[])" in first
    assert first_args == ([1, 2, 3],)
    assert second_args == ([4],)
