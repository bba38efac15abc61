"""The unit hierarchy through GraphQL, on the real three-tier and two-tier lists."""

from __future__ import annotations

from typing import Any

import pytest

from schema.node import to_global_id
from tests.conftest import Runner, Statements

UNIT_BY_CODE = """
query ($code: String!, $at: Date) {
  unit(code: $code, at: $at) {
    id code name kind validFrom validTo
    parent { code }
    ancestors { code kind }
    children(first: 3) { totalCount edges { node { code } } }
    descendantCount
  }
}
"""

UNITS = """
query ($kind: UnitKind, $parent: ID, $search: String, $at: Date, $first: Int, $after: String) {
  units(kind: $kind, parent: $parent, search: $search, at: $at, first: $first, after: $after) {
    totalCount
    edges { cursor node { code name } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def unit(run: Runner, code: str, at: str | None = None) -> Any:
    return (await run.data(UNIT_BY_CODE, {"code": code, "at": at}))["unit"]


class TestUnit:
    async def test_reads_a_district_of_the_three_tier_tree(self, run: Runner) -> None:
        quang_yen = await unit(run, "206", "2025-01-01")

        assert quang_yen["name"] == "Thị xã Quảng Yên"
        assert quang_yen["kind"] == "DISTRICT"
        assert quang_yen["validTo"] == "2025-06-30"
        assert quang_yen["parent"] == {"code": "22"}
        assert quang_yen["ancestors"] == [
            {"code": "VN", "kind": "CENTRAL"},
            {"code": "22", "kind": "PROVINCE"},
        ]
        assert quang_yen["children"]["totalCount"] == 19
        assert quang_yen["descendantCount"] == 19

    async def test_the_same_code_names_another_unit_after_the_reform(self, run: Runner) -> None:
        before = await unit(run, "07132", "2025-06-30")
        after = await unit(run, "07132", "2025-07-01")

        assert before["parent"] == {"code": "206"}
        assert after["parent"] == {"code": "22"}
        assert before["id"] != after["id"]

    async def test_defaults_to_the_tree_valid_today(self, run: Runner) -> None:
        quang_ninh = await unit(run, "22")

        assert quang_ninh["validFrom"] == "2025-07-01"
        assert {a["kind"] for a in quang_ninh["ancestors"]} == {"CENTRAL"}

    async def test_a_district_abolished_in_2025_is_not_in_todays_tree(self, run: Runner) -> None:
        assert await unit(run, "206", "2026-11-21") is None

    async def test_a_code_nobody_bears_today_answers_its_last_unit(self, run: Runner) -> None:
        quang_yen = await unit(run, "206")

        assert quang_yen["name"] == "Thị xã Quảng Yên"
        assert quang_yen["validTo"] == "2025-06-30"
        assert quang_yen["children"]["totalCount"] == 19  # read as on its last day

    async def test_by_id_reads_a_closed_unit_as_on_its_last_day(self, run: Runner) -> None:
        quang_yen = await unit(run, "206", "2025-06-30")

        data = await run.data(
            "query ($id: ID!) { unit(id: $id) { code children { totalCount } } }",
            {"id": quang_yen["id"]},
        )

        assert data["unit"] == {"code": "206", "children": {"totalCount": 19}}

    async def test_node_resolves_a_global_id(self, run: Runner) -> None:
        hanoi = await unit(run, "01")

        data = await run.data(
            "query ($id: ID!) { node(id: $id) { id ... on Unit { name } } }", {"id": hanoi["id"]}
        )

        assert data["node"] == {"id": hanoi["id"], "name": "Thành phố Hà Nội"}

    async def test_node_of_an_unknown_id_is_null(self, run: Runner) -> None:
        data = await run.data(
            "query ($id: ID!) { node(id: $id) { id } }", {"id": to_global_id("Unit", 10**12)}
        )

        assert data["node"] is None

    @pytest.mark.parametrize("bad_id", ["garbage", "VW5pdDp4", to_global_id("Plan", 1)])
    async def test_refuses_a_malformed_id(self, run: Runner, bad_id: str) -> None:
        codes = await run.error_codes("query ($id: ID!) { unit(id: $id) { code } }", {"id": bad_id})

        assert codes == ["INVALID_ID"]

    async def test_wants_exactly_one_of_id_and_code(self, run: Runner) -> None:
        assert await run.error_codes("{ unit { code } }") == ["BAD_ARGUMENTS"]


class TestUnits:
    async def test_lists_the_34_provinces_of_the_two_tier_tree(self, run: Runner) -> None:
        data = await run.data(UNITS, {"kind": "PROVINCE", "first": 100})

        provinces = data["units"]
        assert provinces["totalCount"] == 34
        codes = [edge["node"]["code"] for edge in provinces["edges"]]
        assert codes == sorted(codes)
        assert len(codes) == 34

    async def test_lists_the_63_provinces_before_the_reform(self, run: Runner) -> None:
        data = await run.data(UNITS, {"kind": "PROVINCE", "at": "2025-06-30", "first": 0})

        assert data["units"]["totalCount"] == 63

    async def test_counts_3321_communes_after_the_reform(self, run: Runner) -> None:
        data = await run.data(UNITS, {"kind": "COMMUNE", "first": 0})

        assert data["units"]["totalCount"] == 3321

    async def test_pages_through_children_without_gaps_or_repeats(self, run: Runner) -> None:
        hanoi = await unit(run, "01", "2025-06-30")
        seen: list[str] = []
        after = None
        while True:
            page = (
                await run.data(
                    UNITS,
                    {"parent": hanoi["id"], "at": "2025-06-30", "first": 7, "after": after},
                )
            )["units"]
            seen += [edge["node"]["code"] for edge in page["edges"]]
            assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]

        assert len(seen) == len(set(seen)) == page["totalCount"] == 30
        assert seen == sorted(seen)

    @pytest.mark.parametrize(
        ("search", "at", "expected"),
        [
            ("quang yen", "2025-06-30", "Thị xã Quảng Yên"),
            ("QUẢNG YÊN", "2025-06-30", "Thị xã Quảng Yên"),
            ("ha noi", None, "Thành phố Hà Nội"),
            ("thanh pho ha", None, "Thành phố Hà Nội"),
            ("dong mai", "2025-06-30", "Phường Đông Mai"),
        ],
    )
    async def test_search_ignores_accents_and_case_and_matches_word_prefixes(
        self, run: Runner, search: str, at: str | None, expected: str
    ) -> None:
        data = await run.data(UNITS, {"search": search, "at": at, "first": 100})

        assert expected in [edge["node"]["name"] for edge in data["units"]["edges"]]

    async def test_search_words_must_all_match(self, run: Runner) -> None:
        data = await run.data(UNITS, {"search": "quang yen", "kind": "PROVINCE", "first": 100})

        assert data["units"]["edges"] == []

    async def test_search_does_not_match_inside_words(self, run: Runner) -> None:
        data = await run.data(UNITS, {"search": "uang", "first": 100})

        assert data["units"]["totalCount"] == 0

    @pytest.mark.parametrize("first", [101, -1])
    async def test_refuses_a_page_size_out_of_bounds(self, run: Runner, first: int) -> None:
        assert await run.error_codes(UNITS, {"first": first}) == ["PAGE_SIZE_EXCEEDED"]

    @pytest.mark.parametrize("after", ["not-a-cursor", "WzEsMl0=", "e30="])
    async def test_refuses_a_forged_cursor(self, run: Runner, after: str) -> None:
        assert await run.error_codes(UNITS, {"after": after}) == ["INVALID_CURSOR"]

    async def test_refuses_an_overlong_search(self, run: Runner) -> None:
        # `search` declares @maxLength(chars: 200): refused before the resolver runs.
        assert await run.error_codes(UNITS, {"search": "a" * 201}) == ["BAD_USER_INPUT"]
        assert await run.data(UNITS, {"search": "a" * 200})


NESTED = """
query ($first: Int) {
  units(kind: PROVINCE, at: "2025-06-30", first: $first) {
    edges { node { name children(first: 100) { edges { node { name children { totalCount } } } } } }
  }
}
"""


class TestStatementCount:
    async def test_a_nested_query_costs_the_same_statements_for_few_and_many_units(
        self, run: Runner, statements: Statements
    ) -> None:
        await run.data("{ units(first: 1) { totalCount } }")  # opens the test savepoint
        statements.count = 0
        await run.data(NESTED, {"first": 2})
        few = statements.count
        statements.count = 0

        data = await run.data(NESTED, {"first": 63})

        districts = sum(len(p["node"]["children"]["edges"]) for p in data["units"]["edges"])
        assert districts > 600
        assert statements.count == few
        assert few == 3  # provinces, their districts, the districts' commune counts
