"""``field__any=ids``: one array parameter instead of thousands of placeholders.

``pk__in=[...]`` with a few thousand ids makes a statement with as many placeholders, which takes
longer to build, send and plan than to run. On PostgreSQL ``= ANY(%s)`` sends the ids as one
array; elsewhere this is an ordinary IN.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.sql.compiler import SQLCompiler


class AnyOf(models.Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = [int(value) for value in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", (*lhs_params, ids)
        if not ids:
            return "1 = 0", tuple(lhs_params)
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", (*lhs_params, *ids)


for field_class in (models.AutoField, models.BigAutoField, models.ForeignKey):
    field_class.register_lookup(AnyOf)
