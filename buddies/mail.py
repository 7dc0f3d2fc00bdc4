"""Notifications for buddies' events, and optional email of every in-app notification.

:func:`tell` is ``coachlab.notifications.notify``. When ``MAIL_ENABLED`` is set
(``COACHLAB_MAIL_ENABLED=true``, off by default), each notification committed is also sent
by email through the SMTP server of ``COACHLAB_MAIL_SERVER``/``_PORT``/``_USE_TLS``/
``_USE_SSL``/``_USERNAME``/``_PASSWORD``/``_DEFAULT_SENDER`` (Flask-Mail), after the commit,
with a link on ``COACHLAB_MAIL_BASE_URL`` (the site's address, e.g. https://coachlab.example.com),
so a refused request sends nothing. A mail server that does not answer is logged, never
shown to the person who acted.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context, has_request_context, request
from flask_mail import Mail, Message
from werkzeug.routing import BuildError

from coachlab.auth.models import User
from coachlab.notifications import Notification, notify

log = logging.getLogger(__name__)
mail = Mail()
PENDING = "buddies.mail_pending"


def tell(user: User, text: str, target: tuple[str, dict] | None = None) -> Notification:
    return notify(user, text, target)


def _enabled() -> bool:
    return has_app_context() and bool(current_app.config.get("MAIL_ENABLED"))


def _link(endpoint: str, args: dict) -> str:
    """The notification's address: ``MAIL_BASE_URL`` (or the request's host) and its path."""
    if not endpoint:
        return ""
    anchor = args.pop("_anchor", None)
    try:
        path = current_app.url_map.bind("localhost").build(endpoint, args)
    except BuildError:
        return ""
    base = current_app.config.get("MAIL_BASE_URL") or (
        request.host_url if has_request_context() else "")
    if not base:
        return ""
    return base.rstrip("/") + path + (f"#{anchor}" if anchor else "")


def _collect(session, _flush_context) -> None:
    if not _enabled():
        return
    for obj in session.new:
        if isinstance(obj, Notification):
            with session.no_autoflush:
                user = session.get(User, obj.user_id)
            if user is None or not user.active or not user.email:
                continue
            link = _link(obj.endpoint, dict(obj.args or {}))
            session.info.setdefault(PENDING, []).append((user.email, user.name, obj.text, link))


def _send(session) -> None:
    pending = session.info.pop(PENDING, [])
    if not pending or not _enabled():
        return
    try:
        with mail.connect() as connection:
            for email, name, text, link in pending:
                body = text + (f"\n\n{link}" if link else "") + "\n\n— CoachLab"
                connection.send(Message(subject=f"CoachLab: {text[:70]}",
                                        recipients=[(name, email)], body=body))
    except Exception:  # a mail server down must not fail the request that committed
        log.exception("could not send %d notification email(s)", len(pending))


def _forget(session, *_args) -> None:
    session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    app.config.setdefault("MAIL_ENABLED", False)
    app.config.setdefault("MAIL_DEFAULT_SENDER", "coachlab@localhost")
    app.config.setdefault("MAIL_BASE_URL", "")
    mail.init_app(app)
    # before_flush sees the new rows; global listeners, registered once per process
    for event, listener in (("before_flush", _collect_before), ("after_commit", _send),
                            ("after_rollback", _forget)):
        if not sa.event.contains(sa.orm.Session, event, listener):
            sa.event.listen(sa.orm.Session, event, listener)


def _collect_before(session, flush_context, _instances) -> None:
    _collect(session, flush_context)
