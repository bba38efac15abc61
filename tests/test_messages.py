"""The message catalogue (schema/messages): every code a producer can give is worded in both
languages with exactly the values it is given, and the Vietnamese is Vietnamese."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from planning.access import Role
from planning.cycles import AgeAt, AgeBasis
from planning.eligibility import Candidate, Discipline, StandardVerdict, entry_findings
from planning.findings import Finding
from planning.lifecycle import PlanStatus
from planning.problems import problem
from planning.quotas import Ballot
from planning.retirement import Month, Sex
from planning.rulesets import CandidateTier, DisciplineForm, Indicator, VoteBase
from planning.theory import PoliticalTheory
from planning.units import UnitKind
from planning.validation import EntryToCheck, PlannedPosition, validate
from schema.messages import LABELS, MESSAGES, Language, graphql_detail, placeholders, render, text
from schema.messages.labels import ACTIONS, RESOURCES
from schema.outcomes import NOT_ALLOWED_CODES
from tests.planning.test_rules import QD377, candidate

ROOT = Path(__file__).resolve().parents[1]
# Calls whose first argument is a catalogue code, and whose keywords are its values.
PRODUCERS = {"problem", "finding", "ClientError", "text"}
NOT_VALUES = {"entry"}  # finding(..., entry=…) names the entry, it is not a message value


@dataclass(frozen=True)
class Site:
    where: str
    code: str
    # None: not known from the call (values passed as **mapping: validation's counts and the
    # quota refusals, checked by running the rules below)
    values: frozenset[str] | None


def sites() -> list[Site]:
    """Every call of a producer with a literal code in planning/, schema/ and api/."""
    found = []
    for package in ("planning", "schema", "api"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Call) or not node.args:
                    continue
                name = getattr(node.func, "id", getattr(node.func, "attr", None))
                first = node.args[0]
                if name not in PRODUCERS or not isinstance(first, ast.Constant):
                    continue
                code = str(first.value)
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                if not all(k.arg for k in node.keywords):
                    found.append(Site(where, code, None))
                    continue
                names = {str(k.arg) for k in node.keywords} - NOT_VALUES
                found.append(Site(where, code, frozenset(names)))
    return found


SITES = sites()


def test_the_scan_finds_the_producers() -> None:
    # A scan that found nothing would pass everything below: it must see the known ones.
    codes = {site.code for site in SITES}
    assert {"PASSWORD_TOO_SHORT", "E4", "V1", "STALE_VERSION", "NOT_ALLOWED"} <= codes
    assert len(SITES) > 80


@pytest.mark.parametrize("site", SITES, ids=lambda site: site.where)
def test_every_code_produced_is_worded_with_exactly_its_values(site: Site) -> None:
    assert site.code in MESSAGES, f"{site.where}: {site.code} is not in the catalogue"
    message = MESSAGES[site.code]
    if site.values is not None:
        assert placeholders(message.vi) == site.values, site.where
        assert placeholders(message.en) == site.values, site.where


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_both_languages_have_the_same_placeholders(code: str) -> None:
    message = MESSAGES[code]
    assert message.vi.strip()
    assert message.en.strip()
    assert placeholders(message.vi) == placeholders(message.en)


# Words a Vietnamese text may hold in ASCII: names of formats, protocols and fields.
ALLOWED_ASCII = {"GraphQL", "JSON", "UTF", "POST", "GET", "API", "YYYY", "MM", "DD", "byte"}
ENGLISH = re.compile(
    r"\b(the|is|are|not|of|and|or|to|for|must|plan|plans|submit|approve|reject|user|unit|"
    r"draft|manage|edit|read|none|yes|no|at|least|most|version)\b",
    re.IGNORECASE,
)


def vietnamese_problems(template: str) -> list[str]:
    bare = re.sub(r"`[^`]*`|\{[^}]*\}", " ", template)  # code spans and placeholders
    problems = [f"English word {m.group(0)!r}" for m in ENGLISH.finditer(bare)]
    for word in re.findall(r"[A-Za-z_]{2,}", bare):
        if word.isupper() and word not in ALLOWED_ASCII:
            problems.append(f"raw code {word!r}")
    return problems


VI_TEXTS = [(f"MESSAGES[{code}]", m.vi) for code, m in MESSAGES.items()] + [
    (f"LABELS[{name}][{word}]", m.vi) for name, words in LABELS.items() for word, m in words.items()
]


@pytest.mark.parametrize(("where", "template"), VI_TEXTS, ids=[w for w, _ in VI_TEXTS])
def test_the_vietnamese_text_is_vietnamese(where: str, template: str) -> None:
    assert vietnamese_problems(template) == []
    if where.startswith("MESSAGES"):  # a sentence, not a one-word label like "xem"
        assert re.search(r"[à-ỹđ]", template, re.IGNORECASE), "no Vietnamese letter at all"


def test_the_check_catches_english_and_raw_codes() -> None:
    assert vietnamese_problems("không thể submit khi ở trạng thái UNDER_APPRAISAL") == [
        "English word 'submit'",
        "raw code 'UNDER_APPRAISAL'",
    ]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("tier", [t.value for t in CandidateTier]),
        ("form", [f.value for f in DisciplineForm]),
        ("required", [t.value for t in PoliticalTheory]),
        ("held", ["", *(t.value for t in PoliticalTheory)]),
        ("standard", [v.value for v in StandardVerdict]),
        ("base", [b.value for b in VoteBase]),
        ("level", [k.value for k in UnitKind]),
        ("status", [s.value for s in PlanStatus]),
        ("resource", [r.value for r in Role]),
    ],
)
def test_every_coded_word_has_a_label(name: str, words: list[str]) -> None:
    assert set(words) <= set(LABELS[name])


def test_every_policy_action_and_resource_has_a_label() -> None:
    rows = [
        [cell.strip() for cell in line.split(",")]
        for line in (ROOT / "policies/policy.csv").read_text().splitlines()
        if line.startswith("p,")
    ]
    assert {row[3] for row in rows} <= set(ACTIONS)
    assert {row[2] for row in rows} <= set(RESOURCES)


def every_finding() -> list[Finding]:
    """Findings of every rule, from the real rules: a plan that breaks them all."""
    committee = PlannedPosition(1, "Ủy viên BCH", seats=2, committee_seat=True, rank=None)
    overfull = PlannedPosition(2, "Phó Chủ tịch UBND xã", seats=1, committee_seat=False, rank=6)
    empty = PlannedPosition(3, "Ủy viên BTV", seats=10, committee_seat=True, rank=None)
    failed = Ballot(summoned=30, present=28, votes_for=10)

    def entry(n: int, position: int, who: Candidate, ballot: Ballot | None = None) -> EntryToCheck:
        return EntryToCheck(n, n, position, CandidateTier.T1, who, ballot, Month(2030, 7))

    entries = [entry(n, 1, candidate()) for n in range(4)]  # 4 > 1.5 × 2 seats: Q1 HARD
    entries += [entry(10 + n, 2, candidate(), failed) for n in range(4)]  # Q2, V1
    entries += [entry(20, 3, candidate())]  # 1 < 10 seats: Q1 TARGET
    report = validate(
        entries=entries,
        positions={1: committee, 2: overfull, 3: empty},
        elsewhere={10: frozenset({7, 8, 9})},  # Q3
        level=UnitKind.COMMUNE,
        age_at=AgeAt(Month(2030, 7), AgeBasis.REFERENCE_MONTH),
        on=date(2026, 11, 21),
        rules=QD377,
    )
    ineligible = candidate(
        sex=Sex.FEMALE,
        birth=Month(1975, 3),  # E4
        current_rank=5,  # E1 for a rank-6 post
        proposed_for_appointment=True,  # E3
        political_standard_ok=False,  # E13
        disciplines=(Discipline(DisciplineForm.REPRIMAND, date(2026, 6, 1)),),  # E11
    )
    eligibility = entry_findings(
        entry=1,
        candidate=ineligible,
        tier=CandidateTier.T1,
        position_rank=6,
        theory_required=PoliticalTheory.CAO_CAP,  # E8
        age_at=Month(2030, 7),
        on=date(2026, 11, 21),
        rules=QD377,
    )
    return [*report.findings, *eligibility]


def test_every_rule_a_plan_can_break_is_worded_with_exactly_its_values() -> None:
    findings = every_finding()
    computed = {f"T-{i}" for i in Indicator} - {"T-ETHNIC_MINORITY", "T-SCI_TECH"}  # not yet
    rules = {f.rule for f in findings}
    assert rules >= {"Q1", "Q2", "Q3", "V0", "V1", "E1", "E3", "E4", "E8", "E11", "E13"} | computed
    for found in findings:
        message = MESSAGES[found.rule]
        names = {name for name, _ in found.values}
        assert placeholders(message.vi) == names, found
        assert placeholders(message.en) == names, found
        assert found.rule not in render(found, Language.VI)  # worded, not the bare code


def test_a_vietnamese_reader_sees_labels_not_codes() -> None:
    [e11] = [f for f in every_finding() if f.rule == "E11"]
    [e4] = [f for f in every_finding() if f.rule == "E4"]

    assert "bị kỷ luật khiển trách ngày 01/06/2026" in render(e11, Language.VI)
    assert "disciplined (reprimand) on 01/06/2026" in render(e11, Language.EN)
    assert "đối tượng 1 cần ít nhất" in render(e4, Language.VI)
    assert "REPRIMAND" not in render(e11, Language.VI)
    [e8] = [f for f in every_finding() if f.rule == "E8"]
    [e13] = [f for f in every_finding() if f.rule == "E13"]
    assert (
        render(e8, Language.VI) == "chức danh yêu cầu lý luận chính trị cao cấp, hiện có: chưa có"
    )
    assert render(e13, Language.VI) == (
        "tiêu chuẩn chính trị đã được kết luận là không đạt; phải được kết luận là đạt"
    )


def test_a_reason_is_worded_in_the_callers_language() -> None:
    reason = problem("UNKNOWN_CYCLE", "cycle", cycle="2040-2045")

    assert text("BAD_ARGUMENTS", Language.VI, reason=reason) == (
        "Tham số không hợp lệ: không có nhiệm kỳ 2040-2045"
    )
    assert (
        text("BAD_ARGUMENTS", Language.EN, reason=reason) == "Invalid arguments: no cycle 2040-2045"
    )
    assert text("NOT_ALLOWED", Language.VI, action="grant", resource="CLERK") == (
        "Bạn không có quyền cấp vai trò chuyên viên ở đơn vị này."
    )


def not_allowed_codes_given() -> set[str]:
    """The codes a NotAllowed is given: ``not_allowed(..., code="…")`` literals and the
    refusals the grant rule returns."""
    codes = set()
    for path in sorted((ROOT / "schema").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "not_allowed":
                codes |= {
                    str(k.value.value)
                    for k in node.keywords
                    if k.arg == "code" and isinstance(k.value, ast.Constant)
                }
    access = ast.parse((ROOT / "planning/access.py").read_text(encoding="utf-8"))
    [rule] = [
        n for n in access.body if isinstance(n, ast.FunctionDef) and n.name == "grant_refusal"
    ]
    codes |= {
        str(n.value)
        for n in ast.walk(rule)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.isupper()
    }
    return codes


def test_every_refusal_says_its_own_reason() -> None:
    given = not_allowed_codes_given()
    assert {"SELF_GRANT", "ROLE_NOT_HELD", "SELF_DEACTIVATION"} <= given
    assert given <= NOT_ALLOWED_CODES
    for code in NOT_ALLOWED_CODES:
        assert placeholders(MESSAGES[code].vi) <= {"action", "resource"}, code
    self_grant = text("SELF_GRANT", Language.VI, action="grant", resource="CLERK")
    assert self_grant != text("NOT_ALLOWED", Language.VI, action="grant", resource="CLERK")
    assert "chính mình" in self_grant
    assert text("ROLE_NOT_HELD", Language.VI, action="grant", resource="APPROVER") == (
        "Bạn chỉ được cấp vai trò phê duyệt (ban thường vụ) khi chính bạn giữ vai trò đó ở đơn "
        "vị này hoặc đơn vị cấp trên."
    )


def test_a_unit_kind_reads_as_a_word() -> None:
    bad = problem("BAD_PARENT", None, kind="COMMUNE", parent="CENTRAL")

    assert render(bad, Language.VI) == "đơn vị loại xã không thể trực thuộc đơn vị loại trung ương"
    assert "COMMUNE" not in render(problem("BAD_CODE", None, code="1", kind="COMMUNE"), Language.VI)


# Documents graphql-core refuses with each wording the catalogue recognises.
MISTAKES = {
    "UNKNOWN_FIELD": "{ nope }",
    "UNKNOWN_ARGUMENT": "{ viewer { user { id(x: 1) } } }",
    "UNKNOWN_TYPE": "query ($a: Foo) { viewer { user { id } } }",
    "UNKNOWN_FRAGMENT": "{ ...F }",
    "NO_ARGUMENT": "mutation { submitPlan { __typename } }",
    "NO_SELECTION": "{ viewer }",
    "LEAF": "{ viewer { user { id { x } } } }",
    "UNUSED_VARIABLE": "query ($x: Int) { viewer { user { id } } }",
    "UNDEFINED_VARIABLE": "{ unit(id: $u) { id } }",
    "UNUSED_FRAGMENT": "fragment F on User { id } { viewer { user { id } } }",
}


@pytest.mark.parametrize(("code", "document"), sorted(MISTAKES.items()))
def test_graphql_cores_wording_is_recognised_as_installed(code: str, document: str) -> None:
    from graphql import parse, validate

    from schema.root import schema

    details = [graphql_detail(error.message) for error in validate(schema._schema, parse(document))]

    assert code in [detail.code for detail in details], details
    for detail in details:
        worded = text("GRAPHQL_VALIDATION_FAILED", Language.VI, detail=detail)
        assert vietnamese_problems(worded) == []
        assert "Did you mean" not in text("GRAPHQL_VALIDATION_FAILED", Language.EN, detail=detail)


def test_an_unrecognised_wording_is_quoted_as_machine_text() -> None:
    detail = graphql_detail('Int cannot represent non-integer value: "x"')

    assert text("GRAPHQL_VALIDATION_FAILED", Language.VI, detail=detail) == (
        "Câu truy vấn GraphQL không hợp lệ: nguyên văn của bộ kiểm tra GraphQL: `Int cannot "
        'represent non-integer value: "x"`'
    )
