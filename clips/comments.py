"""Timestamped comments on a clip. Flushes, never commits."""

from __future__ import annotations

from clips.models import Clip, ClipComment
from clips.service import ClipError
from coachlab import access
from coachlab.auth.models import User
from coachlab.db import db, utcnow

MAX_BODY = 4000


def _clean(body: str) -> str:
    body = body.strip()
    if not body:
        raise ClipError("A comment cannot be empty.")
    if len(body) > MAX_BODY:
        raise ClipError(f"A comment has at most {MAX_BODY} characters.")
    return body


def add_comment(clip: Clip, *, at_second: float, body: str, acting: User) -> ClipComment:
    """Anyone who sees the clip may comment; ``at_second`` is clamped to the clip."""
    access.require(acting, "add", "comment", clip)
    if at_second is None or at_second != at_second or at_second < 0:
        raise ClipError("The comment's second must be a number from 0.")
    length = clip.duration_s or clip.length
    comment = ClipComment(clip=clip, author=acting, at_second=round(min(at_second, length), 1),
                          body=_clean(body))
    db.session.add(comment)
    db.session.flush()
    return comment


def get_comment(clip: Clip, comment_id: int) -> ClipComment | None:
    comment = db.session.get(ClipComment, comment_id)
    return comment if comment is not None and comment.clip_id == clip.id else None


def edit_comment(comment: ClipComment, *, body: str, acting: User) -> None:
    access.require(acting, "change, delete", "comment", comment)
    body = _clean(body)
    if body != comment.body:
        comment.body = body
        comment.edited_at = utcnow()
    db.session.flush()


def delete_comment(comment: ClipComment, *, acting: User) -> None:
    access.require(acting, "change, delete", "comment", comment)
    db.session.delete(comment)
    db.session.flush()
