from __future__ import annotations

from coachlab.auth.models import Role
from coachlab.db import db
from tests.factories import PASSWORD


def test_login_and_logout(client, make_user):
    user = make_user(Role.ADVISOR)
    response = client.post_form("/login", {"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/recordings/").status_code == 200
    response = client.post_form("/logout")
    assert response.status_code == 302
    assert client.get("/recordings/").status_code == 302  # back to the login page


def test_wrong_password_is_refused(client, make_user):
    user = make_user(Role.ADVISOR)
    response = client.post_form("/login", {"email": user.email, "password": "nope-nope-nope"})
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)


def test_login_is_rate_limited(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 15 minutes"
    user = make_user(Role.ADVISOR)
    for _ in range(3):
        client.post_form("/login", {"email": user.email, "password": "wrong-password-x"})
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.get_data(as_text=True)


def test_deactivated_user_cannot_log_in(client, make_user):
    user = make_user(Role.ADVISOR, active=False)
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 401


def test_login_follows_only_local_next(client, make_user):
    user = make_user(Role.ADVISOR)
    response = client.post_form("/login?next=https://evil.example/x",
                                {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post_form("/logout")
    response = client.post_form("/login?next=/recordings/upload",
                                {"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/recordings/upload"


def test_login_without_csrf_token_is_refused(client, make_user):
    user = make_user(Role.ADVISOR)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "form expired" in response.get_data(as_text=True)


def test_password_change(client, login, make_user):
    user = make_user(Role.ADVISOR)
    login(user)
    bad = client.post_form("/account/password", {
        "current": "not-it-at-all", "new": "a-new-secret-1", "confirm": "a-new-secret-1"})
    assert "not correct" in bad.get_data(as_text=True)
    short = client.post_form("/account/password", {"current": PASSWORD, "new": "short",
                                                   "confirm": "short"})
    assert short.status_code == 200 and user.check_password(PASSWORD)
    ok = client.post_form("/account/password", {"current": PASSWORD, "new": "a-new-secret-1",
                                                "confirm": "a-new-secret-1"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.check_password("a-new-secret-1")


def test_session_cookie_is_http_only(client, make_user):
    user = make_user(Role.ADVISOR)
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD})
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
