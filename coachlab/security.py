"""HTTP-level protections: client addresses behind proxies, request body limits, headers.

``init_app`` must run before ``CSRFProtect.init_app``: CSRFProtect's ``before_request``
reads the form, and the body limits below refuse a request before anything reads its body.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, request
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from coachlab.extensions import limiter

UPLOAD_ENDPOINT = "recordings.upload"  # its body may be as large as MAX_CONTENT_LENGTH
PUBLIC_POST_ENDPOINTS = frozenset({"auth.login"})  # the only route anonymous bodies may reach
BODYLESS_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NONCE_KEY = "coachlab.csp_nonce"
LARGE_BODIES_KEY = "coachlab.large_bodies"  # endpoint -> config key of its limit in MB


def init_app(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        # X-Forwarded-For/-Proto/-Host/-Port/-Prefix, as set by that many proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies, x_port=proxies, x_prefix=proxies)
    limiter.init_app(app)
    app.before_request(limit_request_body)
    app.after_request(add_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def limit_request_body() -> Response | None:
    """Refuse anonymous bodies (except sign-in) and over-long ones before they are read.

    The upload route may carry ``MAX_CONTENT_LENGTH`` (per-file limit x files allowed), a
    route registered with :func:`coachlab.plugins.allow_large_body` the megabytes its config
    key names, every other route ``MAX_REQUEST_MB``. A body without a ``Content-Length``
    (chunked) is cut off by werkzeug at the same limit while it is read.
    """
    if request.method in BODYLESS_METHODS or request.endpoint is None:
        return None
    if request.endpoint not in PUBLIC_POST_ENDPOINTS and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()  # to sign-in, body unread
    if request.endpoint != UPLOAD_ENDPOINT:
        large = current_app.extensions.get(LARGE_BODIES_KEY, {})
        megabytes = current_app.config[large.get(request.endpoint, "MAX_REQUEST_MB")]
        request.max_content_length = int(float(megabytes) * 1024 * 1024)
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    return None


def csp_nonce() -> str:
    """This response's nonce for ``<style>`` elements that scripts add (wavesurfer's)."""
    # kept with the request (``g`` lives as long as the app context, which may be longer)
    return request.environ.setdefault(NONCE_KEY, secrets.token_urlsafe(16))


def content_security_policy(nonce: str | None) -> str:
    styles = f"'self' 'nonce-{nonce}'" if nonce else "'self'"
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        f"style-src {styles}",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    nonce = request.environ.get(NONCE_KEY)
    headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    return response
