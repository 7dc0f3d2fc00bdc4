from __future__ import annotations

import pytest
import sqlalchemy as sa

from coachlab.auth.models import Role, Team, User
from coachlab.db import db
from tests.factories import PASSWORD


def test_admin_creates_team_and_users(admin_client, client):
    assert admin_client.post_form("/admin/teams", {"name": "Retention"}).status_code == 302
    team = db.session.scalars(sa.select(Team)).one()
    response = admin_client.post_form("/admin/users/new", {
        "email": "New.Coach@Example.com", "name": "New Coach", "role": "coach",
        "password": "long-enough-pw", "led_teams": [str(team.id)], "team": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    coach = db.session.scalars(sa.select(User).where(User.email == "new.coach@example.com")).one()
    assert coach.role is Role.COACH and coach.led_teams == [team] and coach.team is None
    response = admin_client.post_form("/admin/users/new", {
        "email": "adv@example.com", "name": "Adv", "role": "advisor",
        "password": "long-enough-pw", "team": str(team.id)})
    assert response.status_code == 302
    assert "Adv" in admin_client.get("/admin/teams").get_data(as_text=True)


def test_advisor_needs_a_team(admin_client):
    response = admin_client.post_form("/admin/users/new", {
        "email": "adv@example.com", "name": "Adv", "role": "advisor",
        "password": "long-enough-pw", "team": ""})
    assert "must belong to a team" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(User).where(User.email == "adv@example.com")) is None


def test_duplicate_email_is_refused(admin_client, make_user):
    existing = make_user(Role.ADVISOR)
    response = admin_client.post_form("/admin/users/new", {
        "email": existing.email, "name": "Again", "role": "admin", "password": "long-enough-pw"})
    assert "already an account" in response.get_data(as_text=True)


def test_admin_resets_a_password(admin_client, make_user):
    user = make_user(Role.ADVISOR)
    response = admin_client.post_form(f"/admin/users/{user.id}/password",
                                      {"reset-new": "brand-new-pass"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.check_password("brand-new-pass") and not user.check_password(PASSWORD)


def test_admin_edits_and_deactivates_a_user(admin_client, make_user, make_team):
    user = make_user(Role.ADVISOR)
    other_team = make_team("Other")
    response = admin_client.post_form(f"/admin/users/{user.id}", {
        "name": "Renamed", "role": "advisor", "team": str(other_team.id)})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.name == "Renamed" and user.team == other_team and not user.active


def test_admin_cannot_demote_themselves(client, login, make_user):
    admin = make_user(Role.ADMIN)
    login(admin)
    response = client.post_form(f"/admin/users/{admin.id}", {"name": "Me", "role": "coach",
                                                              "active": "y"})
    assert "cannot remove your own admin rights" in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.role is Role.ADMIN


@pytest.mark.parametrize("role", [Role.COACH, Role.ADVISOR])
def test_admin_pages_are_not_found_for_others(client, login, make_user, make_team, role):
    target = make_user(Role.ADVISOR)
    login(make_user(role, led_teams=[make_team()] if role is Role.COACH else None))
    for url in ("/admin/users", "/admin/users/new", f"/admin/users/{target.id}", "/admin/teams"):
        assert client.get(url).status_code == 404, url
    assert client.post_form(f"/admin/users/{target.id}/password",
                            {"reset-new": "brand-new-pass"}).status_code == 404
    assert client.post_form("/admin/teams", {"name": "Sneaky"}).status_code == 404
