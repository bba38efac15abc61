"""The query parameters of the export endpoints, checked before anything is read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from starlette.datastructures import QueryParams

from db.statistics import DIMENSIONS
from planning.problems import Value, problem
from schema.errors import ClientError
from schema.input_guard import text_problem

# A query parameter is a code, an id, a day or a few filter values: far below this. The
# statistics and indicators exports pass each value on to GraphQL, whose limits apply in turn.
MAX_PARAMETER_LENGTH = 1_000

# The names the `Dimension` enum of the schema has: the columns statistics can group by.
_KNOWN = ", ".join(DIMENSIONS)


def _bad(code: str, /, **values: Value) -> ClientError:
    return ClientError("BAD_ARGUMENTS", reason=problem(code, None, **values))


class ExportParams:
    """The parameters of one export request; a mistake is a 400 naming the parameter.

    Unknown names are refused too: a misspelt ``groupby`` silently ignored would hand out
    the totals where a breakdown was asked for.
    """

    def __init__(self, params: QueryParams, *, allowed: Iterable[str]) -> None:
        self.params = params
        unknown = sorted(set(params.keys()) - set(allowed))
        if unknown:
            names = ", ".join(f"`{name}`" for name in unknown)
            raise _bad("UNKNOWN_PARAMETER", names=names)
        # What PostgreSQL cannot hold (a NUL: `?cycle=%00`) is refused here, as /graphql
        # refuses it, instead of failing in SQL as a 500.
        for name, value in params.multi_items():
            refused = text_problem(value, name, MAX_PARAMETER_LENGTH)
            if refused is not None:
                raise refused

    def one(self, name: str) -> str:
        """The value of a required parameter given exactly once."""
        values = self.params.getlist(name)
        if len(values) != 1 or not values[0].strip():
            raise _bad("ONE_VALUE", name=name)
        return values[0].strip()

    def flag(self, name: str) -> bool:
        """An optional yes/no parameter: ``true`` or ``false`` (absent: false)."""
        values = self.params.getlist(name)
        if not values:
            return False
        if len(values) == 1 and values[0].lower() in ("true", "false"):
            return values[0].lower() == "true"
        raise _bad("NOT_A_FLAG", name=name)

    def day(self, name: str) -> str | None:
        """An optional date, ``YYYY-MM-DD``, passed on as the GraphQL ``Date`` it mirrors."""
        values = self.params.getlist(name)
        if not values:
            return None
        try:
            if len(values) != 1:
                raise ValueError(name)
            return date.fromisoformat(values[0]).isoformat()
        except ValueError:
            raise _bad("NOT_A_DAY", name=name) from None

    def dimensions(self, name: str) -> list[str]:
        """Repeatable dimension names, in order, each once."""
        return list(
            dict.fromkeys(self._dimension(name, value) for value in self.params.getlist(name))
        )

    def filters(self, name: str) -> list[dict[str, object]]:
        """``DIMENSION:value1,value2`` (repeatable) as ``DimensionFilter`` inputs."""
        found: list[dict[str, object]] = []
        for given in self.params.getlist(name):
            dimension, colon, values = given.partition(":")
            if not colon or not values:
                raise _bad("BAD_FILTER", name=name, given=given)
            found.append(
                {"dimension": self._dimension(name, dimension), "values": values.split(",")}
            )
        return found

    @staticmethod
    def _dimension(name: str, value: str) -> str:
        if value not in DIMENSIONS:
            raise _bad("UNKNOWN_DIMENSION", name=name, value=value, known=_KNOWN)
        return value
