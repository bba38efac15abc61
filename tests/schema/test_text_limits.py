"""Declared text limits: every text argument shows its @maxLength, and the guard enforces it
wherever the text comes from (a literal, a variable, a variable's default, a fragment, a list).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    Undefined,
    build_schema,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)

from schema.context import Context
from schema.messages import Language
from schema.root import schema
from schema.text_limits import DEFAULT_MAX_LENGTHS, MAX_LENGTHS, max_length, unstorable_character
from tests.conftest import RULE_SETS, Runner

ROOT = Path(__file__).resolve().parents[2]
GRAPHQL = schema._schema


def text_definitions() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for named in GRAPHQL.type_map.values():
        if named.name.startswith("__"):
            continue
        if isinstance(named, GraphQLObjectType):
            for field_name, field in named.fields.items():
                for arg_name, argument in field.args.items():
                    found.append((f"{named.name}.{field_name}({arg_name}:)", argument))
        elif isinstance(named, GraphQLInputObjectType):
            for field_name, input_field in named.fields.items():
                found.append((f"{named.name}.{field_name}", input_field))
    return [
        (where, d)
        for where, d in found
        if get_named_type(d.type).name in DEFAULT_MAX_LENGTHS  # type: ignore[attr-defined]
    ]


TEXT = text_definitions()


class TestDeclared:
    def test_the_walk_sees_the_text_fields(self) -> None:
        where = {w for w, _ in TEXT}
        assert {"CreatePersonInput.fullName", "Query.unit(code:)", "LoginInput.username"} <= where
        assert len(TEXT) > 100

    @pytest.mark.parametrize(("where", "definition"), TEXT, ids=[w for w, _ in TEXT])
    def test_every_text_argument_and_input_field_has_a_ceiling(
        self, where: str, definition: object
    ) -> None:
        assert max_length(definition) is not None, where  # type: ignore[arg-type]

    def test_clients_read_the_ceilings_in_schema_graphql(self) -> None:
        sdl = (ROOT / "schema.graphql").read_text(encoding="utf-8")
        parsed = build_schema(sdl)  # a valid SDL a client tool can load

        assert parsed.get_directive("maxLength") is not None
        person = parsed.get_type("CreatePersonInput")
        assert isinstance(person, GraphQLInputObjectType)
        directive = person.fields["fullName"].ast_node.directives[0]
        assert directive.name.value == "maxLength"
        assert "unit(id: ID = null @maxLength(chars: 200)" in sdl
        assert "idempotencyKey: String = null @maxLength(chars: 200)" in sdl
        assert "education: String = null @maxLength(chars: 1000)" in sdl

    def test_an_idempotency_key_fits_an_index_row_in_any_script(self) -> None:
        # PostgreSQL refuses a btree row over 2704 bytes; UTF-8 spends at most 4 per character.
        assert MAX_LENGTHS["idempotencyKey"] * 4 < 2704


@pytest.mark.parametrize(
    ("text", "refused"),
    [
        ("Nguyễn Văn An", None),
        ("tab\tand\r\nnew lines", None),
        ("𝔘 astral \U0010fffd", None),
        ("\x00", "U+0000"),
        ("a\x08", "U+0008"),
        ("\x0b", "U+000B"),
        ("\x1f", "U+001F"),
        ("\ud800", "U+D800"),
        ("x\udfff", "U+DFFF"),
        ("\ufffe", "U+FFFE"),
        ("\uffff", "U+FFFF"),
    ],
)
def test_which_characters_no_text_may_hold(text: str, refused: str | None) -> None:
    assert unstorable_character(text) == refused


UNIT = "query ($c: String) { unit(code: $c) { name } }"


class TestEnforced:
    async def test_the_limit_itself_passes_one_more_is_refused(self, run: Runner) -> None:
        assert await run.data(UNIT, {"c": "0" * 200}) == {"unit": None}
        assert await run.error_codes(UNIT, {"c": "0" * 201}) == ["BAD_USER_INPUT"]

    async def test_the_refusal_names_the_field_in_both_languages(self, run: Runner) -> None:
        result = await run.result(UNIT, {"c": "0\x00"})

        [error] = result.errors
        assert error.extensions["field"] == "code"
        assert error.extensions["messages"] == {
            "vi": "Giá trị của `code` không hợp lệ: chứa ký tự U+0000 không lưu được (ký tự "
            "rỗng `NUL`, ký tự điều khiển hoặc nửa cặp thay thế UTF-16)",
            "en": "The value of `code` is refused: holds U+0000, which cannot be stored (NUL, a "
            "control character or half of a UTF-16 surrogate pair)",
        }
        assert result.data is None  # nothing ran

    async def test_a_variable_default_is_checked(self, run: Runner) -> None:
        query = 'query ($c: String = "\\u0000") { unit(code: $c) { name } }'

        assert await run.error_codes(query) == ["BAD_USER_INPUT"]

    async def test_a_literal_inside_a_fragment_is_checked(self, run: Runner) -> None:
        query = """
        { ...Q }
        fragment Q on Query { unit(code: "01") { children(first: 1, after: "\\u0000") {
          totalCount } } }
        """

        result = await run.result(query)

        assert [e.extensions["field"] for e in result.errors] == ["after"]

    async def test_a_single_value_given_for_a_list_is_checked(self, run: Runner) -> None:
        query = """
        query ($v: [String!]!) {
          statistics(input: {unit: "VW5pdDox", cycle: "2030-2035",
                             filter: [{dimension: GENDER, values: $v}]}) { total { entries } }
        }
        """

        result = await run.result(query, {"v": "\x00"})

        assert [e.extensions["field"] for e in result.errors] == ["input.filter[0].values"]

    async def test_only_the_operation_that_runs_is_checked(self, run: Runner) -> None:
        query = """
        query Good { unit(code: "01") { name } }
        query Bad { unit(code: "\\u0000") { name } }
        """

        context = Context(
            session=run.session,
            now=run.now,
            access=run.access,
            principal=run.principal,
            rule_sets=RULE_SETS,
            language=Language.EN,
            request_id="test",
        )
        good = await schema.execute(query, context_value=context, operation_name="Good")

        assert good.errors is None
        assert good.data == {"unit": {"name": "Thành phố Hà Nội"}}


# Every place a text can be given to a root field, from the schema: the root field, the type
# of its argument, the path of the text inside it, and that text's declared ceiling.
Position = tuple[str, str, str, str, int]


def _minimal(type_: Any) -> Any:
    """A value of ``type_`` that coerces, with only its required fields: nothing but a shape."""
    if isinstance(type_, GraphQLNonNull):
        return _minimal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return []
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: _minimal(field.type)
            for name, field in type_.fields.items()
            if isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    return {"Int": 1, "Float": 1.0, "Boolean": False, "Date": "2026-01-01"}.get(type_.name, "x")


def _places(type_: Any, path: str, owner: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
    """(path, definition) of every text inside a value of ``type_`` given to ``owner``."""
    named = get_nullable_type(type_)
    if isinstance(named, GraphQLList):
        yield from _places(named.of_type, f"{path}[0]", owner, depth)
    elif isinstance(named, GraphQLInputObjectType) and depth < 4:
        for name, field in named.fields.items():
            yield from _places(field.type, f"{path}.{name}", field, depth + 1)
    elif named.name in DEFAULT_MAX_LENGTHS:
        yield path, owner


def positions() -> list[Position]:
    found: list[Position] = []
    for operation, root in (("query", GRAPHQL.query_type), ("mutation", GRAPHQL.mutation_type)):
        assert root is not None
        for field_name, field in root.fields.items():
            for arg_name, argument in field.args.items():
                for path, definition in _places(argument.type, arg_name, argument):
                    most = max_length(definition)
                    assert most is not None, f"{field_name}: {path}"
                    found.append((operation, field_name, arg_name, path, most))
    return found


POSITIONS = positions()


def _set(value: Any, steps: list[str], text: str, type_: Any) -> Any:
    """``value`` with ``text`` at ``steps`` (field names and ``[0]``), shaped like ``type_``."""
    named = get_nullable_type(type_)
    if not steps:
        return text
    step, rest = steps[0], steps[1:]
    if step == "[0]":
        return [_set(_minimal(named.of_type), rest, text, named.of_type)]
    field = named.fields[step]
    inner = value.get(step, _minimal(field.type)) if isinstance(value, dict) else {}
    return {**value, step: _set(inner, rest, text, field.type)}


def request(position: Position, text: str) -> tuple[str, dict[str, Any]]:
    operation, field_name, target, path, _ = position
    root = GRAPHQL.query_type if operation == "query" else GRAPHQL.mutation_type
    assert root is not None
    field = root.fields[field_name]
    variables: dict[str, Any] = {}
    for name, argument in field.args.items():
        if name == target:
            steps = re.findall(r"\[0\]|[^.\[\]]+", path)[1:]
            variables[name] = _set(_minimal(argument.type), steps, text, argument.type)
        elif isinstance(argument.type, GraphQLNonNull):
            variables[name] = _minimal(argument.type)
    declared = ", ".join(f"${name}: {field.args[name].type}" for name in variables)
    given = ", ".join(f"{name}: ${name}" for name in variables)
    selection = "" if is_leaf_type(get_named_type(field.type)) else " { __typename }"
    call = f"{field_name}({given})" if given else field_name
    return f"{operation} ({declared}) {{ {call}{selection} }}", variables


def test_the_sweep_reaches_nested_and_listed_places() -> None:
    paths = {(field, path) for _, field, _, path, _ in POSITIONS}
    assert ("createPerson", "input.fullName") in paths
    assert ("statistics", "input.filter[0].values[0]") in paths
    assert ("exportLinks", "cycle") in paths
    assert len(POSITIONS) > 100


@pytest.mark.parametrize("position", POSITIONS, ids=[f"{p[1]}:{p[3]}" for p in POSITIONS])
async def test_every_text_place_refuses_unstorable_and_overlong_text(
    run: Runner, position: Position
) -> None:
    most = position[4]
    for text in ("\x00", "ok\ud800", "\x1b[0m", "x" * (most + 1)):
        query, variables = request(position, text)

        result = await run.result(query, variables)

        assert result.errors, (query, variables, result.data)
        [error] = result.errors
        assert error.extensions["code"] == "BAD_USER_INPUT", (query, error)
        assert error.extensions["field"] == position[3]
