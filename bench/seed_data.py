"""The national-scale bench data, generated in memory (deterministic) and loaded with COPY.

One plan per planning unit and approving body of the three-tier tree (cycle 2025–2030, rule set
QĐ 50), each approving unit the nearest ancestor-or-self whose kind manages the titles. Who is
planned follows how committees are actually built: the standing committee's candidates are
taken from the executive committee's, the titles mostly from both, so a person holds one to
three entries (the cap of the rule set) and there are about two entries per person.
"""

from __future__ import annotations

import json
import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from api.demo_plans import EDUCATION, GIVEN, GRADES, MIDDLE, PATHS, SURNAMES, THEORY, scripted
from planning.calendar import WorkCalendar
from planning.decisions import Dossier, EntryOutcome, EntryState, PlanState
from planning.lifecycle import EntryChange, EntrySource, EntryStatus, PlanEdit, PlanStatus
from planning.validation import Report
from schema.scalars import VIETNAM_TIME


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


NATIONAL_ID_PREFIX = "97"  # the demo's synthetic ids start with 99; no province code is 97
WOMEN_SHARE = 0.30
AGES = (30, 58, 46)  # triangular: youngest, oldest, most common (years at the reference month)
PENDING_SHARE = 0.04  # commune and district plans not approved yet, so progress shows something
PENDING = ("SUBMITTED", "UNDER_APPRAISAL", "UNDER_APPRAISAL", "APPRAISED", "DRAFT", "RETURNED")
# The bench does not validate its synthetic plans (a report per plan at national scale would
# cost more than the whole seed): submission is decided on an empty report.
UNVALIDATED = Report(())
REFUSED_SHARE = 0.02  # entries of approved plans the standing committee did not approve
TITLES_FROM_COMMITTEE = 0.8  # titles go to executive committee candidates until 80% have one
# Northern mountain provinces (three-tier codes), where most cadres are of a minority.
MOUNTAINS = frozenset(_words("02 04 06 08 10 11 12 14 15 17 19 20 24 62 64 66 67 68"))
MINORITIES = ("Tày", "Thái", "Mường", "Nùng", "H'Mông", "Dao", "Khmer", "Gia Rai", "Ê Đê", "Ba Na")
BALLOTS = {
    v: json.dumps([{"step": "BTV", "summoned": 11, "present": 11, "votes_for": v}])
    for v in range(12)
}


@dataclass(frozen=True, slots=True)
class UnitRow:
    id: int
    kind: str
    code: str
    ancestors: tuple[int, ...]  # root first, the unit itself last


@dataclass(frozen=True, slots=True)
class PositionRow:
    id: int
    unit_kind: str
    code: str
    seats: int
    committee_seat: bool
    managed_by: str


@dataclass
class Generated:
    """Rows to COPY, in the column order of ``PERSON_COLUMNS`` and the others."""

    plans: list[tuple[object, ...]] = field(default_factory=list)
    persons: list[tuple[object, ...]] = field(default_factory=list)
    entries: list[tuple[object, ...]] = field(default_factory=list)
    events: list[tuple[object, ...]] = field(default_factory=list)


PLAN_COLUMNS = _words(
    "id planning_unit_id approving_unit_id cycle_id kind managed_by rule_set status version"
    " created_at submitted_at received_at due_on decided_at decision_number decision_date"
    " appraisal_report"
)
PERSON_COLUMNS = _words(
    "id national_id full_name sex birth_year birth_month ethnicity hometown_unit_id unit_id"
    " education political_theory civil_service_grade current_position current_rank"
    " political_standard_ok is_sci_tech"
)
ENTRY_COLUMNS = _words(
    "plan_id person_id position_id tier source status change ballots result_reason"
)
EVENT_COLUMNS = _words("plan_id at action from_status to_status reason")


@dataclass(frozen=True, slots=True)
class Drafted:
    """An entry as its plan was drafted, before any decision."""

    person_id: int
    position_id: int
    tier: str
    votes: int  # for, of 11 summoned: those the standing committee refuses got too few
    refused: bool  # not approved if the plan is


@dataclass(frozen=True, slots=True)
class Plan:
    id: int
    unit: UnitRow
    approving_id: int
    managed_by: str
    status: str
    positions: tuple[PositionRow, ...]


class Generator:
    """Plans, persons and entries for every planning unit, from one seeded random generator."""

    def __init__(
        self,
        units: Sequence[UnitRow],
        positions: Sequence[PositionRow],
        *,
        cycle_id: int,
        rule_set: str,
        reference_year: int,
        approval_working_days: int,
        calendar: WorkCalendar,
        planned: frozenset[tuple[int, str]] = frozenset(),
    ) -> None:
        self.rng = random.Random(2025)
        # (unit, approving tier) pairs the demo already planned in the cycle: one live plan each.
        self.planned = planned
        self.units = {u.id: u for u in units}
        self.cycle_id, self.rule_set = cycle_id, rule_set
        self.reference_year = reference_year
        self.sla_days, self.calendar = approval_working_days, calendar
        self.catalogue: dict[tuple[str, str], list[PositionRow]] = defaultdict(list)
        for position in positions:
            self.catalogue[(position.unit_kind, position.managed_by)].append(position)
        # Hometowns: the communes of each unit's subtree, and of each province.
        self.communes_under: dict[int, list[int]] = defaultdict(list)
        for unit in units:
            if unit.kind == "COMMUNE":
                for ancestor in unit.ancestors:
                    self.communes_under[ancestor].append(unit.id)
        self.all_communes = self.communes_under[units[0].ancestors[0]]
        self.minorities = {
            u.id: (0.55 if u.code in MOUNTAINS else self.rng.choice((0.03, 0.05, 0.25)))
            for u in units
            if u.kind == "PROVINCE"
        }

    def _plans(self, first_id: int) -> list[Plan]:
        """One plan per planning unit and approving body, numbered from ``first_id``."""
        plans: list[Plan] = []
        for unit in self.units.values():
            for (kind, managed_by), positions in sorted(self.catalogue.items()):
                if kind != unit.kind or (unit.id, managed_by) in self.planned:
                    continue
                approving = next(
                    a for a in reversed(unit.ancestors) if self.units[a].kind == managed_by
                )
                pending = unit.kind != "PROVINCE" and self.rng.random() < PENDING_SHARE
                status = self.rng.choice(PENDING) if pending else "APPROVED"
                plans.append(
                    Plan(
                        first_id + len(plans), unit, approving, managed_by, status, tuple(positions)
                    )
                )
        return plans

    def generate(self, *, first_plan_id: int, first_person_id: int) -> Generated:
        """Every row, with ids from the given ones on (the caller moves the sequences past)."""
        out = Generated()
        plans = self._plans(first_plan_id)
        by_unit: dict[int, list[Plan]] = defaultdict(list)
        for plan in plans:
            by_unit[plan.unit.id].append(plan)
        drafted: dict[int, list[Drafted]] = defaultdict(list)
        next_id = first_person_id
        for unit_id, unit_plans in by_unit.items():
            unit = self.units[unit_id]
            planned, persons = self._slots(unit_plans)
            ids = range(next_id, next_id + persons)
            next_id += persons
            out.persons += [self._person(person_id, unit) for person_id in ids]
            for plan, position, slot in planned:
                drafted[plan.id].append(self._entry(position, ids[slot]))
        for plan in plans:
            self._plan_rows(plan, drafted[plan.id], out)
        return out

    def _slots(self, plans: Sequence[Plan]) -> tuple[list[tuple[Plan, PositionRow, int]], int]:
        """Who is planned for what in one unit, persons numbered 0…; and how many persons."""
        rng = self.rng
        planned: list[tuple[Plan, PositionRow, int]] = []
        for plan in plans:
            for position in plan.positions:
                if position.committee_seat:
                    count = math.ceil(position.seats * rng.uniform(1.2, 1.5))
                else:
                    count = position.seats * rng.choice((2, 3, 3))
                planned.append((plan, position, count))
        committees = sorted((p for p in planned if p[1].committee_seat), key=lambda p: -p[1].seats)
        # Titles the central level approves come first, so that they go to standing committee
        # candidates (a province's secretary is one of its standing committee members).
        titles = sorted(
            (p for p in planned if not p[1].committee_seat),
            key=lambda p: p[0].managed_by != "CENTRAL",
        )
        rows: list[tuple[Plan, PositionRow, int]] = []
        # The executive committee's candidates are persons 0…; the standing committee's are its
        # first ones; any other committee (inspection) takes the next ones.
        persons = 0
        after_standing = committees[1][2] if len(committees) > 1 else 0
        for number, (plan, position, count) in enumerate(committees):
            first = after_standing if number >= 2 else 0
            rows += [(plan, position, first + n) for n in range(count)]
            if number >= 2:
                after_standing += count
            persons = max(persons, first + count)
        # Titles go to committee candidates, one title each so that nobody holds more than
        # three entries, until 80% of them have one; then to candidates from outside.
        inside = int(persons * TITLES_FROM_COMMITTEE)
        title_number = 0
        for plan, position, count in titles:
            for _ in range(count):
                slot = title_number if title_number < inside else persons + title_number - inside
                rows.append((plan, position, slot))
                title_number += 1
        return rows, max(persons, persons + title_number - inside)

    def _entry(self, position: PositionRow, person_id: int) -> Drafted:
        rng = self.rng
        refused = rng.random() < REFUSED_SHARE  # if the plan is approved
        votes = rng.randint(3, 5) if refused else rng.randint(6, 11)
        tier = "T1" if rng.random() < 0.7 else "T2"
        return Drafted(person_id, position.id, tier, votes, refused)

    def _person(self, person_id: int, unit: UnitRow) -> tuple[object, ...]:
        rng = self.rng
        sex = "FEMALE" if rng.random() < WOMEN_SHARE else "MALE"
        age = round(rng.triangular(*AGES))
        province = unit.ancestors[1]
        ethnicity = (
            rng.choice(MINORITIES[province % 4 : province % 4 + 4])
            if rng.random() < self.minorities[province]
            else "Kinh"
        )
        return (
            person_id,
            f"{NATIONAL_ID_PREFIX}{person_id:010d}",
            f"{rng.choice(SURNAMES)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}",
            sex,
            self.reference_year - age,
            rng.randint(1, 12),
            ethnicity,
            self._hometown(unit, province),
            unit.id,
            rng.choice(EDUCATION),
            rng.choice(THEORY),
            rng.choice(GRADES),
            rng.choice(("Trưởng phòng", "Phó Trưởng phòng", "Chuyên viên")),
            rng.choice((9, 10, 11)),
            True,
            person_id % 19 == 0,  # about 5% qualified in S&T (no draw: the rest stays the same)
        )

    def _hometown(self, unit: UnitRow, province: int) -> int | None:
        """Mostly local (the unit or a commune of it), some from the province, a few from
        elsewhere, and a few unrecorded."""
        draw = self.rng.random()
        if draw < 0.70:
            return self.rng.choice(self.communes_under[unit.id] or [unit.id])
        if draw < 0.90:
            return self.rng.choice(self.communes_under[province] or [province])
        if draw < 0.97:
            return self.rng.choice(self.all_communes)
        return None

    def _plan_rows(self, plan: Plan, entries: Sequence[Drafted], out: Generated) -> None:
        """The plan walked along the workflow to its status (each step decided by
        planning.workflow, as the demo's and a client's are), its history and its entries."""
        rng = self.rng
        created = day = date(2022, 3, 1) + timedelta(days=rng.randint(0, 60))
        out.events.append((plan.id, _stamp(created), PlanEdit.CREATE, None, None, None))
        state = PlanState(plan.id, PlanStatus.DRAFT, 1, Dossier())
        proposed = [
            EntryState(n, EntryStatus.PROPOSED, EntryChange.ADD) for n in range(len(entries))
        ]
        prefix = {"DISTRICT": "HU", "PROVINCE": "TU", "CENTRAL": "TW"}[plan.managed_by]
        outcomes: dict[int, EntryOutcome] = {}
        for action in PATHS[PlanStatus(plan.status)]:
            day += timedelta(days=rng.randint(3, 25))
            now = datetime.combine(day, time(9, 0), VIETNAM_TIME)
            decided = scripted(
                action,
                state,
                proposed,
                now=now,
                report=UNVALIDATED,
                working_days=self.sla_days,
                calendar=self.calendar,
                decision_number=f"{plan.id}-QĐ/{prefix}",
                refused=[n for n, entry in enumerate(entries) if entry.refused],
            )
            out.events.append(
                (plan.id, now, action.value, decided.from_status, decided.to, decided.reason)
            )
            outcomes.update((o.entry_id, o) for o in decided.entries)
            state = state.after(decided)
        dossier = state.dossier
        out.plans.append(
            (
                plan.id,
                plan.unit.id,
                plan.approving_id,
                self.cycle_id,
                "NEXT_TERM",
                plan.managed_by,
                self.rule_set,
                state.status,
                state.version,
                _stamp(created),
                dossier.submitted_at,
                dossier.received_at,
                dossier.due_on,
                dossier.decided_at,
                dossier.decision_number,
                dossier.decision_date,
                dossier.appraisal_report,
            )
        )
        for n, entry in enumerate(entries):
            outcome = outcomes.get(n, EntryOutcome(n, EntryStatus.PROPOSED))
            out.entries.append(
                (
                    plan.id,
                    entry.person_id,
                    entry.position_id,
                    entry.tier,
                    EntrySource.LOCAL,
                    outcome.status,
                    EntryChange.ADD,
                    BALLOTS[entry.votes],
                    outcome.reason,
                )
            )


def _stamp(day: date | None) -> datetime | None:
    return datetime.combine(day, time(9, 0), VIETNAM_TIME) if day else None
