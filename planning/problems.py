"""Why something is refused, as data: a stable code, the field at fault, and the numbers.

planning/ never words a message. It says *which* rule refused and with *which* numbers or
words (``problem("BAD_BIRTH_YEAR", "birthYear", earliest=1946, latest=2008)``); the schema
layer's catalogue (schema/messages) words it in the caller's language. So a text is fixed in
one place, a client can act on the code alone, and a rule's numbers cannot drift from its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

Value: TypeAlias = int | str
Values: TypeAlias = tuple[tuple[str, Value], ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason an input is refused: its code, the input field at fault, and its values."""

    code: str
    field: str | None = None
    values: Values = ()


def problem(code: str, field: str | None = None, /, **values: Value) -> Problem:
    """``problem("PASSWORD_TOO_SHORT", "password", least=12)``: keyword order is kept."""
    return Problem(code, field, tuple(values.items()))
