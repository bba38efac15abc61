"""Consolidation after the 2025 reorganisation (DOMAIN.md A.11, §9 cases 15–16), on the real
2025 lineage: plans approved on the old tree in June 2025, consolidated today (21/11/2026) by
their successors.

- Phường Quảng Yên (new 07132) continues the old Quảng Yên, Tiền An and Yên Giang (07132,
  07153, 07162), none of them split.
- The old Xã Liên Hòa (07180, district 206) was split between the new Phường Hà An (07168) and
  Phường Liên Hòa (07180).
- The old district Quảng Yên (206) has no successor: its titles are the new province's to
  re-plan or remove.
"""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from planning.units import UnitKind
from schema.access.services import AccessServices
from tests.conftest import Runner
from tests.schema.consolidation_helpers import (
    THREE_TIER,
    Desk,
    new_desk,
    old_plan,
    status_of,
)
from tests.schema.plan_helpers import BALLOT, officials, person, position


async def test_a_merged_commune_consolidates_its_predecessors_and_supersedes_them(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    lan = await person(session, "07132", "022084100001", "Vũ Thị Lan", at=THREE_TIER)
    hung = await person(session, "07153", "022084100002", "Ngô Văn Hùng", at=THREE_TIER)
    planned = [(lan, "PCT_UBND"), (lan, "PHO_BI_THU")]
    quang_yen = await old_plan(run, session, access, "07132", planned)
    tien_an = await old_plan(run, session, access, "07153", [(hung, "CT_MTTQ")])
    desk = await new_desk(session, access, run, "07132")

    created = await desk.create("07132", "PROVINCE", kind="CONSOLIDATION", at=None)

    assert created["__typename"] == "PlanPayload", created
    plan = created["plan"]
    # The consolidation takes the place of the next-term plan: not both at once (in the DB).
    both = await Desk(run, desk.people).create("07132", "PROVINCE", kind="NEXT_TERM", at=None)
    assert [p["code"] for p in both["problems"]] == ["PLAN_EXISTS"]
    assert (plan["kind"], plan["status"], plan["approvingUnit"]) == (
        "CONSOLIDATION",
        "DRAFT",
        {"code": "22"},
    )
    # Old commune titles (managed by the district) become the new commune's (by the province).
    assert [
        (e["person"]["fullName"], e["position"], e["change"], e["origin"]["unit"]["code"])
        for e in plan["entries"]
    ] == [
        ("Vũ Thị Lan", {"code": "PCT_UBND", "managedBy": "PROVINCE"}, "KEEP", "07132"),
        ("Vũ Thị Lan", {"code": "PHO_BI_THU", "managedBy": "PROVINCE"}, "KEEP", "07132"),
        ("Ngô Văn Hùng", {"code": "CT_MTTQ", "managedBy": "PROVINCE"}, "KEEP", "07153"),
    ]
    assert {e["origin"]["plan"] for e in plan["entries"]} == {quang_yen["id"], tien_an["id"]}
    assert plan["entries"][0]["origin"]["entry"] == quang_yen["entries"][0]["id"]
    assert plan["entries"][0]["origin"]["unit"]["validTo"] == "2025-06-30"
    assert plan["consolidationLeftovers"] == []
    assert plan["validation"]["errors"] == []

    approved = await desk.through(decided="2026-11-21")

    assert approved["plan"]["status"] == "APPROVED"
    assert [e["status"] for e in approved["plan"]["entries"]] == ["ACTIVE"] * 3
    for old in (quang_yen, tien_an):
        now = await status_of(run, old)
        assert now["status"] == "SUPERSEDED"
        assert {e["status"] for e in now["entries"]} == {"SUPERSEDED"}
        assert now["history"][-1]["action"] == "SUPERSEDE"
        assert now["history"][-1]["after"]["supersededBy"] == approved["plan"]["id"]
    # A second consolidation is refused for the one that exists (the old plans are superseded).
    again = await Desk(run, desk.people).create("07132", "PROVINCE", kind="CONSOLIDATION", at=None)
    assert [p["code"] for p in again["problems"]] == ["PLAN_EXISTS"]
    # An annual review now builds on the consolidation.
    review = await desk.create("07132", "PROVINCE", kind="ANNUAL_REVIEW", at=None)
    assert review["__typename"] == "PlanPayload"
    assert [e["change"] for e in review["plan"]["entries"]] == ["KEEP"] * 3


async def test_a_split_commune_offers_its_people_to_each_successor_who_keeps_them_once(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    mai = await person(session, "07180", "022084100011", "Đỗ Thị Mai", at=THREE_TIER)
    son = await person(session, "07180", "022084100012", "Lý Văn Sơn", at=THREE_TIER)
    lien_hoa = await old_plan(run, session, access, "07180", [(mai, "PCT_UBND"), (son, "CT_MTTQ")])
    ha_an, new_lien_hoa = (
        await new_desk(session, access, run, "07168"),
        await new_desk(session, access, run, "07180"),
    )
    first = (await ha_an.create("07168", "PROVINCE", kind="CONSOLIDATION", at=None))["plan"]
    second = (await new_lien_hoa.create("07180", "PROVINCE", kind="CONSOLIDATION", at=None))["plan"]
    # Offered to both.
    assert [e["person"]["fullName"] for e in first["entries"]] == ["Đỗ Thị Mai", "Lý Văn Sơn"]
    assert [e["person"]["fullName"] for e in second["entries"]] == ["Đỗ Thị Mai", "Lý Văn Sơn"]

    # Hà An keeps Mai (and lets Sơn go to Liên Hòa).
    sons_entry = first["entries"][1]["id"]
    kept = await ha_an.through(
        decided="2026-11-21",
        results=[{"entry": sons_entry, "approved": False, "reason": "Về Liên Hòa"}],
    )
    assert [e["status"] for e in kept["plan"]["entries"]] == ["ACTIVE", "NOT_APPROVED"]
    # Only the entry Hà An took is superseded: the old plan still serves Liên Hòa.
    old = await status_of(run, lien_hoa)
    assert old["status"] == "APPROVED"
    assert [e["status"] for e in old["entries"]] == ["SUPERSEDED", "ACTIVE"]
    assert old["history"][-1]["action"] == "SUPERSEDE_ENTRIES"

    # Liên Hòa sees at validation that Mai is taken, by whom; its approval names Hà An.
    new_lien_hoa.plan = (
        await new_lien_hoa.do(
            "clerk",
            "updatePlanEntry",
            "UpdatePlanEntryInput",
            entry=second["entries"][0]["id"],
            tier="T1",
        )
    )["plan"]
    errors = new_lien_hoa.plan["validation"]["errors"]
    assert [(e["rule"], e["entry"]) for e in errors] == [
        ("KEPT_ELSEWHERE", second["entries"][0]["id"])
    ]
    assert "Phường Hà An" in errors[0]["message"]
    submitted = await new_lien_hoa.do("head", "submitPlan", "PlanActionInput")
    assert submitted["__typename"] == "ValidationFailed"
    # Removing Mai's entry from the draft lets it through; Sơn is Liên Hòa's.
    await new_lien_hoa.do(
        "clerk",
        "removePlanEntry",
        "RemovePlanEntryInput",
        entry=second["entries"][0]["id"],
        reason="Đã về Phường Hà An",
    )
    done = await new_lien_hoa.through(decided="2026-11-21")
    assert done["plan"]["status"] == "APPROVED"

    # Every successor has consolidated: the old plan as a whole is superseded.
    old = await status_of(run, lien_hoa)
    assert old["status"] == "SUPERSEDED"
    assert [e["status"] for e in old["entries"]] == ["SUPERSEDED", "SUPERSEDED"]


async def test_the_approval_names_the_successor_that_kept_the_person_first(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    mai = await person(session, "07180", "022084100021", "Đỗ Thị Mai", at=THREE_TIER)
    await old_plan(run, session, access, "07180", [(mai, "PCT_UBND")])
    ha_an, lien_hoa = (
        await new_desk(session, access, run, "07168"),
        await new_desk(session, access, run, "07180"),
    )
    await ha_an.create("07168", "PROVINCE", kind="CONSOLIDATION", at=None)
    await lien_hoa.create("07180", "PROVINCE", kind="CONSOLIDATION", at=None)
    # Both reach the approver before either is approved.
    for desk in (ha_an, lien_hoa):
        await desk.do("head", "submitPlan", "PlanActionInput")
        await desk.do("appraiser", "receivePlan", "PlanActionInput")
        await desk.do("appraiser", "appraisePlan", "AppraisePlanInput", report="Đạt")
    first = await ha_an.do(
        "approver", "approvePlan", "ApprovePlanInput", decisionNumber="1", decisionDate="2026-11-21"
    )
    second = await lien_hoa.do(
        "approver", "approvePlan", "ApprovePlanInput", decisionNumber="2", decisionDate="2026-11-21"
    )

    assert first["plan"]["status"] == "APPROVED"
    assert [p["code"] for p in second["problems"]] == ["PERSON_TAKEN"]
    assert "Phường Hà An" in second["problems"][0]["message"]


async def test_district_titles_are_listed_on_the_provinces_consolidation(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    hoa = await person(session, "206", "022084100031", "Bùi Thị Hoa", at=THREE_TIER)
    district = await old_plan(
        run,
        session,
        access,
        "206",
        [(hoa, "BCH")],
        approver="22",
        managed_by="PROVINCE",
        unit_kind=UnitKind.DISTRICT,
    )
    desk = await new_desk(session, access, run, "22")

    created = await desk.create("22", "PROVINCE", kind="CONSOLIDATION", at=None)

    plan = created["plan"]
    assert plan["entries"] == []
    assert plan["consolidationLeftovers"] == [
        {
            "origin": {
                "unit": {"code": "206"},
                "plan": district["id"],
                "entry": district["entries"][0]["id"],
            },
            "person": {"fullName": "Bùi Thị Hoa"},
            "position": {"code": "BCH"},
        }
    ]


async def test_only_a_successor_consolidates_and_only_what_was_approved(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    desk = await new_desk(session, access, run, "07132")
    nothing = await desk.create("07132", "PROVINCE", kind="CONSOLIDATION", at=None)
    assert [p["code"] for p in nothing["problems"]] == ["NO_PREDECESSOR_PLAN"]


@pytest.mark.parametrize("kind", ["CONSOLIDATION"])
async def test_closed_units_do_not_consolidate(
    run: Runner, session: AsyncSession, access: AccessServices, kind: str
) -> None:
    people = await officials(
        session, access, commune="07153", approver="206", suffix="c", at=THREE_TIER
    )
    desk = Desk(run, people)
    closed = await desk.create("07153", "DISTRICT", kind=kind, at=THREE_TIER)
    assert [p["code"] for p in closed["problems"]] == ["UNIT_CLOSED"]


async def test_q5_counts_a_communes_committee_on_the_size_of_its_merger(
    run: Runner, session: AsyncSession, access: AccessServices
) -> None:
    # Xã Hải Hòa (06799) continues two old communes: its BCH counts on 27 seats, not 33.
    desk = await new_desk(session, access, run, "06799")
    await desk.create("06799", "PROVINCE", kind="NEXT_TERM", at=None)
    member = await person(session, "06799", "022084100041", "Hà Văn Quý")
    bch = await position(session, "BCH", managed_by=UnitKind.PROVINCE)

    added = await desk.do(
        "clerk",
        "addPlanEntry",
        "AddPlanEntryInput",
        person=member,
        position=bch,
        tier="T1",
        ballots=[BALLOT],
    )

    warnings = {w["rule"]: w["message"] for w in added["plan"]["validation"]["warnings"]}
    assert "33 seats configured exceed the 27 of a unit merged from 2" in warnings["Q5"]
    assert "1 planned for 27 seats; 27 to 41 are expected" in warnings["Q1"]
