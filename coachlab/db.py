"""The SQLAlchemy declarative base, the Flask-SQLAlchemy handle and time helpers."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zlib

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.TypeDecorator):
    """A timestamp that always comes back timezone-aware in UTC.

    SQLite stores no offset, so without this a value written aware comes back naive
    and comparisons with ``utcnow()`` raise.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def str_enum(enum_cls: type, length: int = 20) -> sa.Enum:
    """An enum column stored as its values (``"ready"``), portable across databases."""
    return sa.Enum(enum_cls, native_enum=False, length=length, validate_strings=True,
                   values_callable=lambda members: [m.value for m in members])


class Base(DeclarativeBase):
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_enforces_foreign_keys(dbapi_connection, connection_record) -> None:
    """SQLite ignores foreign keys (and so ON DELETE CASCADE) unless asked, per connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def hold_lock(name: str, key: int, connection: sa.Connection | None = None) -> None:
    """Hold the lock named ``(name, key)`` until the current transaction ends.

    For read-compute-write work that two workers may do at once on the same thing (an
    advisor's goals, refreshed when each of two calls finishes): the second waits for the
    first to commit, then reads what it wrote, so neither overwrites the other with figures
    computed from stale reads. PostgreSQL: a transaction-level advisory lock (other
    statements see rows committed before them, so reads after the lock are current).
    SQLite: the database's write lock, taken at once (``BEGIN IMMEDIATE``) unless this
    transaction already writes and so holds it; no other connection commits meanwhile.
    ``connection``: the session's unless given (a flush event's, say).
    """
    connection = connection or db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.execute(
            sa.text("SELECT pg_advisory_xact_lock(CAST(:name AS integer), CAST(:key AS integer))"),
            {"name": zlib.crc32(name.encode()) & 0x7FFFFFFF, "key": key})
    elif (connection.dialect.name == "sqlite"
          and not connection.connection.driver_connection.in_transaction):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
