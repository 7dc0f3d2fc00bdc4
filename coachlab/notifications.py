"""In-app notifications: a line of text and where to go, for one user.

Packages call :func:`notify` (a session was held, a session was acknowledged...); the menu
shows how many are unread and ``/notifications`` lists them. The target is kept as an
endpoint and its arguments, so a notification made outside a request (the CLI, a worker)
links correctly.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask import Blueprint, Flask, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db, utcnow
from coachlab.forms import EmptyForm

SHOWN = 50


class Notification(db.Model):
    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    endpoint: Mapped[str] = mapped_column(sa.String(120), default="")
    args: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_at: Mapped[dt.datetime | None]

    @property
    def url(self) -> str | None:
        if not self.endpoint:
            return None
        try:
            return url_for(self.endpoint, **(self.args or {}))
        except BuildError:
            return None


def notify(user: User, text: str, target: tuple[str, dict] | None = None) -> Notification:
    endpoint, args = target or ("", {})
    note = Notification(user_id=user.id, text=text[:1000], endpoint=endpoint, args=args)
    db.session.add(note)
    return note


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Notification)
                             .where(Notification.user_id == user.id,
                                    Notification.read_at.is_(None))) or 0


bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index() -> str:
    notes = db.session.scalars(sa.select(Notification)
                               .where(Notification.user_id == current_user.id)
                               .order_by(Notification.created_at.desc()).limit(SHOWN)).all()
    return render_template("notifications.html", notes=notes, form=EmptyForm())


@bp.post("/read")
@login_required
def mark_read() -> Response:
    """Mark all of the user's notifications read (their own only: the query says so)."""
    if EmptyForm().validate_on_submit():
        db.session.execute(sa.update(Notification)
                           .where(Notification.user_id == current_user.id,
                                  Notification.read_at.is_(None))
                           .values(read_at=utcnow()))
        db.session.commit()
    return redirect(url_for("notifications.index"))


RULES = (
    access.Rule("notification", "see, mark read", "The user it is for.",
                lambda user, note: note.user_id == user.id),
)


def init_app(app: Flask) -> None:
    access.register(app, *RULES)
    app.register_blueprint(bp)

    @app.context_processor
    def unread_notifications():
        def count() -> int:
            return unread_count(current_user) if current_user.is_authenticated else 0

        return {"unread_notifications": count}
