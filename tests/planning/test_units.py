"""The rules a unit list must satisfy before it is loaded."""

from __future__ import annotations

import pytest

from planning.units import UnitKind, UnitRow, check_rows


def row(line: int, kind: str, code: str, parent: str = "", name: str = "Xã Thử") -> UnitRow:
    return UnitRow(line=line, kind=kind, code=code, name=name, parent_code=parent)


THREE_TIER = [
    row(2, "PROVINCE", "22", name="Tỉnh Quảng Ninh"),
    row(3, "DISTRICT", "206", "22", name="Thị xã Quảng Yên"),
    row(4, "COMMUNE", "07132", "206", name="Phường Đông Mai"),
]


class TestCheckRows:
    def test_accepts_a_three_tier_list(self) -> None:
        assert check_rows(THREE_TIER, existing_parents={}) == []

    def test_accepts_communes_directly_under_a_province(self) -> None:
        rows = [row(2, "PROVINCE", "22"), row(3, "COMMUNE", "07132", "22")]

        assert check_rows(rows, existing_parents={}) == []

    def test_accepts_a_parent_already_in_the_database(self) -> None:
        rows = [row(2, "COMMUNE", "07132", "206")]

        assert check_rows(rows, existing_parents={"206": UnitKind.DISTRICT}) == []

    @pytest.mark.parametrize(
        ("rows", "line", "reason"),
        [
            ([*THREE_TIER, row(5, "COMMUNE", "07133", "999")], 5, "UNKNOWN_PARENT"),
            ([*THREE_TIER, row(5, "COMMUNE", "07132", "206")], 5, "DUPLICATE_CODE"),
            ([*THREE_TIER, row(5, "HAMLET", "1", "206")], 5, "BAD_KIND"),
            ([*THREE_TIER, row(5, "CENTRAL", "VN2")], 5, "BAD_KIND"),
            ([*THREE_TIER, row(5, "COMMUNE", "7133", "206")], 5, "BAD_CODE"),
            ([*THREE_TIER, row(5, "DISTRICT", "207", "206")], 5, "BAD_PARENT"),
            ([*THREE_TIER, row(5, "DISTRICT", "207", "22", name=" ")], 5, "MISSING_NAME"),
        ],
    )
    def test_names_the_line_and_the_reason(
        self, rows: list[UnitRow], line: int, reason: str
    ) -> None:
        problems = check_rows(rows, existing_parents={})

        assert [(p.line, p.reason) for p in problems] == [(line, reason)]

    def test_reports_every_problem_in_line_order(self) -> None:
        rows = [row(2, "COMMUNE", "1", "x"), row(3, "NOPE", "22")]

        problems = check_rows(rows, existing_parents={})

        assert [(p.line, p.reason) for p in problems] == [
            (2, "BAD_CODE"),
            (2, "UNKNOWN_PARENT"),
            (3, "BAD_KIND"),
        ]
