"""Accounts and teams. Services flush, never commit; views commit once."""

from __future__ import annotations

import functools

import sqlalchemy as sa
from werkzeug.security import check_password_hash, generate_password_hash

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
    user.role = role
    user.team = team if role is Role.ADVISOR else None
    user.led_teams = list(led_teams) if role is Role.COACH else []


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


def create_team(name: str) -> Team:
    name = name.strip()
    if db.session.scalar(sa.select(Team).where(Team.name == name)):
        raise AccountError(f"A team called {name} already exists.")
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    return team


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


def team_choices() -> list[Team]:
    return list(db.session.scalars(sa.select(Team).order_by(Team.name)))
