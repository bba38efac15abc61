"""Approval holds the rules as of its moment (issue 11), driven over HTTP with ids from answers.

A plan received and then changed underneath (a planned person disciplined and proposed for
appointment) shows the blocked entry in its appraisal and cannot be approved until that entry
is refused; a discipline on a person of an approved plan raises a removal proposal (R1) that
the unit's next review starts from; a decision is not dated in the future.
"""

from __future__ import annotations

from typing import Any

from tests.contract.desk import Desk

PLAN = """
  __typename
  ... on PlanPayload {
    plan {
      id status version
      entries { id status change resultReason removalReason person { id }
                removalProposal { rule reason } }
      appraisalFindings { rule entry message }
      removalProposals { rule reason disciplineForm disciplineDecidedOn entry { id } }
      validation { blocksSubmission errors { rule entry } }
    }
  }
  ... on ValidationFailed { problems { code field message } }
"""
PERSON = """
  __typename
  ... on PersonPayload { person { id version } }
  ... on ValidationFailed { problems { code field } }
"""
INPUTS = {"appraisePlan": "AppraisePlanInput", "approvePlan": "ApprovePlanInput"}


async def act(desk: Desk, who: str, name: str, **input: Any) -> dict[str, Any]:
    """Call a plan mutation on the desk's plan, at the version last seen."""
    answer = await desk.people[who].mutate(
        name,
        INPUTS.get(name, "PlanActionInput"),
        PLAN,
        **{"plan": desk.plan["id"], "version": desk.plan["version"], **input},
    )
    if answer["__typename"] == "PlanPayload":
        desk.plan = {**desk.plan, **answer["plan"]}
    return answer


async def discipline(desk: Desk, person: str, form: str, on: str, **changes: Any) -> None:
    """The clerk records a discipline (and other changes) on the person's record."""
    read = await desk.people["clerk"].data(
        "query ($id: ID!) { node(id: $id) { ... on Person { version } } }", {"id": person}
    )
    updated = await desk.people["clerk"].mutate(
        "updatePerson",
        "UpdatePersonInput",
        PERSON,
        person=person,
        version=read["node"]["version"],
        disciplines=[{"form": form, "decidedOn": on}],
        **changes,
    )
    assert updated["__typename"] == "PersonPayload", updated


def entry_of(plan: dict[str, Any], person: str) -> dict[str, Any]:
    return next(e for e in plan["entries"] if e["person"]["id"] == person)


async def test_a_plan_changed_after_receipt_is_approved_only_with_the_blocked_entry_refused(
    desk: Desk,
) -> None:
    lan = await desk.person("Đỗ Văn Lân")
    minh = await desk.person("Hoàng Đức Minh")
    await desk.create()
    await desk.add(lan, desk.demo.position(0))
    await desk.add(minh, desk.demo.position(0))
    for who, name in (("head", "submitPlan"), ("appraiser", "receivePlan")):
        assert (await desk.do(who, name))["plan"]["status"] in ("SUBMITTED", "UNDER_APPRAISAL")

    # Underneath the received plan: Minh is disciplined and proposed for appointment.
    await discipline(desk, minh, "REPRIMAND", "2026-11-20", proposedForAppointment=True)

    appraised = await act(desk, "appraiser", "appraisePlan", report="Đề nghị xem xét lượt Minh")
    plan = appraised["plan"]
    blocked = entry_of(plan, minh)["id"]
    assert plan["status"] == "APPRAISED"  # the appraisal records, the approver decides
    assert {(f["entry"], f["rule"]) for f in plan["appraisalFindings"]} == {
        (blocked, "E3"),
        (blocked, "E11"),
    }
    assert all(f["message"] for f in plan["appraisalFindings"])
    # The discipline also proposes taking Minh out of planning (R1), on the proposed entry.
    assert entry_of(plan, minh)["removalProposal"]["rule"] == "R1"
    assert entry_of(plan, lan)["removalProposal"] is None

    decision = {"decisionNumber": "31-QĐ/TU", "decisionDate": "2026-11-21"}
    refused = await act(desk, "approver", "approvePlan", **decision)
    assert refused["__typename"] == "ValidationFailed"
    problems = refused["problems"]
    assert [(p["code"], p["field"]) for p in problems] == [("ENTRY_BLOCKED", "results")] * 2
    assert all(blocked in p["message"] for p in problems)
    assert "E3" in problems[0]["message"]
    assert "E11" in problems[1]["message"]

    not_minh = [{"entry": blocked, "approved": False, "reason": "Bị kỷ luật khiển trách"}]
    future = await act(
        desk,
        "approver",
        "approvePlan",
        **{**decision, "decisionDate": "2026-11-22"},
        results=not_minh,
    )
    assert [p["code"] for p in future["problems"]] == ["DECISION_DATE_IN_FUTURE"]

    approved = await act(desk, "approver", "approvePlan", **decision, results=not_minh)
    plan = approved["plan"]
    assert plan["status"] == "APPROVED"
    assert {e["person"]["id"]: (e["status"], e["resultReason"]) for e in plan["entries"]} == {
        lan: ("ACTIVE", None),
        minh: ("NOT_APPROVED", "Bị kỷ luật khiển trách"),
    }
    assert plan["removalProposals"] == []  # settled: the entry is out


async def test_a_discipline_in_an_approved_plan_starts_the_next_review_with_a_removal(
    desk: Desk,
) -> None:
    lan = await desk.person("Vũ Văn Lân")
    hoa = await desk.person("Ngô Thị Hoa", sex="FEMALE")
    await desk.create()
    await desk.add(lan, desk.demo.position(0))
    await desk.add(hoa, desk.demo.position(1))
    approved = await desk.approve_all()
    base = approved["id"]

    await discipline(desk, lan, "WARNING", "2026-11-19")

    shown = await desk.people["clerk"].data(
        "query ($id: ID!) { node(id: $id) { ... on Plan {"
        " removalProposals { rule reason disciplineForm disciplineDecidedOn entry { id } }"
        " entries { id person { id } removalProposal { rule } } } } }",
        {"id": base},
    )
    proposals = shown["node"]["removalProposals"]
    in_force = entry_of(shown["node"], lan)["id"]
    assert [(p["rule"], p["disciplineForm"], p["entry"]["id"]) for p in proposals] == [
        ("R1", "WARNING", in_force)
    ]
    assert "cảnh cáo" in proposals[0]["reason"]
    assert "19/11/2026" in proposals[0]["reason"]
    assert entry_of(shown["node"], lan)["removalProposal"] == {"rule": "R1"}
    assert entry_of(shown["node"], hoa)["removalProposal"] is None

    review = await desk.create(kind="ANNUAL_REVIEW")
    assert review["__typename"] == "PlanPayload", review
    entries = {e["person"]["id"]: e for e in review["plan"]["entries"]}
    assert (entries[lan]["change"], entries[hoa]["change"]) == ("REMOVE", "KEEP")
    assert "R1" in entries[lan]["removalReason"]
    assert "cảnh cáo" in entries[lan]["removalReason"]

    # The review approved: Lân's entry leaves the approved set, the proposal is settled.
    reviewed = await desk.approve_all()
    assert {e["person"]["id"]: e["status"] for e in reviewed["entries"]} == {
        lan: "REMOVED",
        hoa: "ACTIVE",
    }
    after = await desk.people["clerk"].data(
        "query ($id: ID!) { node(id: $id) { ... on Plan { status removalProposals { rule } } } }",
        {"id": base},
    )
    assert after["node"] == {"status": "SUPERSEDED", "removalProposals": []}
