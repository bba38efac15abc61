"""GraphQL types of cadre records (hồ sơ cán bộ). Personal data: officials of the scope only."""

from __future__ import annotations

from datetime import date
from typing import Self

import strawberry

from db import persons as persons_db
from db.plan_models import Person as PersonRow
from planning.persons import BirthDate
from planning.retirement import retirement_month
from schema.context import Context
from schema.enums import DisciplineForm, PoliticalTheory, Sex
from schema.node import Node, to_global_id
from schema.units.types import Unit, tree_date


@strawberry.type(description="A discipline decision on record (kỷ luật).")
class DisciplineRecord:
    form: DisciplineForm
    decided_on: date


@strawberry.type(description="A unit a person worked in, and when (quá trình công tác).")
class PersonPlacement:
    unit: Unit = strawberry.field(description="The unit (đơn vị công tác).")
    valid_from: date | None = strawberry.field(
        description="The day the person came (a transfer's day); null before transfers were kept."
    )
    valid_to: date | None = strawberry.field(
        description="The day the person was transferred away; null for the current unit."
    )
    reason: str | None = strawberry.field(
        description="Why the person left the unit (the transfer's reason)."
    )


@strawberry.type(description="A cadre's record (hồ sơ cán bộ): one per national id.")
class Person(Node):
    national_id: str = strawberry.field(description="Số định danh cá nhân (12 digits).")
    full_name: str = strawberry.field(description="Họ và tên.")
    sex: Sex
    birth_year: int
    birth_month: int | None = strawberry.field(description="Null when only the year is known.")
    birth_day: int | None = strawberry.field(description="Null when only month/year are known.")
    ethnicity: str | None = strawberry.field(description="Dân tộc.")
    education: str | None = strawberry.field(description="Trình độ chuyên môn.")
    political_theory: PoliticalTheory | None = strawberry.field(
        description="Trình độ lý luận chính trị."
    )
    civil_service_grade: str | None = strawberry.field(description="Ngạch công chức.")
    party_admission_date: date | None = strawberry.field(description="Ngày vào Đảng.")
    current_position: str | None = strawberry.field(description="Chức vụ hiện tại.")
    current_rank: int | None = strawberry.field(
        description="QĐ 368 rank (bậc) of the current post; 1 is the highest."
    )
    retirement_override_months: int | None = strawberry.field(
        description="An individual retirement age in months (e.g. 720: a woman entitled to 60)."
    )
    political_standard_ok: bool | None = strawberry.field(
        description="Kết luận tiêu chuẩn chính trị; null while not concluded."
    )
    proposed_for_appointment: bool = strawberry.field(
        description="Being proposed for appointment or nomination now (then not plannable)."
    )
    version: int = strawberry.field(description="Pass it back to `updatePerson` (optimistic lock).")
    is_sci_tech: bool = strawberry.field(
        description="Cán bộ có trình độ khoa học, công nghệ (the S&T indicator)."
    )
    row: strawberry.Private[PersonRow]

    @classmethod
    def from_row(cls, row: PersonRow) -> Self:
        return cls(
            id=to_global_id("Person", row.id),
            national_id=row.national_id,
            full_name=row.full_name,
            sex=Sex(row.sex),
            birth_year=row.birth_year,
            birth_month=row.birth_month,
            birth_day=row.birth_day,
            ethnicity=row.ethnicity,
            education=row.education,
            political_theory=row.political_theory,
            civil_service_grade=row.civil_service_grade,
            party_admission_date=row.party_admission_date,
            current_position=row.current_position,
            current_rank=row.current_rank,
            retirement_override_months=row.retirement_override_months,
            political_standard_ok=row.political_standard_ok,
            proposed_for_appointment=row.proposed_for_appointment,
            version=row.version,
            is_sci_tech=row.is_sci_tech,
            row=row,
        )

    @strawberry.field(description="The unit the person works in (đơn vị công tác).")
    async def unit(self, info: strawberry.Info[Context, None]) -> Unit:
        row = await info.context.loaders.unit.load(self.row.unit_id)
        assert row is not None
        return Unit.from_row(row, at=tree_date(row, None, info.context.today))

    @strawberry.field(description="The hometown unit (quê quán), when recorded.")
    async def hometown(self, info: strawberry.Info[Context, None]) -> Unit | None:
        if self.row.hometown_unit_id is None:
            return None
        row = await info.context.loaders.unit.load(self.row.hometown_unit_id)
        return Unit.from_row(row, at=tree_date(row, None, info.context.today)) if row else None

    @strawberry.field(
        description="The month the person reaches retirement age (NĐ 135/2020), as `MM/YYYY`."
    )
    def retirement_month(self) -> str:
        month = retirement_month(
            sex=Sex(self.row.sex),
            birth=BirthDate(self.row.birth_year, self.row.birth_month).month_for_rules(),
            override_age_months=self.row.retirement_override_months,
        )
        return str(month)

    @strawberry.field(description="Discipline decisions on record, oldest first.")
    async def disciplines(self, info: strawberry.Info[Context, None]) -> list[DisciplineRecord]:
        rows = await info.context.loaders.disciplines_of_person.load(self.row.id)
        return [
            DisciplineRecord(form=DisciplineForm(r.form), decided_on=r.decided_on) for r in rows
        ]

    @strawberry.field(
        description="The units the person worked in (quá trình công tác), oldest first; the "
        "current unit last, with `validTo` null. A transfer never moves the person's plan "
        "entries: they stay with the units that planned them."
    )
    async def unit_history(self, info: strawberry.Info[Context, None]) -> list[PersonPlacement]:
        ctx = info.context
        history = await ctx.loaders.placements_of_person.load(self.row.id)
        current = persons_db.placement(self.row, history)
        periods: list[tuple[int, date | None, date | None, str | None]] = [
            (h.unit_id, h.valid_from, h.valid_to, h.reason) for h in history
        ]
        periods.append((current.unit_id, current.since, None, None))
        units = await ctx.loaders.unit.load_many([unit_id for unit_id, *_ in periods])
        placements = []
        for row, (_, valid_from, valid_to, reason) in zip(units, periods, strict=True):
            assert row is not None  # a foreign key
            placements.append(
                PersonPlacement(
                    unit=Unit.from_row(row, at=tree_date(row, None, ctx.today)),
                    valid_from=valid_from,
                    valid_to=valid_to,
                    reason=reason,
                )
            )
        return placements


@strawberry.type(description="No cadre record has this national id (chưa có hồ sơ).")
class PersonNotRegistered:
    message: str = strawberry.field(description="What to tell the official, in their language.")


@strawberry.type(
    description="A cadre record with this national id exists, in units you may not read: "
    "where to ask, and nothing personal (DOMAIN.md A.8)."
)
class PersonRegisteredElsewhere:
    message: str = strawberry.field(description="Whom to ask, in the official's language.")
    person: strawberry.ID = strawberry.field(
        description="The record's id, to name it in `transferPerson`; it tells nothing about "
        "the person."
    )
    province: Unit = strawberry.field(
        description="The province holding the record (tỉnh quản lý hồ sơ); for a record of a "
        "central body, that body."
    )
