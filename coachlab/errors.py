"""Errors are pages (or JSON for JSON endpoints), never tracebacks."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request was not understood. Go back, check the form and try again.",
    404: "There is nothing here, or it is not yours to see.",
    405: "That action is not available here.",
    413: "The upload is larger than this server accepts.",
    429: "Too many attempts. Wait a few minutes and try again.",
    500: "Something went wrong on our side. It has been logged; try again in a moment.",
}


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _render(400, "The form expired or was sent from elsewhere. Reload the page "
                       "and submit it again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        code = exc.code or 500
        said = exc.description if exc.description != type(exc).description else None
        return _render(code, said or MESSAGES.get(code, exc.description))

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        from coachlab.db import db

        db.session.rollback()
        return _render(500, MESSAGES[500], "Server error")


def _render(code: int, message: str, title: str | None = None):
    if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
        return jsonify(error=message), code
    return render_template("errors/error.html", code=code, message=message, title=title), code
