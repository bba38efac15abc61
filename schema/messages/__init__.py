"""The one catalogue of what a person reads: each code's message in Vietnamese and English.

planning/ and the resolvers say *what* went wrong as a code with values (``Problem``,
``Finding``, ``ClientError``); only this package words it, in the caller's ``Language``:

    render(problem("BAD_BIRTH_YEAR", "birthYear", earliest=1946, latest=2008), Language.EN)
    text("STALE_VERSION", ctx.language, current=4)

A template's placeholders are exactly the values its code is given (tests/test_messages.py
holds every producer of a code to that), and coded words among the values (``T1``,
``REPRIMAND``, ``manage``) read through labels.py.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from planning.findings import Finding
from planning.problems import Problem
from schema.messages.findings import FINDINGS
from schema.messages.graphql import GRAPHQL_DETAILS, graphql_detail
from schema.messages.inputs import INPUT_PROBLEMS
from schema.messages.labels import LABELS
from schema.messages.requests import OUTCOMES, REQUEST_ERRORS, REQUEST_REASONS
from schema.messages.wording import Language, Message, placeholders

__all__ = [
    "LABELS",
    "MESSAGES",
    "Language",
    "Message",
    "graphql_detail",
    "placeholders",
    "render",
    "text",
]

logger = logging.getLogger("quyhoach.messages")


def _merged(*parts: Mapping[str, Message]) -> Mapping[str, Message]:
    merged: dict[str, Message] = {}
    for part in parts:
        clash = merged.keys() & part.keys()
        if clash:  # a code means one thing: a clash is a bug, found at import
            raise ValueError(f"codes worded twice: {sorted(clash)}")
        merged.update(part)
    return merged


MESSAGES: Mapping[str, Message] = _merged(
    REQUEST_ERRORS, REQUEST_REASONS, OUTCOMES, INPUT_PROBLEMS, FINDINGS, GRAPHQL_DETAILS
)


def text(code: str, language: Language, /, **values: object) -> str:
    """The message of ``code`` in ``language``, its placeholders filled from ``values``.

    A value may itself be a ``Problem`` (worded in turn: the reason of a BAD_ARGUMENTS) or a
    ``Message``; a coded word reads through the labels of its value's name.
    """
    message = MESSAGES.get(code)
    shown = {name: _shown(name, value, language) for name, value in values.items()}
    try:
        if message is not None:
            return message.template(language).format_map(shown)
    except (KeyError, IndexError, ValueError):
        pass  # a refusal with a bare code beats an internal error; the log and the tests tell
    logger.error("no %s message for %s with values %s", language, code, sorted(values))
    return code


def render(item: Problem | Finding, language: Language) -> str:
    """The message of a problem or a finding in ``language``."""
    code = item.rule if isinstance(item, Finding) else item.code
    return text(code, language, **dict(item.values))


def _shown(name: str, value: object, language: Language) -> object:
    if isinstance(value, Problem):
        return render(value, language)
    if isinstance(value, Message):
        return value.template(language)
    label = LABELS.get(name, {}).get(str(value))
    return label.template(language) if label is not None else value
