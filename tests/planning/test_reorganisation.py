"""The decisions of a reorganisation, on a small tree: what closes, where work and persons go,
how a run is counted, and when a waiting person may be assigned."""

from __future__ import annotations

from datetime import date

import pytest

from planning import reorganisation as reorg
from planning.decisions import Problems

LAST, FIRST = date(2025, 6, 30), date(2025, 7, 1)
# Old tree: root 1 > province 10 > district 11 > communes 12, 13; province 20 > commune 21.
# New tree: province 30 > communes 31, 32; province 40 > commune 41.
OLD = {10: "1.10", 11: "1.10.11", 12: "1.10.11.12", 13: "1.10.11.13", 20: "1.20", 21: "1.20.21"}
NEW = {30: "1.30", 31: "1.30.31", 32: "1.30.32", 40: "1.40", 41: "1.40.41"}
LINKS = {10: [30], 12: [31], 13: [31, 32], 20: [40], 21: [41]}


def test_predecessors_and_the_units_beneath_them_close() -> None:
    units = [
        reorg.InForce(10, "1.10", None),
        reorg.InForce(11, "1.10.11", None),  # a district: no lineage of its own
        reorg.InForce(12, "1.10.11.12", LAST),  # already ended that day
        reorg.InForce(99, "1.99", None),  # not under any predecessor: left alone
    ]
    found = reorg.closures(units, predecessors={10: 2, 12: 3}, last_day=LAST)
    assert found == reorg.Closures(close=(10, 11), already_closed=(12,), problems=())


def test_a_unit_that_ends_on_another_day_is_a_problem_on_its_predecessors_line() -> None:
    units = [reorg.InForce(12, "1.10.11.12", date(2025, 12, 31), code="00012")]
    found = reorg.closures(units, predecessors={10: 2, 12: 7}, last_day=LAST)
    assert found.close == found.already_closed == ()
    assert [(p.line, p.problem.code) for p in found.problems] == [(7, "CLOSES_ON_ANOTHER_DAY")]


def test_a_unit_without_lineage_takes_its_nearest_ancestors_successors() -> None:
    found = reorg.successors_by_unit(OLD, LINKS)
    assert found == {10: (30,), 11: (30,), 12: (31,), 13: (31, 32), 20: (40,), 21: (41,)}


@pytest.mark.parametrize(
    ("paths", "expected"),
    [(["1.30.31", "1.30.32"], 30), (["1.30.31", "1.40.41"], 1), (["1.30.31"], 31)],
)
def test_the_nearest_common_ancestor(paths: list[str], expected: int) -> None:
    assert reorg.common_ancestor(paths) == expected


def test_persons_follow_one_successor_and_wait_on_the_province_of_several() -> None:
    successors = reorg.successors_by_unit(OLD, LINKS)
    persons = [
        reorg.PersonOnClosed(1, 12, None),
        reorg.PersonOnClosed(2, 11, date(2020, 1, 1)),
        reorg.PersonOnClosed(3, 13, None),
        reorg.PersonOnClosed(4, 77, None),  # not on a closing unit: stays
    ]
    moves = reorg.follow(persons, successors=successors, paths=NEW, effective=FIRST)
    assert [(m.person_id, m.to_unit_id, m.awaiting) for m in moves] == [
        (1, 31, False),
        (2, 30, False),  # a district's person goes to the province's successor
        (3, 30, True),  # a split commune's person waits on the province
    ]
    assert moves[1].since == date(2020, 1, 1)
    assert all(m.on == FIRST and m.from_unit_id in OLD for m in moves)


def test_the_report_counts_each_thing_once_in_total_and_in_its_province() -> None:
    report = reorg.tally(
        effective=FIRST,
        dry_run=True,
        opened=[30, 30, 30, 40, 40],
        closed=[30, 30, 40],
        already_closed=[],
        links_added=[30, 30, 40],
        persons_moved=[30],
        awaiting=[30],
        plans=[(30, "2025-2030"), (30, "2025-2030"), (40, "2026-2031")],
    )
    assert report.total.opened == 5
    assert report.total.plans_to_consolidate == (("2025-2030", 2), ("2026-2031", 1))
    by_province = dict(report.by_province)
    assert by_province[30].opened == 3
    assert by_province[30].plans_to_consolidate == (("2025-2030", 2),)
    assert by_province[40].closed == 1
    assert report.total.changed


def test_a_report_of_nothing_done_has_not_changed_anything() -> None:
    report = reorg.tally(
        effective=FIRST,
        dry_run=False,
        opened=[],
        closed=[],
        already_closed=[30, 40],
        links_added=[],
        persons_moved=[],
        awaiting=[],
        plans=[(30, "2025-2030")],  # what remains to consolidate is not a change
    )
    assert not report.total.changed
    assert report.total.already_closed == 2


WAITING = reorg.Waiting(1, person_id=7, from_unit_id=13, effective=FIRST, held_by=30)


def test_a_waiting_person_is_assigned_one_of_the_successors() -> None:
    decided = reorg.assign(
        WAITING, assigned_to=None, unit_id=32, candidates=[31, 32], reason=" QĐ 12 ", today=FIRST
    )
    assert decided == reorg.Assignment(WAITING, unit_id=32, on=FIRST, reason="QĐ 12")


@pytest.mark.parametrize(
    ("waiting", "assigned_to", "unit_id", "code"),
    [
        (WAITING, None, 41, "NOT_ITS_SUCCESSOR"),
        (None, "Phường Hồng Gai", 31, "ALREADY_ASSIGNED"),
        (None, None, 31, "NOT_AWAITING_UNIT"),
    ],
)
def test_assigning_is_refused(
    waiting: reorg.Waiting | None, assigned_to: str | None, unit_id: int, code: str
) -> None:
    decided = reorg.assign(
        waiting,
        assigned_to=assigned_to,
        unit_id=unit_id,
        candidates=[31, 32],
        reason=None,
        today=FIRST,
    )
    assert isinstance(decided, Problems)
    assert [p.code for p in decided.problems] == [code]


def test_csv_text_is_read_by_line_and_a_wrong_header_refused() -> None:
    rows = reorg.unit_rows("kind,code,name,parent_code\nPROVINCE,98,Tỉnh Thử,\n")
    assert [(r.line, r.code) for r in rows] == [(2, "98")]
    with pytest.raises(reorg.UnreadableCsv, match="the header must be"):
        reorg.lineage_rows("ma,ten\n01,Hà Nội\n")
