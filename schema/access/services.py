"""What authentication and authorization need, built once by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

from planning.access import PasswordRules, ThrottleRules
from policies import Policy
from schema.access.credentials import Credentials


@dataclass(frozen=True, slots=True)
class AccessServices:
    policy: Policy
    credentials: Credentials
    throttle: ThrottleRules
    passwords: PasswordRules
    common_passwords: frozenset[str]
