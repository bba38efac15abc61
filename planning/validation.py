"""The validation report of a plan: every HARD rule per entry and per plan, and the TARGETs.

Callable at any time on a draft (DOMAIN.md A.7); submission is refused while it has a HARD
finding. Counting rules (Q1–Q3) depend on the rule set, so a plan imported from 2019 with four
people per position is valid under ``OLD_2012`` and not under ``QD377_2025``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from planning.cycles import AgeAt
from planning.eligibility import Candidate, entry_findings
from planning.findings import Finding, Severity, finding
from planning.indicators import YOUNG_BAND, age_band, young_under
from planning.quotas import Ballot, Sized, bounds, leadership_titles, passes
from planning.retirement import Month, Sex, age_months
from planning.rulesets import CandidateTier, Indicator, RuleSet, Target
from planning.theory import PoliticalTheory
from planning.units import UnitKind


@dataclass(frozen=True, slots=True)
class PlannedPosition:
    position_id: int
    title: str
    seats: int
    committee_seat: bool  # BCH/BTV/UBKT membership: Q1's coefficient, not Q2/Q3
    rank: int | None
    theory_required: PoliticalTheory | None = None  # the title's political theory standard (E8)


@dataclass(frozen=True, slots=True)
class EntryToCheck:
    entry_id: int
    person_id: int
    position_id: int
    tier: CandidateTier
    candidate: Candidate
    decisive_ballot: Ballot | None  # the last secret ballot recorded; None: none is (V0)
    age_at: Month  # the age reference month of this entry's position (party or state post)


@dataclass(frozen=True, slots=True)
class Report:
    findings: tuple[Finding, ...]
    # The plan's, for its party titles and its targets (DOMAIN §7.4); None where no report was
    # computed (a decision that needs none).
    age_reference: AgeAt | None = None

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.HARD)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.TARGET)

    @property
    def blocks_submission(self) -> bool:
        return bool(self.errors)


def validate(
    *,
    entries: Sequence[EntryToCheck],
    positions: Mapping[int, PlannedPosition],
    elsewhere: Mapping[int, frozenset[int]],
    level: UnitKind,
    age_at: AgeAt,
    on: date,
    rules: RuleSet,
    sized: Mapping[int, Sized] | None = None,
    kept_elsewhere: Mapping[int, str] | None = None,
) -> Report:
    """Validate a plan's entries.

    ``elsewhere`` maps a person to the leadership positions they are planned for by other live
    plans of the same cycle and approving level: Q3 counts across plans, but a person holds
    entries of two cycles at once (DOMAIN §4.2), each cycle with its own three.

    ``sized`` names the positions whose configured seats the committee sizes of Q4–Q6 cap
    (``quotas.committee_seats``; ``positions`` already carries the capped seats): each one the
    plan holds is reported (TARGET: the province's configuration exceeds the size). In a
    consolidation, ``kept_elsewhere`` maps an entry to the successor that kept its person from
    the same split predecessor first (HARD: one successor keeps a person, DOMAIN A.11).
    """
    findings: list[Finding] = []
    findings += _quantities(entries, positions, rules)
    planned = {entry.position_id for entry in entries}
    for position_id, size in sorted((sized or {}).items()):
        if size.capped and position_id in planned:
            findings.append(
                finding(
                    "Q5",
                    Severity.TARGET,
                    position=positions[position_id].title,
                    seats=size.configured,
                    maximum=size.seats,
                    merged_from=size.merged_from,
                )
            )
    for entry_id, unit in sorted((kept_elsewhere or {}).items()):
        findings.append(finding("KEPT_ELSEWHERE", Severity.HARD, entry=entry_id, unit=unit))
    findings += _per_person(entries, positions, elsewhere, rules)
    for entry in entries:
        findings += entry_findings(
            entry=entry.entry_id,
            candidate=entry.candidate,
            tier=entry.tier,
            position_rank=positions[entry.position_id].rank,
            theory_required=positions[entry.position_id].theory_required,
            age_at=entry.age_at,
            on=on,
            rules=rules,
        )
        ballot = entry.decisive_ballot
        if ballot is None:
            # §5.1: the ballots of the procedure are recorded before submission. The rule sets
            # name no step that each entry must have passed, so one recorded ballot is asked.
            findings.append(finding("V0", Severity.HARD, entry=entry.entry_id))
        elif not passes(ballot, rules=rules):
            findings.append(
                finding(
                    "V1",
                    Severity.HARD,
                    entry=entry.entry_id,
                    votes_for=ballot.votes_for,
                    summoned=ballot.summoned,
                    present=ballot.present,
                    threshold=str(rules.vote_more_than),
                    base=rules.vote_base.value,
                )
            )
    findings += _targets(entries, level=level, age_at=age_at.month, rules=rules)
    return Report(tuple(findings), age_at)


def _quantities(
    entries: Sequence[EntryToCheck], positions: Mapping[int, PlannedPosition], rules: RuleSet
) -> list[Finding]:
    findings = []
    planned = Counter(entry.position_id for entry in entries)
    for position_id, count in sorted(planned.items()):
        position = positions[position_id]
        allowed = bounds(seats=position.seats, committee_seat=position.committee_seat, rules=rules)
        most, least, rule = allowed.most, allowed.least, allowed.rule
        numbers = {"planned": count, "seats": position.seats, "maximum": most}
        if rule == "Q1":  # a committee: the coefficient bounds both ways
            numbers["minimum"] = least
        if count > most:
            findings.append(finding(rule, Severity.HARD, **numbers, position=position.title))
        elif count < least:
            findings.append(finding("Q1", Severity.TARGET, **numbers, position=position.title))
    return findings


def _per_person(
    entries: Sequence[EntryToCheck],
    positions: Mapping[int, PlannedPosition],
    elsewhere: Mapping[int, frozenset[int]],
    rules: RuleSet,
) -> list[Finding]:
    held: dict[int, dict[int, bool]] = defaultdict(dict)
    first_entry: dict[int, int] = {}
    for entry in entries:
        first_entry.setdefault(entry.person_id, entry.entry_id)
        held[entry.person_id][entry.position_id] = positions[entry.position_id].committee_seat
    findings = []
    for person_id, here in sorted(held.items()):
        titles = leadership_titles(here)
        if not titles:
            continue  # only committee seats here: this plan adds nothing to count
        total = len(titles | elsewhere.get(person_id, frozenset()))
        if total > rules.positions_per_person:
            findings.append(
                finding(
                    "Q3",
                    Severity.HARD,
                    entry=first_entry[person_id],
                    positions=total,
                    maximum=rules.positions_per_person,
                )
            )
    return findings


def _targets(
    entries: Sequence[EntryToCheck], *, level: UnitKind, age_at: Month, rules: RuleSet
) -> list[Finding]:
    people = {entry.person_id: entry.candidate for entry in entries}
    if not people:
        return []
    findings = []
    for target in rules.targets_for(level):
        value = _indicator(target, list(people.values()), age_at, rules, level)
        if value is not None and value < target.at_least:
            shown = (
                f"{float(value):.0%}" if target.indicator is not Indicator.AGE_BANDS else str(value)
            )
            goal = (
                f"{float(target.at_least):.0%}"
                if target.indicator is not Indicator.AGE_BANDS
                else str(target.at_least)
            )
            findings.append(
                finding(f"T-{target.indicator}", Severity.TARGET, value=shown, target=goal)
            )
    return findings


def _indicator(
    target: Target,
    candidates: Sequence[Candidate],
    age_at: Month,
    rules: RuleSet,
    level: UnitKind,
) -> Fraction | None:
    """The indicator's value over distinct persons; None when the records do not carry it."""
    if target.indicator is Indicator.WOMEN:
        return Fraction(sum(c.sex is Sex.FEMALE for c in candidates), len(candidates))
    if target.indicator is Indicator.SCI_TECH:
        # Over the persons whose records say; None when none does (never a silent zero).
        known = [c.sci_tech for c in candidates if c.sci_tech is not None]
        return Fraction(sum(known), len(known)) if known else None
    if target.indicator not in (Indicator.YOUNG, Indicator.AGE_BANDS):
        return None  # ethnicity comes with the person record's later fields
    bands = [
        age_band(
            age_months(birth=c.birth, at=age_at),
            young_under_years=young_under(rules, level),
            band_years=rules.age_band_years,
        )
        for c in candidates
    ]
    if target.indicator is Indicator.YOUNG:
        return Fraction(sum(band == YOUNG_BAND for band in bands), len(candidates))
    return Fraction(len(set(bands)))
