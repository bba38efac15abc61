"""The S&T target (≈5%, QĐ 377 / Chỉ thị 45, DOMAIN §8) read from the recorded attribute."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from fractions import Fraction

from planning.units import UnitKind
from planning.validation import EntryToCheck, validate
from tests.planning.test_rules import JULY_2030, QD377, VICE_CHAIR, candidate, plan_of


def _warnings(entries: list[EntryToCheck]) -> dict[str, dict[str, object]]:
    result = validate(
        entries=entries,
        positions=VICE_CHAIR,
        elsewhere={},
        level=UnitKind.COMMUNE,
        age_at=JULY_2030,
        on=date(2026, 11, 21),
        rules=QD377,
    )
    return {f.rule: dict(f.values) for f in result.warnings}


def _plan(sci_tech: Sequence[bool | None]) -> list[EntryToCheck]:
    return [
        replace(e, candidate=replace(candidate(), sci_tech=flag))
        for e, flag in zip(plan_of(len(sci_tech)), sci_tech, strict=True)
    ]


def test_the_rule_set_holds_the_sci_tech_target_of_about_5_percent() -> None:
    [target] = [t for t in QD377.targets_for(UnitKind.COMMUNE) if t.indicator == "SCI_TECH"]
    assert target.at_least == Fraction(5, 100)
    assert "Chỉ thị 45-CT/TW" in target.source


def test_no_sci_tech_cadre_among_twenty_warns_with_the_share() -> None:
    warned = _warnings(_plan([False] * 20))
    assert warned["T-SCI_TECH"] == {"value": "0%", "target": "5%"}


def test_one_in_twenty_meets_the_target() -> None:
    assert "T-SCI_TECH" not in _warnings(_plan([True] + [False] * 19))
    assert "T-SCI_TECH" in _warnings(_plan([True] + [False] * 20))  # 1/21 < 5%


def test_records_that_do_not_say_are_not_counted_as_zero() -> None:
    assert "T-SCI_TECH" not in _warnings(_plan([None] * 3))
