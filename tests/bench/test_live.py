"""The live bench's pure parts (bench/live_report.py, and bench/live.py's argument and order
helpers): memory per subscription and connection, delivery accounting, percentiles, latency
against the three clocks, and the section written into bench/README.md. No server."""

from __future__ import annotations

import argparse

import pytest

from bench import peer_report
from bench.live import Leg, interleaved, legs
from bench.live_plans import Approvable
from bench.live_report import (
    BEGIN,
    END,
    HEADING,
    Accounting,
    Drive,
    Memory,
    Stream,
    Timing,
    account,
    latency,
    latency_table,
    memory_table,
    percentile,
    render,
    replace_section,
)

KIB = 1024


def memory(per_subscription: int, per_connection: int) -> Memory:
    """What the server's RSS would read if each costs exactly that, from a 100 MiB start."""
    baseline = 100 * KIB * KIB
    first = baseline + 50 * per_connection + 1000 * per_subscription
    more = first + 950 * (per_connection + per_subscription)
    return Memory(baseline, 50, 20, first, 950, more)


def test_the_two_steps_give_back_the_cost_of_a_subscription_and_of_a_connection() -> None:
    per_subscription, per_connection = memory(30 * KIB, 90 * KIB).costs()

    assert per_subscription == pytest.approx(30 * KIB)
    assert per_connection == pytest.approx(90 * KIB)


def test_two_steps_of_the_same_shape_cannot_be_told_apart() -> None:
    same = Memory(0, 10, 1, 10, 20, 30)

    with pytest.raises(ValueError, match="must differ"):
        same.costs()


def test_the_memory_table_shows_the_readings_and_both_costs() -> None:
    table = memory_table(memory(30 * KIB, 90 * KIB)).splitlines()

    assert table[2] == "| after a warm-up connection came and went | 100.0 |"
    assert table[3] == "| + 50 connections × 20 subscriptions = 1,000 | 133.7 |"
    assert table[5] == "| **per idle subscription** | **30.0 KiB** |"
    assert table[6].endswith("| **90.0 KiB** |")


def test_every_expected_plan_once_is_exact() -> None:
    assert account(["a", "b"], ["b", "a"]) == Accounting(2, 2, 0, 0, 0)
    assert account(["a", "b"], ["b", "a"]).exact


def test_missed_duplicated_and_unexpected_deliveries_are_counted_apart() -> None:
    found = account(["a", "b", "c"], ["a", "a", "a", "b", "x"])

    assert found == Accounting(expected=3, received=5, missed=1, duplicated=2, unexpected=1)
    assert not found.exact


def test_percentiles_are_values_that_were_measured() -> None:
    values = [float(n) for n in range(100, 0, -1)]  # 100 … 1, unsorted on purpose

    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([7.0], 99) == 7.0
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_latency_is_taken_from_the_commit_and_bounded_by_the_answer_and_the_request() -> None:
    timings = {
        "a": Timing(sent=10.000, answered=10.100, committed=10.090),
        "b": Timing(sent=20.000, answered=20.050, committed=20.040),
    }
    arrivals = {"a": 10.120, "b": 20.060, "stray": 30.0}

    found = latency(arrivals, timings)

    assert found.count == 2  # the stray plan was not approved in this run
    assert found.from_commit == pytest.approx((20.0, 30.0))
    assert found.from_answer == pytest.approx((10.0, 20.0))
    assert found.from_request == pytest.approx((60.0, 120.0))


def test_without_commit_timestamps_only_the_bounds_are_given() -> None:
    timings = {"a": Timing(1.0, 1.1, None)}

    found = latency({"a": 1.2}, timings)

    assert found.from_commit is None
    assert found.from_answer == pytest.approx((100.0, 100.0))


def drive(approved: int = 200, refused: int = 0) -> Drive:
    return Drive(20, 10, approved, refused, 40.0, (150.0, 900.0), 32.0)


def test_the_achieved_rate_is_approvals_over_the_span() -> None:
    assert drive().achieved == 5.0


def test_the_latency_table_gives_one_row_per_subscription_with_its_accounting() -> None:
    timings = {"a": Timing(10.0, 10.1, 10.09)}
    stream = Stream("`inboxChanged`", 5, account(["a"], ["a", "a"]), latency({"a": 10.1}, timings))
    silent = Stream("`planEvents`", 5, account(["a"], []), None)

    rows = latency_table([stream, silent]).splitlines()

    assert (
        rows[2]
        == "| `inboxChanged` | 5 | 2 | 0 | 1 | 0 | 10.0 / 10.0 | 0.0 / 0.0 | 100.0 / 100.0 |"
    )
    assert rows[3] == "| `planEvents` | 5 | 0 | 1 | 0 | 0 | - | - | - |"


def test_the_report_has_the_header_memory_and_each_leg() -> None:
    stream = Stream("`planEvents`", 5, account(["a"], ["a"]), None)

    report = render(
        "`python -m bench.live` on today",
        memory(30 * KIB, 90 * KIB),
        [(drive(), [stream]), (drive(80), [stream])],
        exact=False,
    )

    parts = report.split("\n\n")
    assert parts[0] == "`python -m bench.live` on today"
    assert parts[2].startswith("Then, those 1,950 idle subscriptions still open, approvePlan ")
    assert "200 approved, 0 refused, in 40.0 s (5.0/s achieved)" in parts[2]
    assert "(160 ms per approval" in parts[2]
    assert parts[4].startswith("Then approvePlan asked at 20/s for 10 s: 80 approved")
    assert "`track_commit_timestamp` was off" in parts[-1]
    assert report.endswith("\n")


def test_the_live_section_is_written_between_its_own_markers_only() -> None:
    readme = f"# Bench\n\n{peer_report.BEGIN}\npeer\n{peer_report.END}\n\n{BEGIN}\nold\n{END}\n"

    replaced = replace_section(readme, "new")

    assert replaced == readme.replace("\nold\n", "\nnew\n")
    assert replace_section("# Bench\n", "new") == f"# Bench\n\n{HEADING}\n\n{BEGIN}\nnew\n{END}\n"


def test_legs_are_read_as_rate_and_seconds() -> None:
    assert legs("20:10,4:20") == [Leg(20.0, 10), Leg(4.0, 20)]
    assert Leg(20.0, 10).count == 200
    for broken in ("20", "20:x", "0.01:10"):
        with pytest.raises(argparse.ArgumentTypeError):
            legs(broken)


def test_approvals_go_round_the_provinces() -> None:
    plans = [Approvable(n, 4, code) for n, code in enumerate(["79", "79", "79", "25", "52"])]

    order = [(p.province, p.plan_id) for p in interleaved(plans)]

    assert order == [("79", 0), ("25", 3), ("52", 4), ("79", 1), ("79", 2)]
