"""graphql-core's own validation messages, recognised and worded in both languages.

graphql-core words what is wrong with a document in English only, and a Vietnamese answer must
not read as English. The messages a client meets most are recognised here by their wording and
given a code whose values are the names they quote; any other is kept as graphql-core wrote it,
quoted as machine text. Suggestions ("Did you mean …?") are dropped: the schema is read by
introspection, not guessed at from error messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from planning.problems import Problem, problem
from schema.messages.wording import Message

_NAME = r"'(?P<{}>[^']+)'"


def _wording(template: str) -> re.Pattern[str]:
    """A pattern of graphql-core's ``template``: each ``{name}`` a quoted name, the rest literal."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(_NAME.format(part) if i % 2 else re.escape(part) for i, part in enumerate(parts))
    )


WORDINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (_wording(template), code)
    for template, code in (
        ("Cannot query field {field} on type {type}.", "UNKNOWN_FIELD"),
        ("Unknown argument {argument} on field {field}.", "UNKNOWN_ARGUMENT"),
        ("Unknown type {type}.", "UNKNOWN_TYPE"),
        ("Unknown fragment {fragment}.", "UNKNOWN_FRAGMENT"),
        ("Argument {argument} of type {type} is required, but it was not provided.", "NO_ARGUMENT"),
        ("Field {field} of type {type} must have a selection of subfields.", "NO_SELECTION"),
        ("Field {field} must not have a selection since type {type} has no subfields.", "LEAF"),
        ("Variable {variable} is never used.", "UNUSED_VARIABLE"),
        ("Variable {variable} is not defined.", "UNDEFINED_VARIABLE"),
        ("Fragment {fragment} is never used.", "UNUSED_FRAGMENT"),
    )
)
_SUGGESTION = re.compile(r"\s*Did you mean .*\?$")

GRAPHQL_DETAILS: Mapping[str, Message] = {
    "UNKNOWN_FIELD": Message(
        "kiểu `{type}` không có trường `{field}`", "type `{type}` has no field `{field}`"
    ),
    "UNKNOWN_ARGUMENT": Message(
        "trường `{field}` không có tham số `{argument}`",
        "field `{field}` has no argument `{argument}`",
    ),
    "UNKNOWN_TYPE": Message("không có kiểu `{type}`", "there is no type `{type}`"),
    "UNKNOWN_FRAGMENT": Message(
        "không có mảnh (fragment) `{fragment}`", "there is no fragment `{fragment}`"
    ),
    "NO_ARGUMENT": Message(
        "thiếu tham số bắt buộc `{argument}` (kiểu `{type}`)",
        "the required argument `{argument}` (of type `{type}`) is missing",
    ),
    "NO_SELECTION": Message(
        "trường `{field}` (kiểu `{type}`) cần chọn ít nhất một trường con",
        "field `{field}` (of type `{type}`) needs a selection of subfields",
    ),
    "LEAF": Message(
        "trường `{field}` có kiểu `{type}`, không có trường con để chọn",
        "field `{field}` is of type `{type}`, which has no subfields to select",
    ),
    "UNUSED_VARIABLE": Message(
        "biến `{variable}` được khai báo nhưng không dùng",
        "variable `{variable}` is declared but never used",
    ),
    "UNDEFINED_VARIABLE": Message(
        "biến `{variable}` chưa được khai báo", "variable `{variable}` is not declared"
    ),
    "UNUSED_FRAGMENT": Message(
        "mảnh (fragment) `{fragment}` được khai báo nhưng không dùng",
        "fragment `{fragment}` is declared but never used",
    ),
    "GRAPHQL_DETAIL": Message("nguyên văn của bộ kiểm tra GraphQL: `{detail}`", "{detail}"),
}


def graphql_detail(message: str) -> Problem:
    """What graphql-core's ``message`` says, as a problem the catalogue words."""
    bare = _SUGGESTION.sub("", message)
    for pattern, code in WORDINGS:
        found = pattern.fullmatch(bare)
        if found:
            return problem(code, None, **found.groupdict())
    return problem("GRAPHQL_DETAIL", None, detail=bare)
