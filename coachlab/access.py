"""Who may see and who may change what: CoachLab's one access policy.

Anything a user may not see answers 404 (:class:`NotAllowed` becomes the 404 page), so
nothing tells that it exists.

The policy is a table of :class:`Rule`, one per (object kind, action): the words the README
shows (``coachlab access-table``) and the function that decides. Services ask it with
:func:`require` / :func:`can`; lists, counts, search, exports and profiles start from the
query helpers (``visible_recordings(user)``...), so an aggregate never uses what the viewer
may not see. Everything is written with the relationship helpers below (``led_team_ids``,
``is_coach_of``...): a coach's rights come from the teams they lead *now*, so a former
coach keeps nothing of a team but what they own.

Dependencies point one way. This module knows the core's models (users, teams,
recordings, transcripts) and holds their rules. A domain package keeps the rules of its
own objects next to its models (``clips/access.py``, ``microskills/access.py``), written
with these helpers, and adds them to the table from its ``init_app`` with
:func:`register`; coachlab never imports clips or microskills. The table is complete once
``create_app`` has run every ``init_app``, which is when the README table is generated.

The coming kinds plug in the same way: ``sessions`` registers "coaching session",
"feedback point", "goal" and "buddy pairing" rules, with a relationship helper here when
the core gains the relationship (a buddy pairing is between two advisors: add
``are_buddies(user, advisor)`` beside ``is_coach_of``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, abort, current_app
from flask.cli import with_appcontext
from flask_login import current_user, login_required
from werkzeug.exceptions import NotFound

from coachlab.auth.models import Role, Team, User
from coachlab.db import db
from coachlab.recordings.models import Recording

#: Roles that see every call (and its transcript and advisor): admins, and auditors, whose
#: work is auditing calls across the company. Nothing else follows from it.
SEE_EVERY_CALL = frozenset({Role.ADMIN, Role.AUDITOR})


class NotAllowed(Exception):
    """The acting user may not see or do this; answered as the 404 page."""


@dataclass(frozen=True, slots=True)
class Rule:
    """Who may do ``action`` to an object of ``kind``, in words and as a check."""

    kind: str  # "recording", "clip", ... as people call it
    action: str  # "see", "change", ...
    who: str  # the rule in words, for the README
    check: Callable[[User, Any], bool]  # (acting user, the object) -> allowed


# --- relationships ------------------------------------------------------------------------


def led_team_ids(user: User) -> set[int]:
    """The teams a coach leads now (none for anyone else)."""
    return {t.id for t in user.led_teams} if user.role is Role.COACH else set()


def member_team_ids(user: User) -> set[int]:
    """The teams a user belongs to: an advisor's team, a coach's led teams."""
    ids = led_team_ids(user)
    if user.role is Role.ADVISOR and user.team_id is not None:
        ids.add(user.team_id)
    return ids


def coaches_team(user: User, team_id: int | None) -> bool:
    """``user`` leads the team ``team_id`` now."""
    return team_id is not None and team_id in led_team_ids(user)


def is_coach_of(user: User, advisor: User) -> bool:
    """``user`` leads the team ``advisor`` is in now."""
    return advisor.role is Role.ADVISOR and coaches_team(user, advisor.team_id)


def led_by(user: User, team_column: sa.ColumnElement) -> sa.ColumnElement[bool]:
    """SQL: the row's team (``team_column``) is one ``user`` leads."""
    return team_column.in_(sorted(led_team_ids(user)))


# --- what a viewer may see, as queries ----------------------------------------------------


def visible_rows(user: User, model) -> sa.Select:
    """Rows of ``model`` (with ``team_id`` and ``advisor_id`` columns) under the rule of
    recordings: admins and auditors all; coaches their led teams' rows; advisors their own."""
    query = sa.select(model)
    if user.role in SEE_EVERY_CALL:
        return query
    if user.role is Role.COACH:
        return query.where(led_by(user, model.team_id))
    return query.where(model.advisor_id == user.id)


def visible_recordings(user: User) -> sa.Select:
    """Admins and auditors all; coaches their led teams' recordings; advisors their own."""
    return visible_rows(user, Recording)


def visible_recording_ids(user: User) -> sa.Select:
    """The ids of :func:`visible_recordings`, for ``IN`` filters of aggregates."""
    return visible_recordings(user).with_only_columns(Recording.id)


def visible_advisors(user: User) -> sa.Select:
    """Active advisors a user may see (profiles, upload choices, filters)."""
    query = sa.select(User).where(User.role == Role.ADVISOR, User.active.is_(True))
    if user.role in SEE_EVERY_CALL:
        return query
    if user.role is Role.COACH:
        return query.where(led_by(user, User.team_id))
    return query.where(User.id == user.id)


def visible_teams(user: User) -> sa.Select:
    query = sa.select(Team)
    if user.role in SEE_EVERY_CALL:
        return query
    return query.where(Team.id.in_(sorted(member_team_ids(user))))


def one_visible(query: sa.Select) -> Any:
    """The row ``query`` (a visible_* query narrowed to one id) finds, or :class:`NotAllowed`."""
    found = db.session.scalar(query)
    if found is None:
        raise NotAllowed
    return found


def get_visible_recording(user: User, recording_id: int) -> Recording:
    """The recording, or the 404 page whether it does not exist or the user may not see it."""
    return one_visible(visible_recordings(user).where(Recording.id == recording_id))


def among(query: sa.Select, obj: Any) -> bool:
    """Is ``obj`` one of the rows a visible_* ``query`` selects? (a "see" check from a query)"""
    model = type(obj)
    return db.session.scalar(
        query.with_only_columns(model.id).where(model.id == obj.id).limit(1)) is not None


# --- the core's rules ---------------------------------------------------------------------


def can_see_recording(user: User, recording: Recording) -> bool:
    if user.role in SEE_EVERY_CALL:
        return True
    return recording.advisor_id == user.id or coaches_team(user, recording.team_id)


def can_manage_recording(user: User, recording: Recording) -> bool:
    """Delete, correct its transcript, review its tags: its team's coaches and admins."""
    return user.role is Role.ADMIN or coaches_team(user, recording.team_id)


def can_reprocess_recording(user: User, recording: Recording) -> bool:
    return can_manage_recording(user, recording) or recording.advisor_id == user.id


def can_upload_for(user: User, advisor: User) -> bool:
    if advisor.role is not Role.ADVISOR:
        return False
    if user.role is Role.ADMIN:
        return True
    return advisor.id == user.id or is_coach_of(user, advisor)


def can_see_advisor(user: User, advisor: User) -> bool:
    if advisor.role is not Role.ADVISOR or not advisor.active:
        return False
    return user.role in SEE_EVERY_CALL or advisor.id == user.id or is_coach_of(user, advisor)


CORE_RULES = (
    Rule("recording", "see", "The advisor it is of, coaches of the recording's team, admins "
         "and auditors. Lists, search and exports start from these.", can_see_recording),
    Rule("recording", "upload", "Advisors for themselves, coaches for the advisors of the "
         "teams they lead, admins for any advisor.", can_upload_for),
    Rule("recording", "re-process", "Coaches of the recording's team, admins and the advisor "
         "it is of.", can_reprocess_recording),
    Rule("recording", "rename", "Coaches of the recording's team, admins and the advisor "
         "it is of.", can_reprocess_recording),
    Rule("recording", "edit details of", "Coaches of the recording's team and admins "
         "(date, outcomes, disposition, tags).", can_manage_recording),
    Rule("recording", "delete", "Coaches of the recording's team and admins.",
         can_manage_recording),
    Rule("transcript", "see, search, export", "Whoever sees the recording.",
         can_see_recording),
    Rule("transcript", "correct", "Coaches of the recording's team and admins.",
         can_manage_recording),
    Rule("advisor", "see", "The advisor, coaches of the advisor's current team, admins and "
         "auditors (upload choices, filters, profiles).", can_see_advisor),
    Rule("user, team", "change", "Admins.", lambda user, _obj: user.role is Role.ADMIN),
)


# --- the table ----------------------------------------------------------------------------


def register(app: Flask, *rules: Rule) -> None:
    """Add rules to the app's policy table; one rule per (kind, action)."""
    table: dict[tuple[str, str], Rule] = app.extensions.setdefault("coachlab.access", {})
    for rule in rules:
        if (rule.kind, rule.action) in table:
            raise ValueError(f"two access rules for {rule.action} {rule.kind}")
        table[(rule.kind, rule.action)] = rule


def rules(app: Flask | None = None) -> list[Rule]:
    return list((app or current_app).extensions.get("coachlab.access", {}).values())


def rule_for(action: str, kind: str) -> Rule:
    try:
        return current_app.extensions["coachlab.access"][(kind, action)]
    except KeyError:
        raise LookupError(f"no access rule for {action} {kind}") from None


def can(user: User, action: str, kind: str, obj: Any) -> bool:
    """May ``user`` do ``action`` to ``obj`` of ``kind``? Anonymous users may do nothing."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(rule_for(action, kind).check(user, obj))


def require(user: User, action: str, kind: str, obj: Any) -> None:
    """:func:`can`, or :class:`NotAllowed` (the 404 page)."""
    if not can(user, action, kind, obj):
        raise NotAllowed


def policy_markdown(table: Iterable[Rule] | None = None) -> str:
    """The policy as the markdown table of the README's "Who sees what"."""
    lines = ["| What | Action | Who |", "| --- | --- | --- |"]
    for rule in (rules() if table is None else table):
        lines.append(f"| {rule.kind} | {rule.action} | {rule.who} |")
    lines.append("")
    lines.append("Anyone else gets the 404 page, as if the object did not exist; anonymous "
                 "visitors are sent to sign in.")
    return "\n".join(lines)


README_START = "<!-- access-policy:start"
README_END = "<!-- access-policy:end -->"


def with_policy(readme: str, table: str) -> str:
    """``readme`` with ``table`` between its access-policy marker lines."""
    lines = readme.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith(README_START))
    end = next(i for i, line in enumerate(lines) if line.startswith(README_END))
    return "".join(lines[:start + 1]) + table.rstrip("\n") + "\n" + "".join(lines[end:])


@click.command("access-table")
@click.option("--write", "readme", type=click.Path(exists=True, dir_okay=False),
              help="Put the table between the access-policy markers of this README.")
@with_appcontext
def access_table_command(readme: str | None) -> None:
    """Print the access policy as a markdown table (or write it into the README)."""
    from pathlib import Path

    table = policy_markdown()
    if readme is None:
        click.echo(table)
        return
    path = Path(readme)
    path.write_text(with_policy(path.read_text(encoding="utf-8"), table), encoding="utf-8")
    click.echo(f"Access table written to {path}.")


def init_app(app: Flask) -> None:
    """The core's rules, the 404 page for :class:`NotAllowed` and the CLI command."""
    register(app, *CORE_RULES)

    @app.errorhandler(NotAllowed)
    def not_allowed(exc: NotAllowed):
        db.session.rollback()  # nothing a refused request did is kept
        return current_app.handle_http_exception(NotFound())

    app.cli.add_command(access_table_command)


# --- route guards -------------------------------------------------------------------------


def roles_required(*roles: Role) -> Callable:
    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        @login_required
        def guarded(*args, **kwargs):
            if current_user.role not in roles:
                abort(404)
            return view(*args, **kwargs)

        return guarded

    return decorator


admin_required = roles_required(Role.ADMIN)
