"""Accounts and teams. Services flush, never commit; views commit once."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from coachlab.auth.models import LoginFailure, Role, Team, User
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
    user.active = active
    apply_membership(user, role=role, team=team, led_teams=led_teams)
    db.session.flush()


def change_password(user: User, *, current: str, new: str) -> None:
    if not user.check_password(current):
        raise AccountError("Your current password is not correct.")
    check_password_strength(new)
    user.set_password(new)


def reset_password(user: User, *, new: str) -> None:
    check_password_strength(new)
    user.set_password(new)


def create_team(name: str) -> Team:
    name = name.strip()
    if db.session.scalar(sa.select(Team).where(Team.name == name)):
        raise AccountError(f"A team called {name} already exists.")
    team = Team(name=name)
    db.session.add(team)
    db.session.flush()
    return team


def too_many_failures(email: str, remote_addr: str, *, limit: int, window_s: int) -> bool:
    since = utcnow() - dt.timedelta(seconds=window_s)
    count = db.session.scalar(
        sa.select(sa.func.count(LoginFailure.id)).where(
            LoginFailure.at >= since,
            sa.or_(LoginFailure.email == normalise_email(email),
                   LoginFailure.remote_addr == remote_addr),
        )
    )
    return (count or 0) >= limit


def record_failure(email: str, remote_addr: str) -> None:
    db.session.add(LoginFailure(email=normalise_email(email)[:254], remote_addr=remote_addr[:64]))


def authenticate(email: str, password: str) -> User | None:
    user = find_user_by_email(email)
    if user is None or not user.active or not user.check_password(password):
        return None
    user.last_login_at = utcnow()
    return user


def team_choices() -> list[Team]:
    return list(db.session.scalars(sa.select(Team).order_by(Team.name)))


def advisors_visible_to(user: User) -> list[User]:
    """The advisors a user may upload for or filter by."""
    query = sa.select(User).where(User.role == Role.ADVISOR, User.active.is_(True))
    if user.is_advisor:
        query = query.where(User.id == user.id)
    elif user.is_coach:
        query = query.where(User.team_id.in_([t.id for t in user.led_teams]))
    return list(db.session.scalars(query.order_by(User.name)))


def teams_visible_to(user: User) -> list[Team]:
    if user.is_admin:
        return team_choices()
    if user.is_coach:
        return list(user.led_teams)
    return [user.team] if user.team else []
