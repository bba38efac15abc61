"""Document limits: measured once per fragment, so checking is linear in the document."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, get_introspection_query, parse
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from schema.limits import Limits, Measure, measure
from schema.root import schema
from tests.conftest import Runner


def measured(query: str, variables: dict[str, Any] | None = None) -> Measure:
    document = parse(query)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    [operation] = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return measure(schema._schema, operation, fragments, variables=variables or {}, limits=Limits())


class TestMeasure:
    def test_counts_depth_through_fragments(self) -> None:
        query = '{ unit(code: "01") { ...P } } fragment P on Unit { parent { parent { name } } }'

        assert measured(query).depth == 4

    def test_multiplies_what_a_page_holds_by_its_size(self) -> None:
        query = "query ($n: Int) { units(first: $n) { edges { node { code name } } } }"

        small, large = measured(query, {"n": 10}), measured(query, {"n": 100})

        assert large.cost > 9 * small.cost

    def test_a_page_without_first_counts_the_default_page_size(self) -> None:
        assert (
            measured("{ units { edges { node { code } } } }").cost
            == measured("{ units(first: 50) { edges { node { code } } } }").cost
        )

    def test_counts_aliases_each_time_a_fragment_is_spread(self) -> None:
        query = (
            '{ unit(code: "01") { ...A ...A } }'
            " fragment A on Unit { ...B ...B ...B } fragment B on Unit { x: name y: code }"
        )

        assert measured(query).aliases == 2 * 3 * 2

    def test_survives_a_fragment_cycle(self) -> None:
        query = '{ unit(code: "01") { ...A } } fragment A on Unit { parent { ...A } }'

        assert measured(query).depth >= 2


class TestLimitsInExecution:
    async def test_the_nested_query_of_the_issue_is_allowed(self, run: Runner) -> None:
        data = await run.data(
            "{ units(kind: PROVINCE) { edges { node { children { edges { node {"
            " children { totalCount } } } } } } } }"
        )

        assert len(data["units"]["edges"]) == 34

    async def test_graphiql_introspection_is_allowed(self, run: Runner) -> None:
        data = await run.data(get_introspection_query(descriptions=True))

        assert data["__schema"]["queryType"]["name"] == "Query"

    async def test_a_fragment_cycle_is_a_validation_error(self, run: Runner) -> None:
        codes = await run.error_codes(
            '{ unit(code: "01") { ...A } } fragment A on Unit { parent { ...A } }'
        )

        assert codes == ["GRAPHQL_VALIDATION_FAILED"]

    @pytest.mark.parametrize(
        ("query", "code"),
        [
            (
                '{ unit(code: "01") { ' + "parent { " * 15 + "name" + " }" * 15 + " } }",
                "QUERY_TOO_DEEP",
            ),
            (
                "{ " + " ".join(f"u{i}: units {{ totalCount }}" for i in range(31)) + " }",
                "TOO_MANY_ALIASES",
            ),
        ],
    )
    async def test_a_refused_document_never_runs(self, run: Runner, query: str, code: str) -> None:
        result = await run.result(query)

        assert result.data is None
        assert [e.extensions["code"] for e in result.errors or []] == [code]


class TestCaches:
    async def test_a_repeated_document_is_parsed_and_validated_once(self, run: Runner) -> None:
        document = '{ unit(code: "38") { name } }  # cache probe'
        # lru_cache wrappers, typed by strawberry as plain callables
        parses: Any = _get_parse_cache(512)
        validations: Any = _get_validate_cache(512)
        await run.data(document)
        parsed, validated = parses.cache_info().misses, validations.cache_info().misses

        await run.data(document)
        await run.data(document)

        assert parses.cache_info().misses == parsed
        assert validations.cache_info().misses == validated
        assert validations.cache_info().hits >= 2
