"""Making and inserting many new rows of one model faster than ``bulk_create``.

``bulk_create`` prepares every field of every object through the model layer and, on
PostgreSQL, passes each column as one array, which psycopg (with Django's client-side
parameter binding) quotes character by character: for rows holding a few kilobytes of
JSON that costs several times more than storing them. :func:`insert_new` writes the
rows with COPY on PostgreSQL and with one prepared INSERT run for every row on SQLite,
preparing only the values that need it; other databases get ``bulk_create``.
:class:`ModelMaker` builds unsaved objects positionally, as Django builds the rows it
reads, which skips the keyword constructor's per-field work.

Both expect values of the types the fields hold (str for text, int for numbers, the
related object for a foreign key, aware datetimes, JSON-serialisable data).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from operator import attrgetter
from typing import Any, Generic, TypeVar

from django.db import connection
from django.db.models import (
    CharField,
    Field,
    ForeignKey,
    IntegerField,
    JSONField,
    Model,
    TextField,
)

M = TypeVar("M", bound=Model)


class ModelMaker(Generic[M]):
    """Makes unsaved ``model`` objects from values by field name; fields not given take
    their defaults. A foreign key is given as the related object (or None), which the
    object caches as the keyword constructor would."""

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.relations = {
            field.name: field for field in self.fields if isinstance(field, ForeignKey)
        }
        # A default that is a value (not a callable such as dict or new_public_id) is
        # the same immutable value for every object: look it up once.
        self.defaults: dict[str, Callable[[], Any]] = {}
        for field in self.fields:
            if field.has_default() and callable(field.default):
                self.defaults[field.name] = field.get_default
            else:
                self.defaults[field.name] = _returning(field.get_default())

    def __call__(self, values: dict[str, Any]) -> M:
        row = []
        for field in self.fields:
            if field.name not in values:
                row.append(self.defaults[field.name]())
            elif field.name in self.relations:
                related = values[field.name]
                row.append(None if related is None else related.pk)
            else:
                row.append(values[field.name])
        made: M = self.model(*row)
        for name, field in self.relations.items():
            if name in values:
                field.set_cached_value(made, values[name])
        return made


def _returning(value: Any) -> Callable[[], Any]:
    return lambda: value


def insert_new(
    model: type[M],
    objects: Iterable[M],
    *,
    primary_keys: Sequence[int] | None = None,
    column_values: Mapping[str, Callable[[M], Any]] | None = None,
) -> list[M]:
    """Insert ``objects`` (new, unsaved), taking them from the iterable as they come;
    returns them. With ``primary_keys`` (from :func:`take_primary_keys`), each object
    gets the next one before it is written; without, the database numbers the rows and
    the objects are left without their keys (except on databases that use
    ``bulk_create``, which sets them). ``column_values`` gives, by field name, how to
    get a column's value for the database when the caller has it ready (e.g. JSON
    text already made). Errors are Django's (IntegrityError for a unique constraint).
    """
    if connection.vendor not in ("postgresql", "sqlite"):
        made = list(objects)
        model._default_manager.bulk_create(made)
        return made
    meta = model._meta
    assert meta.pk is not None
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    given = column_values or {}
    values = [given.get(field.name) or _column_value(field) for field in fields]
    if primary_keys is not None:
        fields = [meta.pk, *fields]
        values = [attrgetter(meta.pk.attname), *values]
    keys = iter(primary_keys) if primary_keys is not None else None
    inserted: list[M] = []

    def rows() -> Iterator[list[Any]]:
        for made in objects:
            if keys is not None:
                made.pk = next(keys)
            inserted.append(made)
            yield [value(made) for value in values]

    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if _server_has_lz4(cursor):
                # Compress what is TOASTed in this transaction (credentials of a few
                # kilobytes) with lz4: several times cheaper than the default pglz.
                cursor.execute("SET LOCAL default_toast_compression = 'lz4'")
            with (
                connection.wrap_database_errors,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows():
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows())
    for made in inserted:
        made._state.adding = False
        made._state.db = connection.alias
    return inserted


_LZ4_BY_SERVER: dict[tuple[Any, ...], bool] = {}


def _server_has_lz4(cursor: Any) -> bool:
    server = tuple(connection.settings_dict.get(key) for key in ("HOST", "PORT", "NAME"))
    if server not in _LZ4_BY_SERVER:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
        _LZ4_BY_SERVER[server] = bool(row and row[0])
    return _LZ4_BY_SERVER[server]


def take_primary_keys(model: type[Model], count: int) -> list[int] | None:
    """``count`` primary keys for new rows of ``model`` (an auto-incremented key), for
    :func:`insert_new` in the same transaction; a key not used is simply skipped. None
    on other databases than PostgreSQL and SQLite, where ``insert_new`` lets
    ``bulk_create`` set them.
    """
    meta = model._meta
    assert meta.pk is not None
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [key for (key,) in cursor.fetchall()]
        if connection.vendor != "sqlite":
            return None
        if not connection.in_atomic_block:
            raise RuntimeError("take_primary_keys must run inside a transaction on SQLite")
        # A write (that changes nothing) takes the database's write lock, if this
        # transaction has not yet: nobody else can take keys until it ends.
        cursor.execute("UPDATE sqlite_sequence SET seq = seq WHERE name = %s", [meta.db_table])
        # Django's SQLite tables are AUTOINCREMENT: never reuse a key, even one whose row
        # was deleted (sqlite_sequence remembers the largest ever given).
        cursor.execute(
            "SELECT MAX(COALESCE((SELECT MAX(seq) FROM sqlite_sequence WHERE name = %s), 0),"
            f" COALESCE((SELECT MAX({quote(meta.pk.column)}) FROM {quote(meta.db_table)}), 0))",
            [meta.db_table],
        )
        (last,) = cursor.fetchone()
    return list(range(last + 1, last + 1 + count))


def _column_value(field: Field[Any, Any]) -> Callable[[Model], Any]:
    """How a column's value is read from an object: text, numbers and foreign keys as
    they are (what ``get_db_prep_save`` makes of them), JSON as its text, anything else
    through ``get_db_prep_save``."""
    if isinstance(field, JSONField):
        encoder = field.encoder

        def json_text(made: Model) -> str | None:
            value = field.value_from_object(made)
            return None if value is None else json.dumps(value, cls=encoder)

        return json_text
    if isinstance(field, CharField | TextField | IntegerField | ForeignKey):
        return attrgetter(field.attname)
    # Mostly datetimes, and a batch's are mostly the same few: prepare each value once.
    prepared: dict[Any, Any] = {}
    read: Callable[[Model], Any] = attrgetter(field.attname)  # what pre_save returns...
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        read = partial(field.pre_save, add=True)  # ...except for these

    def prepared_value(made: Model) -> Any:
        value = read(made)
        try:
            return prepared[value]
        except KeyError:
            prepared[value] = field.get_db_prep_save(value, connection)
            return prepared[value]
        except TypeError:  # not hashable
            return field.get_db_prep_save(value, connection)

    return prepared_value
