"""Figures carry over (issue 12, point 5), over HTTP with the demo logins: the new Quảng Ninh's
officials and integrators read the 2025–2030 entries the demo approved on the old tree as the old
province's did, a group "carried over from the old Quảng Ninh" among its children, progress
that does not read "nothing submitted" for a commune whose predecessors' plans are approved, and
a past day answered on the old tree. Other modules may add plans of their own: the figures are
compared between the two trees, never with a fixed number. Every id comes from an answer.
"""

from __future__ import annotations

from typing import Any

from api.demo_plans import ENTRIES_PER_PLAN, OLD_TREE_PLANS
from tests.contract.client import Api

# The demo's 2025–2030 plans approved on the old Quảng Ninh tree in March 2025
# (api/demo_plans.py): five plans, each with its own cadres, enough that an integrator's figures
# are not suppressed (fewer than 5 persons are).
DEMO_ENTRIES = len(OLD_TREE_PLANS) * ENTRIES_PER_PLAN


UNITS = """
{
  old: unit(code: "22", at: "2025-06-30") { id name }
  new: unit(code: "22") { id name }
  commune: unit(code: "07132") { id name }
}
"""
STATISTICS = """
query ($u: ID!, $groupBy: [Dimension!]!, $at: Date) {
  statistics(input: {unit: $u, cycle: "2025-2030", groupBy: $groupBy, at: $at}) {
    exact total { entries persons suppressed }
    rows { group { value label } entries persons suppressed }
  }
}
"""
PROGRESS = """
query ($u: ID!) {
  progress(input: {unit: $u, cycle: "2025-2030"}) {
    children { unit { id code } counts { status count } carriedOver { status count }
               submissionOverdue }
  }
}
"""


async def figures(
    api: Api, username: str, unit_id: str, group_by: list[str], at: str | None = None
) -> dict[str, Any]:
    client = await api.login(username)
    answer = await client.data(STATISTICS, {"u": unit_id, "groupBy": group_by, "at": at})
    return dict(answer["statistics"])


async def test_the_new_provinces_officials_read_the_old_provinces_figures(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)
    old, new = units["old"]["id"], units["new"]["id"]

    for group_by in ([], ["GENDER"]):
        now_old = await figures(api, "approver.22.old", old, group_by)
        now_new = await figures(api, "approver.22", new, group_by)
        assert now_new == now_old
    assert now_new["exact"] is True
    assert now_new["total"]["entries"] >= DEMO_ENTRIES
    # An integrator reads them too, suppressed as on the old tree and no more.
    seen_new = await figures(api, "integrator.22", new, [])
    assert seen_new == await figures(api, "integrator.22.old", old, [])
    assert seen_new["total"]["entries"] >= DEMO_ENTRIES


async def test_carried_over_figures_are_a_group_of_their_own(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)

    by_child = await figures(api, "approver.22", units["new"]["id"], ["CHILD_UNIT"])

    groups = {row["group"][0]["label"]: row["entries"] for row in by_child["rows"]}
    # The old province, read through lineage, beside the new communes' own figures.
    assert groups["Tỉnh Quảng Ninh"] >= DEMO_ENTRIES
    [carried] = [r for r in by_child["rows"] if r["group"][0]["label"] == "Tỉnh Quảng Ninh"]
    assert carried["group"][0]["value"] != units["new"]["id"]


async def test_progress_shows_the_commune_carrying_its_predecessors_plan(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)
    approver = await api.login("approver.22")

    progress = (await approver.data(PROGRESS, {"u": units["new"]["id"]}))["progress"]

    [commune] = [c for c in progress["children"] if c["unit"]["id"] == units["commune"]["id"]]
    carried = {c["status"]: c["count"] for c in commune["carriedOver"]}
    assert carried["APPROVED"] >= 1
    assert commune["submissionOverdue"] is False


async def test_a_day_before_the_reform_answers_on_the_old_tree(api: Api) -> None:
    units = await (await api.login("viewer.22")).data(UNITS)

    before = await figures(api, "approver.22.old", units["old"]["id"], [], at="2025-03-01")
    then = await figures(api, "approver.22.old", units["old"]["id"], [], at="2025-06-28")
    through = await figures(api, "approver.22", units["new"]["id"], [], at="2025-06-28")

    assert then["total"]["entries"] - (before["total"]["entries"] or 0) >= DEMO_ENTRIES
    assert through == then  # the new province reads what its predecessor had approved that day
