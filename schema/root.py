"""The schema: root types composed from the features, and the extensions every request runs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache, partial
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.execution import optimized_is_awaitable
from strawberry.extensions import ParserCache
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import DEFAULT_ALLOWED_OPERATION_TYPES
from strawberry.types import ExecutionContext, ExecutionResult
from strawberry.types.graphql import OperationType

from db import access as access_db, plans as plans_db
from schema.access.admin import AdminMutation
from schema.access.api_keys import ApiKeyMutation
from schema.access.queries import AccessQuery
from schema.access.sessions import SessionMutation
from schema.access.types import ApiKey, RoleGrant, User, visible_api_key, visible_grant
from schema.context import Context
from schema.errors import ErrorPresentation
from schema.executor import PlainFieldsExecutor
from schema.exports import ExportQuery
from schema.input_guard import InputGuard
from schema.introspection import Introspection, IntrospectionGate
from schema.limits import DocumentLimits, GuardedValidationCache
from schema.live.subscriptions import Subscription
from schema.node import Node, parse_global_id
from schema.permissions import logged_in
from schema.persons.assignment import AssignmentMutation, AssignmentQuery
from schema.persons.mutations import PersonMutation
from schema.persons.queries import PersonQuery
from schema.persons.transfer import TransferMutation
from schema.persons.types import Person
from schema.plans.bulk import BulkWorkflowMutation
from schema.plans.deadline import DeadlineMutation
from schema.plans.drafting import DraftingMutation
from schema.plans.feed import FeedQuery
from schema.plans.position_types import visible_position
from schema.plans.positions import PositionQuery
from schema.plans.queries import PlanQuery
from schema.plans.types import Plan, PlanEntry, Position
from schema.plans.workflow import WorkflowMutation
from schema.prepared import PreparedDocuments, run_prepared
from schema.reference.mutations import ReferenceMutation
from schema.reference.queries import ReferenceQuery
from schema.reorganisation import ReorganisationMutation
from schema.scalars import VIETNAM_DATETIME
from schema.stats.indicators import IndicatorQuery
from schema.stats.progress import ProgressQuery
from schema.stats.queries import StatisticsQuery
from schema.text_limits import declare_text_limits
from schema.units.queries import UnitQuery
from schema.units.types import Unit, tree_date


@strawberry.type(description="Read the cadre-planning data (quy hoạch cán bộ).")
class Query(
    UnitQuery,
    AccessQuery,
    PersonQuery,
    AssignmentQuery,
    PlanQuery,
    PositionQuery,
    StatisticsQuery,
    IndicatorQuery,
    FeedQuery,
    ProgressQuery,
    ExportQuery,
    ReferenceQuery,
):
    @strawberry.field(
        description="Any object by its global id (Relay); null if none has it, or if you may "
        "not see it: each type is visible where a list or a field shows it to you.",
        extensions=logged_in(),
    )
    async def node(self, info: strawberry.Info[Context, None], id: strawberry.ID) -> Node | None:
        type_name, row_id = parse_global_id(id)
        resolve = NODE_RESOLVERS.get(type_name)
        return await resolve(info.context, row_id) if resolve is not None else None


@dataclass(frozen=True, slots=True)
class _InUnit:
    """A node holding personal or account data, readable where its unit's scope allows."""

    resource: str
    load: Callable[[Context, int], Awaitable[Any]]
    unit_of: Callable[[Any], int]
    present: Callable[[Any], Node]

    async def __call__(self, ctx: Context, row_id: int) -> Node | None:
        if ctx.principal is None or not ctx.principal.is_official:
            return None
        found = await self.load(ctx, row_id)
        unit = await ctx.loaders.unit.load(self.unit_of(found)) if found else None
        # Whatever the caller may not read is as absent as what does not exist.
        if found is None or unit is None or not ctx.allows("read", self.resource, unit.path):
            return None
        return self.present(found)


def _by_session(
    load: Callable[..., Awaitable[Mapping[int, Any]]],
) -> Callable[[Context, int], Awaitable[Any]]:
    async def one(ctx: Context, row_id: int) -> Any:
        return (await ctx.db(load, [row_id])).get(row_id)

    return one


async def _unit(ctx: Context, row_id: int) -> Node | None:
    # The unit tree is public reference data: any login reads all of it (`units`).
    row = await ctx.loaders.unit.load(row_id)
    return Unit.from_row(row, at=tree_date(row, None, ctx.today)) if row else None


NodeResolver = Callable[[Context, int], Awaitable[Node | None]]

# How `node(id:)` finds each type that implements Node, under the scoping of the lists and
# fields that show it; tests/schema/test_node.py fails for a Node type missing here.
NODE_RESOLVERS: Mapping[str, NodeResolver] = {
    "Unit": _unit,
    "Person": _InUnit(
        "person", lambda ctx, i: ctx.loaders.person.load(i), lambda r: r.unit_id, Person.from_row
    ),
    "Plan": _InUnit(
        "plan", lambda ctx, i: ctx.loaders.plan.load(i), lambda r: r.planning_unit_id, Plan.from_row
    ),
    # An entry is read with its plan: found with its plan's planning unit.
    "PlanEntry": _InUnit(
        "plan",
        _by_session(plans_db.entries_by_ids),
        lambda r: r[1],
        lambda r: PlanEntry.from_row(r[0]),
    ),
    "Position": visible_position,
    "User": _InUnit(
        "user", _by_session(access_db.users_by_ids), lambda r: r.unit_id, User.from_row
    ),
    "RoleGrant": visible_grant,
    "ApiKey": visible_api_key,
}


@strawberry.type(description="Change the cadre-planning data.")
class Mutation(
    SessionMutation,
    AdminMutation,
    ApiKeyMutation,
    PersonMutation,
    TransferMutation,
    AssignmentMutation,
    ReorganisationMutation,
    DraftingMutation,
    WorkflowMutation,
    BulkWorkflowMutation,
    DeadlineMutation,
    ReferenceMutation,
):
    pass


class QuyhoachSchema(strawberry.Schema):
    """strawberry's schema, with prepared documents (schema/prepared.py) on its hot path."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.prepared = PreparedDocuments()

    async def execute(
        self,
        query: str | None,
        variable_values: dict[str, Any] | None = None,
        context_value: Any | None = None,
        root_value: Any | None = None,
        operation_name: str | None = None,
        allowed_operation_types: Iterable[OperationType] | None = None,
        operation_extensions: dict[str, Any] | None = None,
    ) -> ExecutionResult:
        allowed = allowed_operation_types or DEFAULT_ALLOWED_OPERATION_TYPES
        prepared = self.prepared.get(query) if query else None
        if prepared is not None:
            result = await run_prepared(
                self._schema,
                prepared,
                variables=variable_values,
                context=context_value,
                root_value=root_value,
                operation_name=operation_name,
                allowed=allowed,
                limits=DocumentLimits.limits,
                execution_kwargs={
                    "is_awaitable": optimized_is_awaitable,
                    "executor_class": PlainFieldsExecutor,
                    "operation_extensions": operation_extensions,
                },
            )
            if result is not None:
                return result
        result = await super().execute(
            query,
            variable_values,
            context_value,
            root_value,
            operation_name,
            allowed,
            operation_extensions,
        )
        if query and result.data is not None:
            self.prepared.remember(query)  # it parsed, passed every check and ran
        return result

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        # strawberry logs every error with a traceback, client mistakes included;
        # ErrorPresentation logs the unexpected ones, with the request id.
        return None


def build_schema(introspection: Introspection = Introspection.OPEN) -> QuyhoachSchema:
    """Build the schema; extensions are factories so no state is shared between requests."""
    gate = (
        []
        if introspection is Introspection.OPEN
        else [partial(IntrospectionGate, introspection=introspection)]
    )
    extensions: list[Any] = [
        *gate,  # before validation, as the limits: a refused document is never validated
        DocumentLimits,  # before the caches: a refused document is never validated
        lambda: ParserCache(maxsize=512),
        lambda: GuardedValidationCache(maxsize=512),
        InputGuard,  # after validation, before any resolver: no unstorable text reaches SQL
        ErrorPresentation,
    ]
    built = QuyhoachSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Unit, User, RoleGrant, ApiKey, Person, Plan, PlanEntry, Position],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=True),
        scalar_overrides={datetime: VIETNAM_DATETIME},
        execution_context_class=PlainFieldsExecutor,
    )
    declare_text_limits(built._schema)
    return built


schema = build_schema()


@cache
def schema_for(introspection: Introspection) -> strawberry.Schema:
    """The schema of a server whose introspection is ``introspection`` (one per setting)."""
    return schema if introspection is Introspection.OPEN else build_schema(introspection)
