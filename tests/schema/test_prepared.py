"""A document that has run once is prepared (schema/prepared.py): its later requests skip the
extension pipeline, but never a check that depends on them (their variables, their operation).
Each test first runs the document successfully, so that what follows takes the fast path."""

from __future__ import annotations

from strawberry.schema.exceptions import CannotGetOperationTypeError

from schema.root import schema
from tests.conftest import Runner

PAGE = """query Page($first: Int!, $search: String) {
  units(first: $first, search: $search) { edges { node { code children(first: 100) {
    edges { node { code } } } } } }
}"""
NAMED = "query A { units(first: 1) { totalCount } } query B { units(first: 2) { totalCount } }"


async def test_a_repeated_document_runs_prepared(run: Runner) -> None:
    await run.data(PAGE, {"first": 2})

    assert schema.prepared.get(PAGE) is not None
    assert len((await run.data(PAGE, {"first": 3}))["units"]["edges"]) == 3


async def test_the_cost_of_its_variables_is_still_measured(run: Runner) -> None:
    await run.data(PAGE, {"first": 2})

    # 1,000 units with 100 children each: over the cost limit, whatever ran before.
    assert await run.error_codes(PAGE, {"first": 1000}) == ["QUERY_TOO_COSTLY"]
    assert await run.error_codes(PAGE, {"first": 1000.0}) == ["QUERY_TOO_COSTLY"]
    assert len((await run.data(PAGE, {"first": 1}))["units"]["edges"]) == 1


async def test_the_text_of_its_variables_is_still_guarded(run: Runner) -> None:
    await run.data(PAGE, {"first": 1, "search": "Hạ Long"})

    assert await run.error_codes(PAGE, {"first": 1, "search": "Hạ\x00Long"}) == ["BAD_USER_INPUT"]
    assert await run.error_codes(PAGE, {"first": 1, "search": "x" * 201}) == ["BAD_USER_INPUT"]


async def test_an_operation_it_does_not_hold_is_answered_as_before_it_was_prepared(
    run: Runner,
) -> None:
    document = NAMED + "  # operations probe"
    before = [await _codes(run, document, name) for name in ("C", None)]
    assert await _codes(run, document, "A") == []  # runs, and is prepared
    assert schema.prepared.get(document) is not None

    after = [await _codes(run, document, name) for name in ("C", None)]

    assert after == before == [["CannotGetOperationTypeError"], ["UNKNOWN_OPERATION"]]


async def _codes(run: Runner, query: str, operation_name: str | None) -> list[str]:
    try:
        result = await run.result(query, operation_name=operation_name)
    except CannotGetOperationTypeError as error:  # the HTTP layer answers UNKNOWN_OPERATION
        return [type(error).__name__]
    return [(e.extensions or {}).get("code", "") for e in result.errors or []]
