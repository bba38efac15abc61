"""Which cells of an answer stay hidden (DOMAIN A.8): primary and complementary suppression.

A cell of fewer than ``MIN_CELL`` persons is hidden (primary suppression). That alone is not
enough: where an answer shows a total and the cells adding up to it, a lone hidden cell is the
total minus the shown ones. So, as statistical offices do, more cells are hidden (complementary
suppression) until, in every group whose total is shown, the hidden cells are at least two and
their sum does not pin any of them down. A shown row is never empty (zero cells are not rows),
so a reader knows each hidden cell holds at least 1: two hidden cells summing to 2 are both 1,
and that too must not happen.

Only sums that hold in the answer are used: entries always add up; persons add up where the
answer's rows partition them (a person counts once per ancestor, in one cell).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from planning.indicators import MIN_CELL

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Group(Generic[K]):
    """A total shown with the cells that add up to it (keys of the measures)."""

    total: K
    parts: tuple[K, ...]


def primary(count: int) -> bool:
    """Whether a cell of ``count`` persons is too small to show (zero is shown)."""
    return 0 < count < MIN_CELL


def _safe(hidden_parts: Sequence[int]) -> bool:
    """Whether hidden cells of these values, summed, single none of them out (each is ≥ 1)."""
    return not hidden_parts or (len(hidden_parts) >= 2 and sum(hidden_parts) > len(hidden_parts))


def hidden_cells(
    *,
    counted: Mapping[K, int],
    groups: Sequence[Group[K]],
    measures: Sequence[Mapping[K, int]] = (),
) -> frozenset[K]:
    """The keys to hide: the cells ``counted`` holds below ``MIN_CELL`` (positive), and then,
    for every group whose total is shown, the next-smallest shown parts (or, when none is left,
    the total) until the group is safe for ``counted`` and for each of the other ``measures``
    (entries beside persons) that add up the same way."""
    hidden = {key for key, count in counted.items() if primary(count)}
    every = (counted, *measures)
    changed = True
    while changed:
        changed = False
        for group in groups:
            if group.total in hidden:
                continue
            shut = [p for p in group.parts if p in hidden]
            if not shut or all(_safe([m.get(p, 0) for p in shut]) for m in every):
                continue
            # The smallest shown, non-empty part, ties by order: hiding it costs the least.
            candidates = sorted(
                (counted.get(p, 0), n, p)
                for n, p in enumerate(group.parts)
                if p not in hidden and counted.get(p, 0) > 0
            )
            hidden.add(candidates[0][2] if candidates else group.total)
            changed = True
    return frozenset(hidden)


# The value of the row that rare free-text values are grouped into.
OTHER = "OTHER"


def fold_rare(
    counted: Mapping[tuple[str, ...], int], *, free: Sequence[int], keep: frozenset[str]
) -> dict[tuple[str, ...], tuple[str, ...]]:
    """The row each row is answered in: a small row (fewer than ``MIN_CELL``) has its free-text
    values (columns ``free``; ``keep``: coded values such as "not recorded", always printed)
    replaced by ``OTHER``, so that it merges with the other small rows of the same other values.
    A value printed is then held by at least ``MIN_CELL`` persons; the "other" row is itself
    hidden if it stays small."""
    folded = {}
    for key, count in counted.items():
        if free and primary(count):
            key_out = tuple(
                OTHER if column in free and value not in keep else value
                for column, value in enumerate(key)
            )
            folded[key] = key_out
        else:
            folded[key] = key
    return folded
