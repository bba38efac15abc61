"""Outcomes a client can act on, shared by every feature's mutations (union members)."""

from __future__ import annotations

from collections.abc import Sequence

import strawberry

from planning.lifecycle import PlanAction, PlanEdit, PlanStatus
from planning.problems import Problem as RefusalValue
from schema.context import Context
from schema.messages import render, text


@strawberry.type(description="The caller may not do this here (no role grants it).")
class NotAllowed:
    message: str
    code: str = strawberry.field(
        description="Why: `NOT_ALLOWED` (no role grants it here), `SELF_GRANT` (one's own "
        "grants), `ROLE_NOT_HELD` (a role the granter does not hold), `SELF_DEACTIVATION`."
    )


@strawberry.type(description="Nothing with this id exists (or the caller may not know of it).")
class NotFound:
    message: str
    id: strawberry.ID


@strawberry.type(
    description="Someone changed the object since you read it: reload it (its version is "
    "`currentVersion`) and apply your change again."
)
class StaleVersion:
    message: str
    current_version: int


def stale_version(ctx: Context, current: int) -> StaleVersion:
    message = text("STALE_VERSION", ctx.language, current=current)
    return StaleVersion(message=message, current_version=current)


@strawberry.type(description="A value a refusal names, as text (the message words it).")
class ProblemValue:
    name: str
    value: str


@strawberry.type(description="One reason an input was refused.")
class Problem:
    code: str = strawberry.field(description="A stable machine code, e.g. `PASSWORD_TOO_SHORT`.")
    field: str | None = strawberry.field(description="The input field at fault, if one is.")
    message: str
    values: list[ProblemValue] = strawberry.field(
        default_factory=list,
        description="The values the message is worded from, for a client to act on: e.g. "
        "`closed` (its last day) and `successors` (the units that continue it, "
        '"Phường Quảng Yên (07132)", comma-separated; empty when none) of `UNIT_CLOSED`.',
    )


@strawberry.type(description="The input was refused; `problems` says why, one reason each.")
class ValidationFailed:
    message: str
    problems: list[Problem]


# The codes a NotAllowed can carry; each is worded with the {action} and {resource} refused.
NOT_ALLOWED_CODES = frozenset({"NOT_ALLOWED", "SELF_GRANT", "ROLE_NOT_HELD", "SELF_DEACTIVATION"})


def not_allowed(ctx: Context, action: str, resource: str, code: str = "NOT_ALLOWED") -> NotAllowed:
    """The refusal ``code`` (the generic one unless a rule names why) of ``action`` on
    ``resource``, in the caller's language."""
    message = text(code, ctx.language, action=action, resource=resource)
    return NotAllowed(message=message, code=code)


def not_found(ctx: Context, global_id: str) -> NotFound:
    return NotFound(message=text("NOT_FOUND", ctx.language), id=strawberry.ID(global_id))


def validation_failed(ctx: Context, problems: Sequence[RefusalValue]) -> ValidationFailed:
    """Refuse an input for ``problems``, each worded in the caller's language."""
    return ValidationFailed(
        message=text("VALIDATION_FAILED", ctx.language),
        problems=[
            Problem(
                code=p.code,
                field=p.field,
                message=render(p, ctx.language),
                values=[ProblemValue(name=name, value=str(value)) for name, value in p.values],
            )
            for p in problems
        ],
    )


@strawberry.type(description="The plan's status does not allow this action now.")
class InvalidTransition:
    message: str
    status: str = strawberry.field(description="The plan's current status.")
    action: str


def invalid_transition(
    ctx: Context, status: PlanStatus, action: PlanAction | PlanEdit
) -> InvalidTransition:
    """The plan's ``status`` does not allow ``action`` now."""
    message = text(
        "INVALID_TRANSITION", ctx.language, status=status.value, action=action.value.lower()
    )
    return InvalidTransition(message=message, status=status.value, action=action.value)


@strawberry.type(
    description="This idempotency key was already used with a different input: use a new key "
    "for a new operation."
)
class IdempotencyKeyReused:
    message: str


def idempotency_key_reused(ctx: Context) -> IdempotencyKeyReused:
    return IdempotencyKeyReused(message=text("IDEMPOTENCY_KEY_REUSED", ctx.language))
