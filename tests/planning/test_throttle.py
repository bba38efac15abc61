"""The login throttle's rules as plain values: back-off, forgetting, the per-account ceiling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from planning.access import (
    AccountAttempts,
    SourceAttempts,
    ThrottleRules,
    after_failed_attempt,
    after_login,
    backoff,
    wait_before_attempt,
)

RULES = ThrottleRules()
T0 = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.mark.parametrize(
    ("failures", "seconds"),
    [(0, 0), (1, 1), (2, 2), (3, 4), (5, 16), (10, 512), (11, 900), (12, 900), (10**9, 900)],
)
def test_the_wait_doubles_with_each_failure_up_to_the_cap(failures: int, seconds: int) -> None:
    assert backoff(failures, rules=RULES) == timedelta(seconds=seconds)


def test_an_address_waits_out_its_back_off_and_a_quiet_one_starts_over() -> None:
    source, account = SourceAttempts(), AccountAttempts()
    for _ in range(3):
        source, account = after_failed_attempt(source, account, now=T0, rules=RULES)

    assert wait_before_attempt(source, account, now=T0, rules=RULES) == 4 * SECOND
    assert wait_before_attempt(source, account, now=T0 + 4 * SECOND, rules=RULES) is None
    later = T0 + RULES.forget_after
    assert after_failed_attempt(source, account, now=later, rules=RULES)[0].failures == 1


def test_the_ceiling_slows_strangers_for_a_while_but_not_a_known_address() -> None:
    rules = ThrottleRules(ceiling=3, ceiling_delay=10 * SECOND)
    known = after_login(SourceAttempts(), now=T0)
    account = AccountAttempts()
    for _ in range(3):
        _, account = after_failed_attempt(SourceAttempts(), account, now=T0, rules=rules)

    assert account.slowed_until == T0 + 10 * SECOND
    assert wait_before_attempt(SourceAttempts(), account, now=T0, rules=rules) == 10 * SECOND
    assert wait_before_attempt(known, account, now=T0, rules=rules) is None
    assert wait_before_attempt(SourceAttempts(), account, now=T0 + 10 * SECOND, rules=rules) is None


def test_the_account_count_starts_over_with_each_window() -> None:
    rules = ThrottleRules(ceiling=3)
    account = AccountAttempts()
    for _ in range(2):
        _, account = after_failed_attempt(SourceAttempts(), account, now=T0, rules=rules)
    _, account = after_failed_attempt(
        SourceAttempts(), account, now=T0 + rules.ceiling_window, rules=rules
    )

    assert account.failures == 1
    assert account.slowed_until is None
