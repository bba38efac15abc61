"""Small cells stay hidden: primary and complementary suppression, rare values as "other"."""

from __future__ import annotations

import random

from planning.disclosure import OTHER, Group, fold_rare, hidden_cells
from planning.indicators import MIN_CELL

TOTAL = "total"


def _table(counts: dict[str, int]) -> tuple[dict[str, int], list[Group[str]]]:
    return {**counts, TOTAL: sum(counts.values())}, [Group(TOTAL, tuple(counts))]


def test_a_lone_small_cell_hides_the_next_smallest_too() -> None:
    counted, groups = _table({"a": 3, "b": 7, "c": 12})
    assert hidden_cells(counted=counted, groups=groups) == {"a", "b"}


def test_two_small_cells_are_enough_when_their_sum_pins_neither() -> None:
    counted, groups = _table({"a": 3, "b": 2, "c": 12})
    assert hidden_cells(counted=counted, groups=groups) == {"a", "b"}


def test_two_hidden_ones_are_not_enough_since_each_holds_at_least_one() -> None:
    # total − shown = 2 over two hidden rows: both are 1.
    counted, groups = _table({"a": 1, "b": 1, "c": 12, "d": 30})
    assert hidden_cells(counted=counted, groups=groups) == {"a", "b", "c"}


def test_nothing_small_hides_nothing_and_zero_is_shown() -> None:
    counted, groups = _table({"a": 0, "b": 7, "c": 12})
    assert hidden_cells(counted=counted, groups=groups) == frozenset()


def test_a_small_total_hides_itself_and_every_row() -> None:
    counted, groups = _table({"a": 1, "b": 3})
    assert hidden_cells(counted=counted, groups=groups) == {"a", "b", TOTAL}


def test_the_total_goes_when_no_shown_cell_is_left() -> None:
    counted, groups = _table({"a": 4, "b": 0})
    assert hidden_cells(counted=counted, groups=groups) == {"a", TOTAL}


def test_entries_beside_persons_must_not_single_a_cell_out_either() -> None:
    # Persons 3 and 2 hide two rows; their entries 1 and 1 sum to 2: both known. One more.
    counted, groups = _table({"a": 3, "b": 2, "c": 9})
    entries, _ = _table({"a": 1, "b": 1, "c": 9})
    assert hidden_cells(counted=counted, groups=groups, measures=[entries]) == {"a", "b", "c"}


def _derivable(cell: int, shown_sum: int, hidden: list[int], total: int) -> bool:
    """Whether a reader knowing the total, the shown cells and that each hidden cell is ≥ 1
    can tell ``cell``'s value: only if the hidden sum leaves it a single possible value."""
    rest = total - shown_sum
    others = len(hidden) - 1
    return rest - others == 1 or (others == 0 and rest == cell)


def test_random_tables_never_give_a_hidden_cell_away() -> None:
    chance = random.Random(2026)
    for _ in range(3000):
        size = chance.randint(1, 7)
        counts = {f"c{n}": chance.choice([0, 1, 2, 3, 4, 5, 6, 9, 20]) for n in range(size)}
        counted, groups = _table(counts)
        hidden = hidden_cells(counted=counted, groups=groups)
        assert {k for k, v in counts.items() if 0 < v < MIN_CELL} <= hidden
        if TOTAL in hidden:
            continue
        shown_sum = sum(v for k, v in counts.items() if k not in hidden)
        hidden_values = [counts[k] for k in counts if k in hidden]
        for key in counts:
            if key in hidden:
                assert not _derivable(counts[key], shown_sum, hidden_values, counted[TOTAL]), (
                    counts,
                    hidden,
                )
        # total − sum(shown) is never one hidden cell alone.
        assert len(hidden_values) != 1


def test_small_rows_print_no_free_text_and_merge_into_other() -> None:
    counted: dict[tuple[str, ...], int] = {("Kinh",): 40, ("Dao",): 2, ("Tày",): 3, ("",): 1}
    folded = fold_rare(counted, free=[0], keep=frozenset({""}))
    assert folded == {("Kinh",): ("Kinh",), ("Dao",): (OTHER,), ("Tày",): (OTHER,), ("",): ("",)}


def test_other_is_per_row_of_the_other_dimensions() -> None:
    counted: dict[tuple[str, ...], int] = {("1", "Dao"): 7, ("2", "Dao"): 2, ("2", "Tày"): 1}
    folded = fold_rare(counted, free=[1], keep=frozenset())
    assert folded[("1", "Dao")] == ("1", "Dao")
    assert folded[("2", "Dao")] == folded[("2", "Tày")] == ("2", OTHER)
