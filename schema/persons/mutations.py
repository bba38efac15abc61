"""Creating and updating cadre records; only clerks of the person's unit subtree may."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated, Any

import strawberry

from db import access as access_db, persons as persons_db, rls
from db.audit import json_value
from db.plan_models import Person as PersonRow
from db.uniques import Taken
from planning.persons import BirthDate, record_problems
from planning.problems import Problem, problem
from planning.units import closed_problem
from schema import idempotency
from schema.audit import audit_change
from schema.context import Context
from schema.enums import DisciplineForm, PoliticalTheory, Sex
from schema.node import row_id
from schema.outcomes import (
    IdempotencyKeyReused,
    NotAllowed,
    NotFound,
    StaleVersion,
    ValidationFailed,
    not_allowed,
    not_found,
    stale_version,
    validation_failed,
)
from schema.permissions import official
from schema.persons.types import Person
from schema.removals import propose_removals
from schema.units.types import successors_named

PersonResult = Annotated[
    "PersonPayload | NotAllowed | NotFound | ValidationFailed | StaleVersion"
    " | IdempotencyKeyReused",
    strawberry.union("PersonResult"),
]


@strawberry.type(description="The record after the change.")
class PersonPayload:
    person: Person


@strawberry.input(description="A discipline decision to record.")
class DisciplineInput:
    form: DisciplineForm
    decided_on: date


SCI_TECH = (
    "Cán bộ có trình độ khoa học, công nghệ (DOMAIN §8): an S&T degree, or another degree with "
    "a year of S&T training and two years on S&T projects; counted by the S&T indicator."
)


@strawberry.input(description="A new cadre record, in a unit of your subtree.")
class CreatePersonInput:
    national_id: str
    full_name: str
    sex: Sex
    birth_year: int
    unit: strawberry.ID
    birth_month: int | None = None
    birth_day: int | None = None
    ethnicity: str | None = None
    hometown_unit: strawberry.ID | None = None
    education: str | None = None
    political_theory: PoliticalTheory | None = None
    civil_service_grade: str | None = None
    party_admission_date: date | None = None
    current_position: str | None = None
    current_rank: int | None = None
    retirement_override_months: int | None = None
    political_standard_ok: bool | None = None
    proposed_for_appointment: bool = False
    is_sci_tech: bool = strawberry.field(default=False, description=SCI_TECH)
    disciplines: list[DisciplineInput] = strawberry.field(default_factory=list)
    idempotency_key: str | None = None


@strawberry.input(description="Changes to a record; fields left out stay as they are.")
class UpdatePersonInput:
    person: strawberry.ID
    version: int = strawberry.field(description="The version you read (optimistic lock).")
    full_name: str | None = strawberry.UNSET
    sex: Sex | None = strawberry.UNSET
    birth_year: int | None = strawberry.UNSET
    birth_month: int | None = strawberry.UNSET
    birth_day: int | None = strawberry.UNSET
    ethnicity: str | None = strawberry.UNSET
    education: str | None = strawberry.UNSET
    political_theory: PoliticalTheory | None = strawberry.UNSET
    civil_service_grade: str | None = strawberry.UNSET
    party_admission_date: date | None = strawberry.UNSET
    current_position: str | None = strawberry.UNSET
    current_rank: int | None = strawberry.UNSET
    retirement_override_months: int | None = strawberry.UNSET
    political_standard_ok: bool | None = strawberry.UNSET
    proposed_for_appointment: bool | None = strawberry.UNSET
    is_sci_tech: bool | None = strawberry.field(default=strawberry.UNSET, description=SCI_TECH)
    disciplines: list[DisciplineInput] | None = strawberry.UNSET
    idempotency_key: str | None = None


_PLAIN_FIELDS = (
    "full_name",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "ethnicity",
    "education",
    "political_theory",
    "civil_service_grade",
    "party_admission_date",
    "current_position",
    "current_rank",
    "retirement_override_months",
    "political_standard_ok",
    "proposed_for_appointment",
    "is_sci_tech",
)


def _problems(ctx: Context, row: dict[str, Any]) -> list[Problem]:
    return record_problems(
        national_id=row["national_id"],
        full_name=row["full_name"],
        birth=BirthDate(row["birth_year"], row["birth_month"], row["birth_day"]),
        retirement_override_months=row["retirement_override_months"],
        today=ctx.today,
    )


@strawberry.type
class PersonMutation:
    @strawberry.mutation(
        description="Record a cadre (tạo hồ sơ cán bộ). A national id already on record gives "
        "`NATIONAL_ID_TAKEN`: the same person proposed by two units is one record.",
        extensions=official(),
    )
    async def create_person(
        self, info: strawberry.Info[Context, None], input: CreatePersonInput
    ) -> PersonResult:
        ctx = info.context
        unit_id = row_id(input.unit, "Unit")
        path = await ctx.db(access_db.unit_path, unit_id=unit_id) if unit_id else None
        if unit_id is None or path is None:
            return not_found(ctx, input.unit)
        if not ctx.allows("edit", "person", path):
            return not_allowed(ctx, "edit", "person")
        replayed = await replayed_person(ctx, input.idempotency_key, "createPerson", input)
        if replayed is not None:
            return replayed
        unit = await ctx.loaders.unit.load(unit_id)
        assert unit is not None
        closed = closed_problem(
            unit.valid_to,
            today=ctx.today,
            field="unit",
            successors=await successors_named(ctx, unit),
        )
        if closed is not None:  # a closed unit takes no new person (DOMAIN.md A.11)
            return validation_failed(ctx, [closed])
        hometown_id = row_id(input.hometown_unit, "Unit") if input.hometown_unit else None
        if input.hometown_unit and (
            hometown_id is None or await ctx.db(access_db.unit_path, unit_id=hometown_id) is None
        ):
            return not_found(ctx, input.hometown_unit)
        values: dict[str, Any] = {name: getattr(input, name) for name in _PLAIN_FIELDS}
        values.update(
            national_id=input.national_id.strip(),
            full_name=input.full_name.strip(),
            sex=input.sex.value,
            unit_id=unit_id,
            hometown_unit_id=hometown_id,
        )
        problems = _problems(ctx, values)
        # A national id is unique nationally: whoever holds it, wherever the record is.
        existing = await ctx.db(
            rls.across(rls.IDENTITY, persons_db.by_national_id), national_id=values["national_id"]
        )
        if not problems and existing is not None:
            problems.append(problem("NATIONAL_ID_TAKEN", "nationalId"))
        if problems:
            return validation_failed(ctx, problems)
        try:
            person = await ctx.db(persons_db.add, **values)
        except Taken:  # recorded by a concurrent request since the check above
            return validation_failed(ctx, [problem("NATIONAL_ID_TAKEN", "nationalId")])
        await ctx.db(
            persons_db.replace_disciplines,
            person_id=person.id,
            disciplines=[(d.form.value, d.decided_on) for d in input.disciplines],
        )
        recorded = {name: json_value(value) for name, value in values.items()}
        recorded["disciplines"] = _disciplines(
            (d.form.value, d.decided_on) for d in input.disciplines
        )
        await audit_change(ctx, "create_person", "person", person.id, unit_id, after=recorded)
        await idempotency.remember(ctx, input.idempotency_key, {"person_id": person.id})
        await ctx.session.commit()
        return PersonPayload(person=Person.from_row(person))

    @strawberry.mutation(
        description="Change a cadre record (cập nhật hồ sơ); pass the `version` you read.",
        extensions=official(),
    )
    async def update_person(
        self, info: strawberry.Info[Context, None], input: UpdatePersonInput
    ) -> PersonResult:
        ctx = info.context
        person_id = row_id(input.person, "Person")
        person = await ctx.db(persons_db.for_update, person_id=person_id) if person_id else None
        path = await ctx.db(access_db.unit_path, unit_id=person.unit_id) if person else None
        if person is None or path is None or not ctx.allows("read", "person", path):
            return not_found(ctx, input.person)
        if not ctx.allows("edit", "person", path):
            return not_allowed(ctx, "edit", "person")
        replayed = await replayed_person(ctx, input.idempotency_key, "updatePerson", input)
        if replayed is not None:
            return replayed
        if input.version != person.version:
            return stale_version(ctx, person.version)
        changes = {
            name: getattr(input, name)
            for name in _PLAIN_FIELDS
            if getattr(input, name) is not strawberry.UNSET
        }
        if "is_sci_tech" in changes and changes["is_sci_tech"] is None:
            changes["is_sci_tech"] = False  # null: not recorded as S&T, like a new record
        if isinstance(changes.get("sex"), Sex):
            changes["sex"] = changes["sex"].value
        merged = {name: getattr(person, name) for name in ("national_id", *_PLAIN_FIELDS)}
        merged.update(changes)
        problems = _problems(ctx, merged)
        if problems:
            return validation_failed(ctx, problems)
        # What the change does, field by field: only what differs, as it was and as it becomes.
        changed = [name for name, value in changes.items() if getattr(person, name) != value]
        before = {name: json_value(getattr(person, name)) for name in changed}
        after = {name: json_value(changes[name]) for name in changed}
        _apply(person, changes)
        if input.disciplines is not strawberry.UNSET:
            given = [(d.form.value, d.decided_on) for d in input.disciplines or []]
            held = (await ctx.db(persons_db.disciplines_of, [person.id]))[person.id]
            before["disciplines"] = _disciplines((d.form, d.decided_on) for d in held)
            after["disciplines"] = _disciplines(given)
            await ctx.db(persons_db.replace_disciplines, person_id=person.id, disciplines=given)
            # R1: a discipline on a planned person raises removal proposals on their entries.
            proposed = await propose_removals(
                ctx,
                person_id=person.id,
                before=[(d.form, d.decided_on) for d in held],
                after=given,
            )
            if proposed:
                after["removal_proposals"] = proposed
        before["version"], after["version"] = person.version, person.version + 1
        person.version += 1
        await audit_change(
            ctx, "update_person", "person", person.id, person.unit_id, before=before, after=after
        )
        await idempotency.remember(ctx, input.idempotency_key, {"person_id": person.id})
        await ctx.session.commit()
        return PersonPayload(person=Person.from_row(person))


async def replayed_person(
    ctx: Context, key: str | None, operation: str, given: object
) -> PersonPayload | IdempotencyKeyReused | None:
    """The answer a person mutation gave to an earlier call with ``key``; None if none did."""
    earlier = await idempotency.earlier_result(ctx, key, operation, given)
    if earlier is None or isinstance(earlier, IdempotencyKeyReused):
        return earlier
    person = (await ctx.db(persons_db.by_ids, [earlier["person_id"]]))[earlier["person_id"]]
    return PersonPayload(person=Person.from_row(person))


def _disciplines(records: Iterable[tuple[str, date]]) -> list[dict[str, str]]:
    """Discipline records as an audit event stores them."""
    return [{"form": form, "decided_on": day.isoformat()} for form, day in records]


def _apply(person: PersonRow, changes: dict[str, Any]) -> None:
    for name, value in changes.items():
        setattr(person, name, value)
