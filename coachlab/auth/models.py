from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from coachlab.db import db, str_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    COACH = "coach"
    ADVISOR = "advisor"
    AUDITOR = "auditor"  # quality assurance: sees and audits every call, coaches nobody


team_coaches = sa.Table(
    "team_coaches",
    db.metadata,
    sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Team(db.Model):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # An archived team keeps its history but takes no new members or recordings.
    archived_at: Mapped[dt.datetime | None]

    coaches: Mapped[list[User]] = relationship(
        secondary=team_coaches, back_populates="led_teams", order_by="User.name"
    )
    advisors: Mapped[list[User]] = relationship(
        back_populates="team", order_by="User.name", foreign_keys="User.team_id"
    )

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[Role] = mapped_column(str_enum(Role, 20))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id", ondelete="SET NULL"),
                                                index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    # The sign-in before this one: "since your last visit" on the start page counts from it.
    previous_login_at: Mapped[dt.datetime | None]
    # An IANA zone ("Europe/London"); None means the site's zone (config TIMEZONE).
    time_zone: Mapped[str | None] = mapped_column(sa.String(64))
    # In every session and remember cookie (get_id); bumping it ends them all.
    session_version: Mapped[int] = mapped_column(default=0)

    team: Mapped[Team | None] = relationship(back_populates="advisors", foreign_keys=[team_id])
    led_teams: Mapped[list[Team]] = relationship(
        secondary=team_coaches, back_populates="coaches", order_by="Team.name"
    )

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # what Flask-Login keeps in the session and remember cookie
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Make every session and remember cookie issued so far for this user invalid."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def is_coach(self) -> bool:
        return self.role is Role.COACH

    @property
    def is_advisor(self) -> bool:
        return self.role is Role.ADVISOR

    @property
    def is_auditor(self) -> bool:
        return self.role is Role.AUDITOR

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role.value}>"

