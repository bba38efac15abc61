"""The calendar working-day deadlines are counted on (DOMAIN.md §5.4), assembled here from its
two sources: the statutory holidays of every year, computed by the maintained `holidays`
package (Bộ luật Lao động 2019 Art. 112; Tết and Hùng Kings' day from the lunar calendar, and
the days it knows were swapped), and the government's yearly decisions recorded in the
``holiday`` table. planning/ counts on the plain dates (it imports nothing but the standard
library); db/ is where stored and computed reference data meet, as it is for the rule sets.

When a decided day changes, the plans whose clock runs over it are rescheduled here too, in
the caller's transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache

import holidays as statutory_holidays
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from db.plan_models import Holiday, Plan, PlanEvent
from planning.calendar import CalendarDay, DayKind, DaySource, WorkCalendar, covers
from planning.lifecycle import CLOCK_RUNNING_STATUSES, PlanEdit
from planning.rulesets import RuleSet

# A clock runs at most 45 working days (30 and an extension of 15): from a receipt late in a
# year, into the next one. Two years from the earliest receipt cover every window.
YEARS_AHEAD = 2


@lru_cache(maxsize=64)
def statutory_year(year: int, language: str = "vi") -> tuple[CalendarDay, ...]:
    """Vietnam's public holidays of ``year`` as the package computes them, named in
    ``language`` (the package's code: ``vi``, ``en_US``), with the weekend days it knows were
    worked in exchange (unnamed: the caller words them)."""
    computed = statutory_holidays.country_holidays("VN", years=year, language=language)
    off = [
        CalendarDay(day, DayKind.OFF, name, DaySource.STATUTORY)
        for day, name in computed.items()
        if day.year == year
    ]
    worked = [
        CalendarDay(day, DayKind.WORKING, "", DaySource.STATUTORY)
        for day in computed.weekend_workdays
        if day.year == year
    ]
    return tuple(sorted(off + worked, key=lambda d: d.day))


def _statutory(years: Iterable[int], language: str) -> dict[date, CalendarDay]:
    return {d.day: d for year in years for d in statutory_year(year, language)}


async def work_calendar(
    session: AsyncSession, *, since: date, language: str = "vi"
) -> WorkCalendar:
    """The calendar for clocks started on ``since`` or later (up to two years on); statutory
    days named in ``language`` (the package's code)."""
    years = range(since.year, since.year + YEARS_AHEAD + 1)
    rows = await session.scalars(
        select(Holiday).where(func.extract("year", Holiday.day).in_(list(years)))
    )
    decided = {r.day: CalendarDay(r.day, r.kind, r.name, DaySource.DECIDED) for r in rows}
    return WorkCalendar(statutory=_statutory(years, language), decided=decided)


async def set_day(session: AsyncSession, *, day: date, kind: DayKind, name: str) -> None:
    await session.execute(
        insert(Holiday)
        .values(day=day, kind=kind, name=name)
        .on_conflict_do_update(index_elements=["day"], set_={"name": name, "kind": kind})
    )


async def remove_day(session: AsyncSession, *, day: date) -> bool:
    """Forget the decision on ``day``: the statute (or the weekday) applies again."""
    removed = await session.execute(delete(Holiday).where(Holiday.day == day))
    return bool(removed.rowcount)  # type: ignore[attr-defined]


async def reschedule(
    session: AsyncSession,
    *,
    day: date,
    rule_sets: Mapping[str, RuleSet],
    actor_user_id: int | None,
    now: datetime,
) -> int:
    """Recount the due date of every plan whose clock runs over ``day`` (just changed) from its
    receipt, its rule set's working days and its extension; record each move in the plan's
    history and bump its version. Three statements whatever the number of plans (the plans,
    locked; the calendar; the events in one insert, the plans in one flush). Returns how many
    plans moved."""
    plans = list(
        await session.scalars(
            select(Plan)
            .where(
                Plan.status.in_(CLOCK_RUNNING_STATUSES),
                Plan.received_at.is_not(None),
                Plan.due_on >= day,
            )
            .order_by(Plan.id)
            .with_for_update()
        )
    )
    plans = [
        p
        for p in plans
        if p.received_at and p.due_on and covers(received=_local(p, now), due_on=p.due_on, day=day)
    ]
    if not plans:
        return 0
    calendar = await work_calendar(session, since=min(_local(p, now) for p in plans))
    events = []
    for plan in plans:
        assert plan.due_on is not None
        counted = rule_sets[plan.rule_set].approval_working_days + (plan.extended_by or 0)
        due = calendar.add_working_days(_local(plan, now), counted)
        if due == plan.due_on:
            continue
        events.append(
            PlanEvent(
                plan_id=plan.id,
                at=now,
                actor_user_id=actor_user_id,
                action=PlanEdit.RESCHEDULE.value,
                before={"due_on": plan.due_on.isoformat()},
                after={"due_on": due.isoformat(), "calendar_day": day.isoformat()},
            )
        )
        plan.due_on, plan.version = due, plan.version + 1
    session.add_all(events)
    await session.flush()
    return len(events)


def _local(plan: Plan, now: datetime) -> date:
    """The day of receipt as the clock counted it: receive counts from ``now.date()``, the
    local (Vietnamese) day, and the database hands timestamps back in UTC."""
    assert plan.received_at is not None
    return plan.received_at.astimezone(now.tzinfo).date()
