"""Password change, admin reset, deactivation and logout end a user's other sessions and
remember cookies (issue 9): a copied cookie stops working."""

from __future__ import annotations

import pytest

from coachlab.auth.models import Role
from coachlab.db import db
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("separate_requests")

PROTECTED = "/recordings/"


def signed_in(app, user, *, remember: bool = False, password: str = PASSWORD):
    client = app.test_client()
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post_form("/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def copy_of(app, client, *names: str):
    """Another browser holding the same cookies, as someone who copied them would."""
    thief = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        assert cookie is not None, f"no {name} cookie"
        thief.set_cookie(name, cookie.value)
    return thief


def works(client) -> bool:
    return client.get(PROTECTED).status_code == 200


@pytest.fixture
def admin(app, make_user):
    return signed_in(app, make_user(Role.ADMIN))


def test_a_copied_session_works_until_something_ends_it(app, make_user):
    user = make_user(Role.ADVISOR)
    assert works(copy_of(app, signed_in(app, user), "session"))


def test_password_change_ends_other_sessions_but_not_this_one(app, make_user):
    user = make_user(Role.ADVISOR)
    here = signed_in(app, user)
    elsewhere = signed_in(app, user)
    copied = copy_of(app, here, "session")
    response = here.post_form("/account/password", {
        "current": PASSWORD, "new": "a-new-secret-1", "confirm": "a-new-secret-1"})
    assert response.status_code == 302
    assert works(here)
    assert not works(elsewhere) and not works(copied)


def test_admin_reset_ends_sessions_and_remember_cookies(app, make_user, admin):
    user = make_user(Role.ADVISOR)
    browser = signed_in(app, user, remember=True)
    remembered = copy_of(app, browser, "remember_token")  # a year-long cookie, no session
    assert works(copy_of(app, browser, "remember_token"))
    response = admin.post_form(f"/admin/users/{user.id}/password",
                               {"reset-new": "brand-new-pass"})
    assert response.status_code == 302
    assert not works(browser) and not works(remembered)


def test_deactivation_ends_sessions(app, make_user, admin):
    user = make_user(Role.ADVISOR)
    browser = signed_in(app, user, remember=True)
    response = admin.post_form(f"/admin/users/{user.id}", {
        "name": user.name, "role": "advisor", "team": str(user.team_id)})  # active unticked
    assert response.status_code == 302
    db.session.refresh(user)
    assert not user.active
    assert not works(browser) and not works(copy_of(app, browser, "remember_token"))


def test_logout_ends_every_session_of_the_user(app, make_user):
    user = make_user(Role.ADVISOR)
    browser = signed_in(app, user, remember=True)
    other_device = signed_in(app, user)
    copied = copy_of(app, browser, "session", "remember_token")
    assert browser.post_form("/logout").status_code == 302
    assert not works(browser) and not works(copied) and not works(other_device)
    assert works(signed_in(app, user))  # signing in again is fine


def test_a_session_id_from_before_session_versions_is_refused(app, make_user):
    from coachlab.auth.service import load_session_user

    user = make_user(Role.ADVISOR)
    assert load_session_user(str(user.id)) is None  # "5", the old cookie format
    assert load_session_user(f"{user.id}:{user.session_version}") == user
    assert load_session_user(f"{user.id}:{user.session_version + 1}") is None
    assert load_session_user("99999999999999999999:0") is None
