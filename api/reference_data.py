"""The reference data files of plans in ``data/rules``: positions, cycles, holidays, rule sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from planning.rulesets import RuleSet, parse

RULES_DIR = Path(__file__).resolve().parent.parent / "data" / "rules"


def read(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((RULES_DIR / f"{name}.json").read_text(encoding="utf-8"))
    return data


def rule_sets() -> dict[str, RuleSet]:
    """The shipped rule sets by code (OLD_2012, QD50_2021, QD377_2025)."""
    return {code: parse(code, data) for code, data in read("rulesets").items()}
