"""URL helpers: id converters that match only ids the id columns can hold, page numbers, and
which ``next`` targets are safe to follow."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter

#: Ids are INTEGER columns: 32-bit signed in PostgreSQL (SQLite's are wider).
MAX_ID = 2**31 - 1
#: No list has this many pages; beyond it the OFFSET would overflow the database.
MAX_PAGE = 1_000_000


class DatabaseId(IntegerConverter):
    """``<int:...>`` that does not match ids beyond what the database holds (404, not 500)."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Call before any route is added: rules pick their converters when they are added."""
    app.url_map.converters["int"] = DatabaseId


def page_number() -> int:
    """The ``page`` query argument: 1 when missing or not a number, 404 when out of range."""
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    return page


def is_safe_next(target: str | None) -> bool:
    """Only same-site relative paths are followed after login (no open redirects)."""
    if not target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") \
        and not target.startswith("//")
