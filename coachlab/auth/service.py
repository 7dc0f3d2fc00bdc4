"""Accounts and teams. Services flush, never commit; views commit once."""

from __future__ import annotations

import functools
from collections.abc import Iterable

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

from coachlab import access
from coachlab.auth.models import Role, Team, User
from coachlab.db import db, utcnow

MIN_PASSWORD_LENGTH = 10


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == normalise_email(email)))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def create_user(*, email: str, name: str, role: Role, password: str,
                team: Team | None = None, led_teams: list[Team] | None = None) -> User:
    if find_user_by_email(email):
        raise AccountError(f"There is already an account for {normalise_email(email)}.")
    check_password_strength(password)
    user = User(email=normalise_email(email), name=name.strip(), role=role)
    user.set_password(password)
    apply_membership(user, role=role, team=team, led_teams=led_teams or [])
    db.session.add(user)
    db.session.flush()
    return user


def apply_membership(user: User, *, role: Role, team: Team | None, led_teams: list[Team]) -> None:
    """Advisors belong to exactly one team; coaches lead teams; admins need neither."""
    if role is Role.ADVISOR and team is None:
        raise AccountError("An advisor must belong to a team.")
    # an archived team takes no new members; those it has keep their place
    if role is Role.ADVISOR:
        _refuse_archived([team], kept={user.team_id})
    if role is Role.COACH:
        _refuse_archived(led_teams, kept={t.id for t in user.led_teams})
    user.role = role
    user.team = team if role is Role.ADVISOR else None
    user.led_teams = list(led_teams) if role is Role.COACH else []


def _refuse_archived(teams: Iterable[Team | None], *, kept: set[int | None]) -> None:
    closed = [t.name for t in teams if t is not None and t.is_archived and t.id not in kept]
    if closed:
        verb = "is archived and takes" if len(closed) == 1 else "are archived and take"
        raise AccountError(f"{_listing(closed)} {verb} no new members. Unarchive it on the "
                           "teams page first, or choose another team.")


def _listing(items: list[str]) -> str:
    """Names joined as people write them: a; a and b; a, b and c."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def update_user(user: User, *, name: str, role: Role, active: bool, team: Team | None,
                led_teams: list[Team], acting: User) -> None:
    if user.id == acting.id and (role is not Role.ADMIN or not active):
        raise AccountError("You cannot remove your own admin rights or deactivate yourself.")
    user.name = name.strip()
    if user.active and not active:
        user.end_sessions()
    user.active = active
    apply_membership(user, role=role, team=team, led_teams=led_teams)
    db.session.flush()


def change_password(user: User, *, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("Your current password is not correct.")
    check_password_strength(new)
    user.set_password(new)
    user.end_sessions()


def reset_password(user: User, *, new: str) -> None:
    check_password_strength(new)
    user.set_password(new)
    user.end_sessions()


def load_session_user(session_id: str) -> User | None:
    """The user of a session or remember cookie ("id:version"), if it is still valid."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()) or int(user_id) >= 2**63:
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    return user


def _check_team_name(name: str, *, team: Team | None = None) -> str:
    """The name, stripped, if no other team has it (letter case aside)."""
    name = name.strip()
    if not name:
        raise AccountError("A team needs a name.")
    query = sa.select(Team).where(sa.func.lower(Team.name) == name.lower())
    if team is not None:
        query = query.where(Team.id != team.id)
    existing = db.session.scalar(query.limit(1))
    if existing is not None:
        state = " (archived)" if existing.is_archived else ""
        raise AccountError(f"A team called {existing.name}{state} already exists. "
                           "Choose another name.")
    return name


def create_team(name: str) -> Team:
    team = Team(name=_check_team_name(name))
    db.session.add(team)
    db.session.flush()
    return team


def rename_team(team: Team, name: str, *, acting: User) -> None:
    access.require(acting, "change", "user, team", team)
    team.name = _check_team_name(name, team=team)
    db.session.flush()


def archive_team(team: Team, *, acting: User) -> None:
    """Keep the team and all that refers to it, but offer it for no new members or calls."""
    access.require(acting, "change", "user, team", team)
    if team.archived_at is None:
        team.archived_at = utcnow()
        db.session.flush()


def unarchive_team(team: Team, *, acting: User) -> None:
    access.require(acting, "change", "user, team", team)
    team.archived_at = None
    db.session.flush()


#: what the rows that point at a team are, by table; a table not named here counts as rows
TEAM_USAGE_WORDS = {
    "users": ("advisor", "advisors"),
    "team_coaches": ("coach", "coaches"),
    "recordings": ("recording", "recordings"),
    "clips": ("clip", "clips"),
    "playlists": ("playlist", "playlists"),
}
#: rows an admin can move to another team from the users page
MOVABLE_MEMBERS = ("users", "team_coaches")


def team_references() -> list[sa.Column]:
    """Every column with a foreign key to ``teams.id``, read from the metadata, so the
    tables of packages coachlab does not import (clips, sessions...) count too."""
    return [fk.parent for table in db.metadata.sorted_tables for fk in table.foreign_keys
            if fk.column.table.name == Team.__tablename__ and fk.column.name == "id"]


def team_usage(team_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """For each team that anything points at: table name -> how many rows do."""
    usage: dict[int, dict[str, int]] = {}
    for column in team_references():
        query = (sa.select(column, sa.func.count()).where(column.is_not(None))
                 .group_by(column))
        if team_ids is not None:
            query = query.where(column.in_(sorted(team_ids)))
        for team_id, count in db.session.execute(query):
            counts = usage.setdefault(team_id, {})
            counts[column.table.name] = counts.get(column.table.name, 0) + count
    return usage


def describe_usage(counts: dict[str, int]) -> list[str]:
    """``{"users": 3, "recordings": 1}`` as ``["3 advisors", "1 recording"]``."""
    order = list(TEAM_USAGE_WORDS)
    described = []
    for table in sorted(counts, key=lambda t: (order.index(t) if t in order else len(order), t)):
        one, many = TEAM_USAGE_WORDS.get(table, (f"{table} row", f"{table} rows"))
        described.append(f"{counts[table]} {one if counts[table] == 1 else many}")
    return described


def remove_team(team: Team, *, acting: User) -> None:
    """Delete a team nothing refers to; anything else is refused, saying what to do."""
    access.require(acting, "change", "user, team", team)
    counts = team_usage([team.id]).get(team.id, {})
    if counts:
        held = _listing(describe_usage(counts))
        if set(counts) <= set(MOVABLE_MEMBERS):
            raise AccountError(f"{team.name} cannot be removed: move its {held} to other "
                               "teams first or archive it.")
        history = {t: n for t, n in counts.items() if t not in MOVABLE_MEMBERS}
        verb = "stays" if list(history.values()) == [1] else "stay"
        raise AccountError(f"{team.name} cannot be removed: it still has {held}. Its "
                           f"{_listing(describe_usage(history))} {verb} with it, so archive "
                           "it instead: an archived team keeps its history and takes no new "
                           "members.")
    db.session.delete(team)
    db.session.flush()


@functools.cache
def _dummy_hash() -> str:
    return generate_password_hash("not-anyone's-password")


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None:
        # spend the time a real check takes, so the answer's timing tells no email apart
        check_password_hash(_dummy_hash(), password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.previous_login_at = user.last_login_at
    user.last_login_at = utcnow()
    return user


def team_choices(keep: Iterable[Team] = ()) -> list[Team]:
    """Teams to put a user in: those not archived, and the archived ones in ``keep`` (the
    user's own), so that editing someone else about them keeps them where they are."""
    kept = sorted({t.id for t in keep})
    query = sa.select(Team).where(sa.or_(Team.archived_at.is_(None), Team.id.in_(kept)))
    return list(db.session.scalars(query.order_by(Team.name)))
