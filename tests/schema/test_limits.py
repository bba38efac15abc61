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


# Issue 13: a connection's selection in a named fragment lost the enclosing `first`.
THREE_PAGES_IN_FRAGMENTS = (
    "{ units(kind: COMMUNE, first: 100) { ...C } }"
    " fragment C on UnitConnection { edges { node { parent { children(first: 100) { ...D } } } } }"
    " fragment D on UnitConnection { edges { node { parent { children(first: 100) {"
    " edges { node { code } } } } } } }"
)
THREE_PAGES_INLINE = (
    "{ units(kind: COMMUNE, first: 100) { edges { node { parent { children(first: 100) {"
    " edges { node { parent { children(first: 100) { edges { node { code } } } } } } } } } } } }"
)


class TestFragmentsAsExecuted:
    def test_a_named_fragment_costs_what_it_costs_inline(self) -> None:
        assert measured(THREE_PAGES_IN_FRAGMENTS).cost == measured(THREE_PAGES_INLINE).cost

    def test_an_inline_fragment_is_multiplied_by_the_page_around_it(self) -> None:
        query = "{ units(first: 100) { ... on UnitConnection { edges { node { code } } } } }"

        assert (
            measured(query).cost
            == measured("{ units(first: 100) { edges { node { code } } } }").cost
        )

    def test_a_fragment_spread_under_two_pages_is_multiplied_by_both(self) -> None:
        one = measured(
            "{ units(first: 1) { edges { node { children(first: 1) { ...E } } } } }"
            " fragment E on UnitConnection { edges { node { code name } } }"
        )
        many = measured(
            "{ units(first: 20) { edges { node { children(first: 30) { ...E } } } } }"
            " fragment E on UnitConnection { edges { node { code name } } }"
        )

        # 20 × 30 × (node + code + name) at the innermost level
        assert many.cost - one.cost >= (20 * 30 - 1) * 3

    def test_a_reused_fragment_is_counted_at_each_page_it_is_spread_in(self) -> None:
        fragment = " fragment N on Unit { code name parent { code } }"
        small = measured("{ units(first: 2) { edges { node { ...N } } } }" + fragment)
        both = measured(
            "{ a: units(first: 2) { edges { node { ...N } } }"
            " b: units(first: 90) { edges { node { ...N } } } }" + fragment
        )

        assert both.cost >= small.cost + 90 * 5

    def test_a_page_inside_a_fragment_replaces_the_page_around_it(self) -> None:
        # `children(first: 3)` holds 3 items whatever page the fragment is spread in.
        query = (
            "{ units(first: 40) { edges { node { ...K } } } }"
            " fragment K on Unit { children(first: 3) { totalCount edges { node { code } } } }"
        )
        # units + edges + 40 × (node + children + totalCount + edges + 3 × (node + code))
        assert measured(query).cost == 2 + 40 * (4 + 3 * 2)


class TestIntrospectionCost:
    def test_aliases_under_the_schema_count(self) -> None:
        query = "{ __schema { " + " ".join(f"a{i}: types {{ name }}" for i in range(40)) + " } }"

        assert measured(query).aliases == 40

    def test_each_copy_of_the_type_list_costs_every_type(self) -> None:
        types = len(schema._schema.type_map)
        one = measured("{ __schema { types { name } } }")
        three = measured("{ __schema { a: types { name } b: types { name } c: types { name } } }")

        assert one.cost >= types
        assert three.cost >= 3 * types

    def test_graphiqls_query_is_within_the_limits(self) -> None:
        full = get_introspection_query(
            descriptions=True,
            specified_by_url=True,
            directive_is_repeatable=True,
            schema_description=True,
            input_value_deprecation=True,
        )

        assert measured(full).cost <= Limits().max_cost

    def test_a_typename_counts_like_any_field(self) -> None:
        assert measured("{ __typename a: __typename }") == Measure(1, 1, 2)


def chain(levels: int, on: str, body: str) -> str:
    """Fragments F0 … F{levels}, each spreading the next once inside ``body``."""
    return (
        " ".join(
            f"fragment F{i} on {on} {{ {body.format(f'...F{i + 1}')} }}" for i in range(levels)
        )
        + f" fragment F{levels} on {on} {{ __typename }}"
    )


# Within the 3,000-token limit, each nests deeper than the measuring can recurse.
DEEP_DOCUMENTS = {
    "a chain of fragments": '{ unit(code: "01") { ...F0 } } '
    + chain(250, "Unit", "parent {{ {} }}"),
    "a chain of pages in fragments": "{ units(first: 2) { ...F0 } } "
    + chain(120, "UnitConnection", "edges {{ node {{ children(first: 2) {{ {} }} }} }}"),
    "a chain of introspection fragments": "{ __schema { types { ...F0 } } } "
    + chain(250, "__Type", "ofType {{ {} }}"),
}


class TestLimitsInExecution:
    @pytest.mark.parametrize("name", DEEP_DOCUMENTS)
    async def test_a_nesting_too_deep_to_measure_is_refused(self, run: Runner, name: str) -> None:
        result = await run.result(DEEP_DOCUMENTS[name])

        assert result.data is None
        assert [e.extensions["code"] for e in result.errors or []] == ["QUERY_TOO_DEEP"]

    async def test_the_fragment_bypass_of_issue_13_is_refused(self, run: Runner) -> None:
        result = await run.result(THREE_PAGES_IN_FRAGMENTS)

        assert result.data is None
        [error] = result.errors or []
        assert error.extensions["code"] == "QUERY_TOO_COSTLY"

    async def test_a_page_size_left_to_a_variable_default_counts_as_that_default(
        self, run: Runner
    ) -> None:
        # Two pages of 100 in pages of 100 (the variable's default, not the field's 50).
        query = (
            "query ($n: Int = 100) { units(first: $n) { edges { node { code name kind"
            " a: children(first: $n) { edges { node { code name kind } } }"
            " b: children(first: $n) { edges { node { code name kind } } }"
            " c: children(first: $n) { edges { node { code name kind } } } } } } }"
        )

        assert await run.error_codes(query) == ["QUERY_TOO_COSTLY"]
        assert await run.error_codes(query.replace("= 100", ""), {"n": 100}) == ["QUERY_TOO_COSTLY"]
        # A whole float is an Int to graphql-core: it pages as many.
        assert await run.error_codes(query.replace("= 100", ""), {"n": 100.0}) == [
            "QUERY_TOO_COSTLY"
        ]

    async def test_aliased_introspection_is_refused(self, run: Runner) -> None:
        query = (
            "{ __schema { "
            + " ".join(
                f"a{i}: types {{ fields {{ name description type {{ kind name }} }} }}"
                for i in range(25)
            )
            + " } }"
        )

        codes = await run.as_(None).error_codes(query)

        assert codes == ["QUERY_TOO_COSTLY"]

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
        validation_hits = validations.cache_info().hits

        await run.data(document)
        await run.data(document)

        assert parses.cache_info().misses == parsed
        assert validations.cache_info().misses == validated
        # The repeats ran prepared (schema/prepared.py): no extension looked at them again.
        assert validations.cache_info().hits == validation_hits
        assert schema.prepared.get(document) is not None
