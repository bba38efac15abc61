"""A reorganisation as an import (tổ chức lại đơn vị hành chính, DOMAIN.md A.11): what a new
unit list and its lineage close, and where the persons of the closing units go.

A reform takes effect on one day. The units in force the day before that the lineage names as
predecessors close on that day before, and so does every unit beneath them (a unit cannot
outlive its parent: the districts in 2025). A person of a closing unit follows its successor
when it has exactly one (a unit with no lineage of its own, a district, takes its nearest
closing ancestor's); a person of a split predecessor waits, on the nearest common ancestor of
the successors (normally the new province, which counts them), for an administrator to choose
(``assign``). Every function here is a decision over plain values; ``db.reorganisation`` loads
and writes.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from planning.decisions import Problems
from planning.lineage import LineageRow
from planning.problems import Problem, problem
from planning.units import RowProblem, UnitRow, day_named

# ---------------------------------------------------------------------------------------------
# Reading a CSV given as text (a file read by the CLI, or a string sent over GraphQL)


class UnreadableCsv(Exception):
    """The text is not a CSV with the expected header."""


def csv_records(text: str, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """(line number, stripped values) of each record of a CSV whose header is ``columns``.

    :raises UnreadableCsv: for another header or malformed CSV
    """
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if tuple(reader.fieldnames or ()) != columns:
            raise UnreadableCsv(
                f"the header must be {','.join(columns)}, not {','.join(reader.fieldnames or ())!r}"
            )
        return [
            (reader.line_num, {c: (record[c] or "").strip() for c in columns}) for record in reader
        ]
    except csv.Error as error:
        raise UnreadableCsv(f"not a CSV file ({error})") from None


UNIT_COLUMNS = ("kind", "code", "name", "parent_code")
LINEAGE_COLUMNS = ("predecessor_code", "predecessor_kind", "successor_code", "successor_kind")


def unit_rows(text: str) -> list[UnitRow]:
    """The rows of a unit list given as text.

    :raises UnreadableCsv: for another header or malformed CSV
    """
    return [UnitRow(line=line, **values) for line, values in csv_records(text, UNIT_COLUMNS)]


def lineage_rows(text: str) -> list[LineageRow]:
    """The rows of a lineage file given as text.

    :raises UnreadableCsv: for another header or malformed CSV
    """
    return [LineageRow(line=line, **v) for line, v in csv_records(text, LINEAGE_COLUMNS)]


@dataclass(frozen=True, slots=True)
class ShippedReform:
    """A reform that ships (data/units/reforms.json), read: its unit list, lineage, first day."""

    units: list[UnitRow]
    lineage: list[LineageRow]
    effective: date


# ---------------------------------------------------------------------------------------------
# Closing


@dataclass(frozen=True, slots=True)
class InForce:
    """A unit in force on the reform's last old day: its id, path of ids, and last day."""

    unit_id: int
    path: str
    valid_to: date | None
    code: str = ""


@dataclass(frozen=True, slots=True)
class Closures:
    """What a reform closes: units to close on ``last_day``, those already closed that day,
    and the problems (by lineage line) of predecessors that close on another day."""

    close: tuple[int, ...]
    already_closed: tuple[int, ...]
    problems: tuple[RowProblem, ...]


def _ids(path: str) -> list[int]:
    return [int(label) for label in path.split(".")]


def closures(
    units: Iterable[InForce],
    *,
    predecessors: Mapping[int, int],
    last_day: date,
) -> Closures:
    """Which of ``units`` close: the predecessors (id → the lineage line naming it first) and
    every unit beneath one. A unit already closed on ``last_day`` is left as it is; one that
    closes on a later day is a problem (a reform cannot end a unit on two days)."""
    close: list[int] = []
    already: list[int] = []
    problems: list[RowProblem] = []
    for unit in units:
        line = next((predecessors[i] for i in reversed(_ids(unit.path)) if i in predecessors), None)
        if line is None:
            continue  # not under a predecessor: the reform leaves it alone
        if unit.valid_to is None:
            close.append(unit.unit_id)
        elif unit.valid_to == last_day:
            already.append(unit.unit_id)
        else:
            problems.append(
                RowProblem(
                    line,
                    problem(
                        "CLOSES_ON_ANOTHER_DAY",
                        None,
                        code=unit.code,
                        day=day_named(unit.valid_to),
                        expected=day_named(last_day),
                    ),
                )
            )
    return Closures(tuple(close), tuple(already), tuple(sorted(problems, key=lambda p: p.line)))


def closing_units(paths: Mapping[int, str], predecessor_ids: Iterable[int]) -> set[int]:
    """Of the units closed on the reform's last old day (id → path), those it closes: the
    predecessors and the units beneath them."""
    predecessors = set(predecessor_ids)
    return {
        unit_id for unit_id, path in paths.items() if any(i in predecessors for i in _ids(path))
    }


# ---------------------------------------------------------------------------------------------
# Where each closing unit's work goes


def successors_by_unit(
    paths: Mapping[int, str], links: Mapping[int, Sequence[int]]
) -> dict[int, tuple[int, ...]]:
    """The successors of each closing unit (id → path): its own lineage links, else those of
    its nearest ancestor that has some (a district takes its province's successor)."""
    found: dict[int, tuple[int, ...]] = {}
    for unit_id, path in paths.items():
        for ancestor in reversed(_ids(path)):
            if links.get(ancestor):
                found[unit_id] = tuple(sorted(set(links[ancestor])))
                break
    return found


def common_ancestor(paths: Sequence[str]) -> int:
    """The nearest unit above or at every one of ``paths`` (paths of ids from the root)."""
    split = [_ids(path) for path in paths]
    shared: list[int] = []
    for labels in zip(*split, strict=False):
        if len(set(labels)) != 1:
            break
        shared.append(labels[0])
    assert shared, "every path starts at the national root"
    return shared[-1]


def target_of(successors: Sequence[int], paths: Mapping[int, str]) -> int:
    """The unit that takes a closing unit's persons: its one successor, or the nearest common
    ancestor of its successors (where its persons wait)."""
    if len(successors) == 1:
        return successors[0]
    return common_ancestor([paths[s] for s in successors])


def province_of(path: str, provinces: set[int]) -> int | None:
    """The province a unit (by its path) lies in: the first province on the path; None above
    the provinces."""
    return next((i for i in _ids(path) if i in provinces), None)


# ---------------------------------------------------------------------------------------------
# Persons follow


@dataclass(frozen=True, slots=True)
class PersonOnClosed:
    """A person whose unit closes, and since when they work there (None: before records)."""

    person_id: int
    unit_id: int
    since: date | None


@dataclass(frozen=True, slots=True)
class Move:
    """A person moved by the reform: out of ``from_unit_id`` (kept in their history, valid
    ``since`` .. ``on``) into ``to_unit_id``; ``awaiting``: a split predecessor's person, placed
    on the successors' common ancestor until an administrator chooses."""

    person_id: int
    from_unit_id: int
    since: date | None
    to_unit_id: int
    on: date
    awaiting: bool


def follow(
    persons: Iterable[PersonOnClosed],
    *,
    successors: Mapping[int, Sequence[int]],
    paths: Mapping[int, str],
    effective: date,
) -> list[Move]:
    """Where each person of a closing unit goes on ``effective`` (DOMAIN.md A.11)."""
    moves = []
    for person in persons:
        found = successors.get(person.unit_id)
        if not found:
            continue
        since = person.since if person.since is None or person.since <= effective else None
        moves.append(
            Move(
                person_id=person.person_id,
                from_unit_id=person.unit_id,
                since=since,
                to_unit_id=target_of(found, paths),
                on=effective,
                awaiting=len(found) > 1,
            )
        )
    return moves


# ---------------------------------------------------------------------------------------------
# The report


COUNTS = ("opened", "closed", "already_closed", "links_added", "persons_moved", "awaiting")


@dataclass(frozen=True, slots=True)
class Counts:
    """What a run did (or a dry run would do), in one place or in total."""

    opened: int = 0
    closed: int = 0
    already_closed: int = 0
    links_added: int = 0
    persons_moved: int = 0
    awaiting: int = 0
    # Approved plans on closing units that their successors will consolidate, by cycle code.
    plans_to_consolidate: tuple[tuple[str, int], ...] = ()

    def as_json(self) -> dict[str, object]:
        values: dict[str, object] = {name: getattr(self, name) for name in COUNTS}
        values["plans_to_consolidate"] = dict(self.plans_to_consolidate)
        return values

    @property
    def changed(self) -> bool:
        return any(getattr(self, name) for name in COUNTS if name != "already_closed")


@dataclass(frozen=True, slots=True)
class Report:
    """A reorganisation's report: the totals, and the counts per new province (None: units
    above the provinces)."""

    effective: date
    dry_run: bool
    total: Counts
    by_province: tuple[tuple[int | None, Counts], ...] = field(default=())


def tally(
    *,
    effective: date,
    dry_run: bool,
    opened: Iterable[int | None],
    closed: Iterable[int | None],
    already_closed: Iterable[int | None],
    links_added: Iterable[int | None],
    persons_moved: Iterable[int | None],
    awaiting: Iterable[int | None],
    plans: Iterable[tuple[int | None, str]],
) -> Report:
    """The report of a run from the province of each thing it did (None: no province)."""
    counters = {
        "opened": Counter(opened),
        "closed": Counter(closed),
        "already_closed": Counter(already_closed),
        "links_added": Counter(links_added),
        "persons_moved": Counter(persons_moved),
        "awaiting": Counter(awaiting),
    }
    plan_counter = Counter(plans)
    places = sorted(
        {p for c in counters.values() for p in c} | {p for p, _ in plan_counter},
        key=lambda p: (p is None, p or 0),
    )

    def counts(keep: object) -> Counts:
        picked = {
            name: sum(n for p, n in c.items() if keep is _ALL or p == keep)
            for name, c in counters.items()
        }
        cycles: Counter[str] = Counter()
        for (p, cycle), n in plan_counter.items():
            if keep is _ALL or p == keep:
                cycles[cycle] += n
        return Counts(**picked, plans_to_consolidate=tuple(sorted(cycles.items())))

    return Report(
        effective=effective,
        dry_run=dry_run,
        total=counts(_ALL),
        by_province=tuple((p, counts(p)) for p in places),
    )


_ALL = object()


# ---------------------------------------------------------------------------------------------
# An administrator assigns a waiting person


@dataclass(frozen=True, slots=True)
class Waiting:
    """A person waiting for a unit: where they came from, since when they wait, and where."""

    assignment_id: int
    person_id: int
    from_unit_id: int
    effective: date
    held_by: int  # the unit that holds them meanwhile (the successors' common ancestor)


@dataclass(frozen=True, slots=True)
class Assignment:
    """What assigning a waiting person writes: the wait ends today on ``unit_id``."""

    waiting: Waiting
    unit_id: int
    on: date
    reason: str | None


def assign(
    waiting: Waiting | None,
    *,
    assigned_to: str | None,
    unit_id: int,
    candidates: Sequence[int],
    reason: str | None,
    today: date,
) -> Assignment | Problems:
    """Give a waiting person one of their from-unit's successors: refused for a person who
    is not waiting (``assigned_to``: the name of the unit they were given, if they were), or
    a unit that does not continue the one they came from."""
    found: list[Problem] = []
    if waiting is None:
        if assigned_to is not None:
            found.append(problem("ALREADY_ASSIGNED", "person", unit=assigned_to))
        else:
            found.append(problem("NOT_AWAITING_UNIT", "person"))
        return Problems(tuple(found))
    if unit_id not in candidates:
        return Problems((problem("NOT_ITS_SUCCESSOR", "unit", count=len(candidates)),))
    cleaned = reason.strip() if reason else None
    return Assignment(
        waiting=waiting, unit_id=unit_id, on=max(today, waiting.effective), reason=cleaned
    )
