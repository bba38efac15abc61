"""The planning enums a client sees, registered with strawberry in one place.

The enums themselves live in `planning/` (the rules speak them); what makes each a GraphQL enum
is registering it here. A schema module that uses one in a field, an argument or an input imports
it from this module, so it is registered before any type needs it, whatever is imported first.
"""

from __future__ import annotations

import strawberry

from planning.access import Role, Scope
from planning.calendar import DayKind, DaySource
from planning.cycles import AgeBasis, PlanKind
from planning.findings import Severity
from planning.lifecycle import EntryStatus, InboxMove, PlanStatus
from planning.positions import PositionBody
from planning.retirement import Sex
from planning.rulesets import CandidateTier, DisciplineForm, Indicator
from planning.theory import PoliticalTheory
from planning.units import UnitKind

__all__ = [
    "AgeBasis",
    "CandidateTier",
    "DayKind",
    "DaySource",
    "DisciplineForm",
    "EntryStatus",
    "InboxMove",
    "Indicator",
    "PlanKind",
    "PlanStatus",
    "PoliticalTheory",
    "PositionBody",
    "Role",
    "Scope",
    "Severity",
    "Sex",
    "UnitKind",
]

# The units
strawberry.enum(
    UnitKind,
    description="The tier of a unit (cấp): the national root, province, district, commune, agency.",
)

# Logins and grants
strawberry.enum(Role, description="A role an official holds on a unit (vai trò).")
strawberry.enum(
    Scope,
    description="How far a permission reaches from the unit the role is granted on: the whole "
    "subtree, the unit itself only (exact), or its direct children.",
)

# Cadre records
strawberry.enum(Sex, description="Sex as recorded (giới tính).")
strawberry.enum(DisciplineForm, description="A form of Party discipline (hình thức kỷ luật).")
strawberry.enum(
    PoliticalTheory,
    description="A level of political theory (trình độ lý luận chính trị): sơ cấp, trung cấp, "
    "cao cấp, cử nhân (which meets cao cấp, HD 45 II.5.1).",
)

# Plans, their entries, findings and targets
strawberry.enum(PlanStatus, description="Where a plan is in its workflow (trạng thái).")
strawberry.enum(EntryStatus, description="The state of one entry (lượt quy hoạch).")
strawberry.enum(InboxMove, description="How a plan moved in your inbox (hộp việc).")
strawberry.enum(
    PlanKind,
    description="Next-term plan, an annual review of the approved set, or the consolidation of "
    "a successor unit's predecessors' approved plans after a reorganisation.",
)
strawberry.enum(
    PositionBody,
    description="The body a title belongs to: the Party (cấp ủy), the State (HĐND, UBND) or the "
    "Front and its organisations (Mặt trận Tổ quốc).",
)
strawberry.enum(CandidateTier, description="Đối tượng 1 or 2 for the planned position.")
strawberry.enum(Severity, description="HARD blocks submission; TARGET only warns.")
strawberry.enum(Indicator, description="A structure indicator with a target (chỉ tiêu cơ cấu).")

# The working calendar of the approval clock (DOMAIN.md §5.4)
strawberry.enum(
    DayKind,
    description="What a day is for working-day deadlines: OFF (ngày nghỉ, not counted) or "
    "WORKING (counted; a weekend day so declared is worked in exchange).",
)
strawberry.enum(
    DaySource,
    description="Where the calendar takes a day from: STATUTORY (Vietnam's public holidays of "
    "every year, computed: Tết and Hùng Kings' day from the lunar calendar, with known swaps) "
    "or DECIDED (the government's decision for the year, recorded with `setHoliday`).",
)
strawberry.enum(
    AgeBasis,
    description="Where a report's age reference comes from: the cycle's fixed month (HD 45), "
    "the review month, or under OLD_2012 the decision date, the due date or today.",
)
