"""Which of their own pages people opened, a day at a time: coaching reports whether an
advisor looked at their own start page or profile in the week before a session ("aware of
own metrics"). One row per user, page and day (the day's first view), so the table stays
small and a page view writes at most once a day."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from coachlab.db import db, utcnow

OWN_METRICS_PAGES = ("home", "profile")


class PageView(db.Model):
    __tablename__ = "page_views"
    __table_args__ = (sa.UniqueConstraint("user_id", "page", "day", name="uq_page_views_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    page: Mapped[str] = mapped_column(sa.String(40))
    day: Mapped[dt.date]
    first_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def record_view(user_id: int, page: str, now: dt.datetime | None = None) -> None:
    """Note that ``user_id`` opened ``page`` now, if it is their first view of it today;
    commits (a view is not part of a change)."""
    now = now or utcnow()
    day = now.date()
    seen = db.session.scalar(sa.select(PageView.id).where(
        PageView.user_id == user_id, PageView.page == page, PageView.day == day))
    if seen is not None:
        return
    db.session.add(PageView(user_id=user_id, page=page, day=day, first_at=now))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:  # the same view from a parallel request
        db.session.rollback()


def viewed_own_metrics(user_id: int, before: dt.datetime, days: int = 7) -> bool:
    """Whether the user opened their start page or profile in the ``days`` before ``before``."""
    return db.session.scalar(sa.select(sa.func.count(PageView.id)).where(
        PageView.user_id == user_id, PageView.page.in_(OWN_METRICS_PAGES),
        PageView.first_at < before,
        PageView.day >= (before - dt.timedelta(days=days)).date())) > 0
