"""Time zones: times are stored in UTC, shown and typed in the viewer's zone.

The viewer's zone is their profile setting, else the site's (config ``TIMEZONE``, an IANA
name such as ``Europe/London``). Flask-Babel formats dates in that zone; ``zoneinfo`` does
the arithmetic. A form's date-and-time field holds a wall-clock time in the viewer's zone:
:func:`from_local` turns it into UTC before it is stored, :func:`to_local` turns a stored
time back into the viewer's wall clock (for a form's default, or to cut days and weeks).
"""

from __future__ import annotations

import datetime as dt
import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import Flask, current_app, has_request_context
from flask_babel import Babel, format_date, format_datetime, get_timezone, refresh
from flask_login import current_user

babel = Babel()

# Babel patterns (CLDR): "23 Nov 2026, 14:05", "23 Nov 2026", "23 Nov"
DATETIME_PATTERN = "d MMM yyyy, HH:mm"
DATE_PATTERN = "d MMM yyyy"
SHORT_DATE_PATTERN = "d MMM"
MONTH_PATTERN = "MMM yyyy"


@functools.cache
def zone_names() -> tuple[str, ...]:
    """Every IANA zone this machine knows, sorted (for the profile's select)."""
    return tuple(sorted(name for name in available_timezones() if "/" in name or name == "UTC"))


def is_zone(name: str | None) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def site_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def zone_of(user) -> ZoneInfo:
    """The zone ``user`` reads and types times in."""
    name = getattr(user, "time_zone", None)
    return ZoneInfo(name) if is_zone(name) else site_zone()


def viewer_zone() -> ZoneInfo:
    """The zone of the signed-in user of this request, else the site's."""
    if has_request_context() and current_user and current_user.is_authenticated:
        return zone_of(current_user)
    return site_zone()


def _select_timezone() -> str:
    return viewer_zone().key  # Flask-Babel wants a name (it converts with pytz)


def zone_label() -> str:
    """The zone times on a page are in, as pages say it ("Times are Europe/London")."""
    zone = get_timezone() if has_request_context() else viewer_zone()
    return str(zone)


def to_local(value: dt.datetime, zone: ZoneInfo | None = None) -> dt.datetime:
    """A stored (aware) time as an aware time in ``zone`` (default: the viewer's)."""
    if value.tzinfo is None:
        raise ValueError("naive datetime: stored times are UTC-aware")
    return value.astimezone(zone or viewer_zone())


def local_naive(value: dt.datetime, zone: ZoneInfo | None = None) -> dt.datetime:
    """The wall-clock time a ``datetime-local`` input shows for ``value``."""
    return to_local(value, zone).replace(tzinfo=None)


def from_local(value: dt.datetime, zone: ZoneInfo | None = None) -> dt.datetime:
    """A wall-clock time typed in ``zone`` (default: the viewer's) as aware UTC.

    A time that does not exist (skipped by a spring-forward) or exists twice (autumn) is
    read with ``fold=0``, the earlier of the two, as ``zoneinfo`` does.
    """
    if value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value.replace(tzinfo=zone or viewer_zone()).astimezone(dt.UTC)


def local_now(zone: ZoneInfo | None = None) -> dt.datetime:
    return dt.datetime.now(zone or viewer_zone())


def local_day_start(day: dt.date, zone: ZoneInfo | None = None) -> dt.datetime:
    """Midnight at the start of ``day`` in ``zone``, as aware UTC (for date filters)."""
    return dt.datetime.combine(day, dt.time(), tzinfo=zone or viewer_zone()).astimezone(dt.UTC)


def week_start(value: dt.datetime, zone: ZoneInfo | None = None) -> dt.date:
    """The Monday of the week ``value`` falls in, in ``zone``: how weekly trends are cut."""
    day = to_local(value, zone).date()
    return day - dt.timedelta(days=day.weekday())


# template filters: Flask-Babel formats in the zone _select_timezone gives


def when(value: dt.datetime | None) -> str:
    return "—" if value is None else format_datetime(value, DATETIME_PATTERN)


def day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return format_date(value, DATE_PATTERN)


def short_day(value: dt.datetime | dt.date | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = to_local(value).date()
    return format_date(value, SHORT_DATE_PATTERN)


def format_month(value: dt.date) -> str:
    """ "Nov 2026" """
    return format_date(value, MONTH_PATTERN)


def iso_local(value: dt.datetime | None) -> str:
    """For ``<time datetime=...>`` attributes: the exact instant, with its offset."""
    return "" if value is None else to_local(value).isoformat(timespec="minutes")


def init_app(app: Flask) -> None:
    name = app.config.get("TIMEZONE") or "UTC"
    if not is_zone(name):
        raise RuntimeError(f"TIMEZONE={name!r} is not a time zone this machine knows "
                           "(an IANA name such as Europe/London)")
    app.config["TIMEZONE"] = name
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", name)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", app.config.get("LOCALE", "en_GB"))
    babel.init_app(app, timezone_selector=_select_timezone)
    # Flask-Babel caches the zone on the app context, which outlives a request when one is
    # pushed around several (tests, CLI): every request chooses again.
    app.before_request(refresh)
    app.jinja_env.filters.update(when=when, day=day, short_day=short_day, iso_local=iso_local)
    app.jinja_env.globals.update(zone_label=zone_label)
