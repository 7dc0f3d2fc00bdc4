"""Admins rename, archive, unarchive and remove teams; the users list reads plainly."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from clips.models import Visibility
from clips.playlists import create_playlist
from coachlab.auth import service
from coachlab.auth.models import Role, Team, User
from coachlab.db import db


class Cells(HTMLParser):
    """The <table> elements' classes and every <td>'s attributes and text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[str] = []
        self.cells: list[tuple[dict, str]] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append(dict(attrs).get("class") or "")
        if tag == "td":
            self.cells.append((dict(attrs), ""))
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "td":
            self._depth -= 1

    def handle_data(self, data):
        if self._depth and self.cells:
            attrs, text = self.cells[-1]
            self.cells[-1] = (attrs, text + data)


def cells_of(html: str) -> Cells:
    parser = Cells()
    parser.feed(html)
    return parser


def cell(html: str, label: str) -> list[str]:
    """The texts of the cells with this data-label, whitespace folded."""
    return [" ".join(text.split()) for attrs, text in cells_of(html).cells
            if attrs.get("data-label") == label]


def assert_stacked(html: str) -> None:
    parsed = cells_of(html)
    assert parsed.tables and all("stack" in classes.split() for classes in parsed.tables)
    assert parsed.cells and all(attrs.get("data-label") for attrs, _ in parsed.cells)


def flashes(html: str) -> list[str]:
    return [" ".join(m.split()) for m in re.findall(r'<p class="flash[^>]*>(.*?)</p>', html,
                                                    re.S)]


def options_of(html: str, select_name: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{select_name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {select_name}"
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>",
                                                  select.group(1))]


# --- the teams page -----------------------------------------------------------------------


def test_teams_page_shows_members_counts_state_and_actions(admin_client, make_team, make_user,
                                                           make_recording):
    blue, empty = make_team("Blue"), make_team("Empty")
    make_user(Role.COACH, led_teams=[blue], name="Cora Coach")
    ada = make_user(Role.ADVISOR, team=blue, name="Ada Advisor")
    make_user(Role.ADVISOR, team=blue, name="Bo Gone", active=False)
    make_recording(ada)
    service.archive_team(make_team("Old"), acting=make_user(Role.ADMIN))
    db.session.commit()

    html = admin_client.get("/admin/teams").get_data(as_text=True)
    assert_stacked(html)
    assert cell(html, "Team") == ["Blue", "Empty", "Old"]  # open teams first
    assert cell(html, "Coaches") == ["Cora Coach", "—", "—"]
    assert cell(html, "Advisors") == ["Ada Advisor, Bo Gone (deactivated)", "—", "—"]
    assert cell(html, "Recordings") == ["1", "0", "0"]
    states = cell(html, "State")
    assert states[:2] == ["Open", "Open"] and states[2].startswith("Archived since")
    actions = cell(html, "Actions")
    assert "Not removable: it has 2 advisors, 1 coach, 1 recording." in actions[0]
    assert f'action="/admin/teams/{empty.id}/remove"' in html
    assert f'action="/admin/teams/{blue.id}/remove"' not in html
    assert f'action="/admin/teams/{blue.id}/archive"' in html
    assert re.search(r'action="/admin/teams/\d+/unarchive"', html)


def test_a_big_team_lists_its_first_advisors(admin_client, make_team, make_user):
    team = make_team("Big")
    for n in range(8):
        make_user(Role.ADVISOR, team=team, name=f"Advisor {n}")
    html = admin_client.get("/admin/teams").get_data(as_text=True)
    assert cell(html, "Advisors") == [", ".join(f"Advisor {n}" for n in range(6))
                                      + " and 2 more"]


def test_admin_renames_a_team(admin_client, make_team):
    team = make_team("Blue")
    response = admin_client.post_form(f"/admin/teams/{team.id}/rename", {"name": "  Navy  "})
    assert response.status_code == 302
    db.session.refresh(team)
    assert team.name == "Navy"
    page = admin_client.get("/admin/teams").get_data(as_text=True)
    assert "Blue is now called Navy." in flashes(page)


@pytest.mark.parametrize("typed", ["Red", "red", " RED "])
def test_renaming_to_a_name_in_use_is_refused_keeping_what_was_typed(admin_client, make_team,
                                                                    typed):
    blue, _red = make_team("Blue"), make_team("Red")
    response = admin_client.post_form(f"/admin/teams/{blue.id}/rename", {"name": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A team called Red already exists. Choose another name." in html
    assert f'value="{typed}"' in html and 'aria-invalid="true"' in html
    assert f'id="team-{blue.id}-name-error"' in html
    db.session.refresh(blue)
    assert blue.name == "Blue"
    # the new-team form on that page still posts to the teams page
    assert 'action="/admin/teams" novalidate' in html


def test_renaming_to_its_own_name_in_other_letters_is_allowed(admin_client, make_team):
    team = make_team("blue team")
    assert admin_client.post_form(f"/admin/teams/{team.id}/rename",
                                  {"name": "Blue Team"}).status_code == 302
    db.session.refresh(team)
    assert team.name == "Blue Team"


def test_renaming_to_nothing_says_so(admin_client, make_team):
    team = make_team("Blue")
    html = admin_client.post_form(f"/admin/teams/{team.id}/rename",
                                  {"name": "   "}).get_data(as_text=True)
    assert "Type the team&#39;s new name." in html or "A team needs a name." in html
    db.session.refresh(team)
    assert team.name == "Blue"


def test_creating_a_team_named_like_an_archived_one_is_refused(admin_client, make_team,
                                                               make_user):
    service.archive_team(make_team("Blue"), acting=make_user(Role.ADMIN))
    db.session.commit()
    html = admin_client.post_form("/admin/teams", {"name": "blue"}).get_data(as_text=True)
    assert "A team called Blue (archived) already exists." in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Team)) == 1


def test_admin_archives_and_unarchives_a_team_keeping_its_people(admin_client, make_team,
                                                                 make_user):
    team = make_team("Blue")
    advisor = make_user(Role.ADVISOR, team=team)
    assert admin_client.post_form(f"/admin/teams/{team.id}/archive").status_code == 302
    db.session.refresh(team)
    assert team.is_archived and team.archived_at <= dt.datetime.now(dt.UTC)
    db.session.refresh(advisor)
    assert advisor.team == team  # existing members stay
    page = admin_client.get("/admin/teams").get_data(as_text=True)
    assert any(m.startswith("Blue is archived") for m in flashes(page))

    first_archived_at = team.archived_at
    admin_client.post_form(f"/admin/teams/{team.id}/archive")  # again: nothing changes
    db.session.refresh(team)
    assert team.archived_at == first_archived_at

    assert admin_client.post_form(f"/admin/teams/{team.id}/unarchive").status_code == 302
    db.session.refresh(team)
    assert not team.is_archived


def test_admin_removes_an_empty_team(admin_client, make_team):
    team = make_team("Empty")
    response = admin_client.post_form(f"/admin/teams/{team.id}/remove", follow_redirects=True)
    assert "Team Empty is removed." in flashes(response.get_data(as_text=True))
    assert db.session.get(Team, team.id) is None


def test_a_team_with_people_is_not_removed(admin_client, make_team, make_user):
    team = make_team("Blue")
    for _ in range(3):
        make_user(Role.ADVISOR, team=team)
    make_user(Role.COACH, led_teams=[team])
    response = admin_client.post_form(f"/admin/teams/{team.id}/remove", follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == [
        "Blue cannot be removed: move its 3 advisors and 1 coach to other teams first or "
        "archive it."]
    assert db.session.get(Team, team.id) is not None


def test_a_team_with_calls_is_not_removed_even_once_its_people_moved(
        admin_client, make_team, make_user, make_recording):
    blue, red = make_team("Blue"), make_team("Red")
    advisor = make_user(Role.ADVISOR, team=blue)
    make_recording(advisor)
    advisor.team = red  # moved on; the call stays with Blue
    db.session.commit()
    response = admin_client.post_form(f"/admin/teams/{blue.id}/remove", follow_redirects=True)
    assert flashes(response.get_data(as_text=True)) == [
        "Blue cannot be removed: it still has 1 recording. Its 1 recording stays with it, "
        "so archive it instead: an archived team keeps its history and takes no new members."]
    assert db.session.get(Team, blue.id) is not None


def test_whatever_refers_to_a_team_keeps_it_from_removal(admin_client, make_team, make_user):
    """Tables of other packages (clips' playlists here) count: any foreign key to teams.id."""
    columns = {f"{c.table.name}.{c.name}" for c in service.team_references()}
    assert columns >= {"users.team_id", "team_coaches.team_id", "recordings.team_id",
                       "clips.team_id", "playlists.team_id"}
    team = make_team("Blue")
    create_playlist(name="Picks", visibility=Visibility.TEAM, team=team,
                    acting=make_user(Role.ADMIN))
    db.session.commit()
    response = admin_client.post_form(f"/admin/teams/{team.id}/remove", follow_redirects=True)
    assert "Its 1 playlist stays with it, so archive it instead" in \
        flashes(response.get_data(as_text=True))[0]
    assert db.session.get(Team, team.id) is not None


@pytest.mark.parametrize("role", [Role.COACH, Role.ADVISOR])
def test_team_actions_are_not_found_for_others(client, login, make_team, make_user, role):
    team, empty = make_team("Blue"), make_team("Empty")
    login(make_user(role, team=team if role is Role.ADVISOR else None,
                    led_teams=[team] if role is Role.COACH else None))
    for url, data in [(f"/admin/teams/{team.id}/rename", {"name": "Mine"}),
                      (f"/admin/teams/{team.id}/archive", {}),
                      (f"/admin/teams/{empty.id}/remove", {})]:
        assert client.post_form(url, data).status_code == 404, url
    db.session.refresh(team)
    assert team.name == "Blue" and not team.is_archived
    assert db.session.get(Team, empty.id) is not None
    service.archive_team(team, acting=make_user(Role.ADMIN))
    db.session.commit()
    assert client.post_form(f"/admin/teams/{team.id}/unarchive").status_code == 404
    db.session.refresh(team)
    assert team.is_archived


def test_team_actions_send_anonymous_visitors_to_sign_in(client, make_team):
    team = make_team("Blue")
    for action in ("rename", "archive", "unarchive", "remove"):
        response = client.post_form(f"/admin/teams/{team.id}/{action}", {"name": "X"})
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.refresh(team)
    assert team.name == "Blue" and not team.is_archived


def test_team_actions_need_the_csrf_token(admin_client, make_team):
    team = make_team("Empty")
    response = admin_client.post(f"/admin/teams/{team.id}/remove", data={})
    assert response.status_code == 400
    assert db.session.get(Team, team.id) is not None


def test_services_ask_the_access_policy(make_team, make_user):
    from coachlab.access import NotAllowed

    team = make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[team])
    for act in (service.archive_team, service.unarchive_team, service.remove_team):
        with pytest.raises(NotAllowed):
            act(team, acting=coach)
    with pytest.raises(NotAllowed):
        service.rename_team(team, "Mine", acting=coach)


def test_unknown_teams_are_not_found(admin_client):
    for action in ("rename", "archive", "unarchive", "remove"):
        assert admin_client.post_form(f"/admin/teams/999999/{action}",
                                      {"name": "X"}).status_code == 404


# --- archived teams and choosing a team for a user ---------------------------------------


def test_an_archived_team_is_not_offered_for_new_users(admin_client, make_team, make_user):
    make_team("Blue")
    old = make_team("Old")
    service.archive_team(old, acting=make_user(Role.ADMIN))
    db.session.commit()
    assert [t.name for t in service.team_choices()] == ["Blue"]
    html = admin_client.get("/admin/users/new").get_data(as_text=True)
    assert options_of(html, "team") == ["—", "Blue"]
    assert options_of(html, "led_teams") == ["Blue"]
    # posted anyway (a page from before the archiving): refused, no account
    response = admin_client.post_form("/admin/users/new", {
        "email": "late@example.com", "name": "Late", "role": "advisor",
        "password": "long-enough-pw", "team": str(old.id)})
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(
        as_text=True)
    assert service.find_user_by_email("late@example.com") is None


def test_someone_in_an_archived_team_can_still_be_edited(admin_client, make_team, make_user):
    blue, old = make_team("Blue"), make_team("Old")
    advisor = make_user(Role.ADVISOR, team=old, name="Ada")
    coach = make_user(Role.COACH, led_teams=[old, blue], name="Cora")
    service.archive_team(old, acting=make_user(Role.ADMIN))
    db.session.commit()

    html = admin_client.get(f"/admin/users/{advisor.id}").get_data(as_text=True)
    assert options_of(html, "team") == ["—", "Blue", "Old (archived)"]
    assert re.search(rf'<option selected value="{old.id}">|<option value="{old.id}" selected',
                     html)
    response = admin_client.post_form(f"/admin/users/{advisor.id}", {
        "name": "Ada Renamed", "role": "advisor", "team": str(old.id), "active": "y"})
    assert response.status_code == 302
    db.session.refresh(advisor)
    assert advisor.name == "Ada Renamed" and advisor.team == old

    response = admin_client.post_form(f"/admin/users/{coach.id}", {
        "name": "Cora", "role": "coach", "led_teams": [str(old.id), str(blue.id)],
        "active": "y"})
    assert response.status_code == 302
    db.session.refresh(coach)
    assert {t.name for t in coach.led_teams} == {"Old", "Blue"}
    # the other advisor's page does not offer Old
    other = make_user(Role.ADVISOR, team=blue)
    html = admin_client.get(f"/admin/users/{other.id}").get_data(as_text=True)
    assert "Old" not in options_of(html, "team")


def test_nobody_joins_an_archived_team(make_team, make_user):
    old, blue = make_team("Old"), make_team("Blue")
    service.archive_team(old, acting=make_user(Role.ADMIN))
    advisor = make_user(Role.ADVISOR, team=blue)
    coach = make_user(Role.COACH, led_teams=[blue])
    with pytest.raises(service.AccountError, match="Old is archived and takes no new members"):
        service.apply_membership(advisor, role=Role.ADVISOR, team=old, led_teams=[])
    with pytest.raises(service.AccountError, match="Old is archived"):
        service.apply_membership(coach, role=Role.COACH, team=None, led_teams=[blue, old])
    with pytest.raises(service.AccountError, match="Old is archived"):
        service.create_user(email="n@example.com", name="N", role=Role.ADVISOR,
                            password="long-enough-pw", team=old)


# --- the user form: only the role's field counts -------------------------------------------


def test_the_user_form_marks_each_field_with_its_role_and_loads_its_script(admin_client):
    response = admin_client.get("/admin/users/new")
    html = response.get_data(as_text=True)
    assert re.search(r'<div data-for-role="advisor">\s*<label for="team">Team', html)
    assert re.search(r'<div data-for-role="coach">\s*<label for="led_teams">Teams led', html)
    assert '<script src="/static/js/user-form.js" defer></script>' in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    script = admin_client.get("/static/js/user-form.js")
    script.close()
    assert script.status_code == 200


def test_a_coach_saved_without_javascript_ignores_the_team_field(admin_client, make_team):
    blue, red, old = make_team("Blue"), make_team("Red"), make_team("Old")
    old.archived_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    # without JavaScript the team select still posts, even a stale or odd value
    for team_value in (str(red.id), str(old.id), "not-a-number"):
        email = f"coach-{team_value}@example.com"
        response = admin_client.post_form("/admin/users/new", {
            "email": email, "name": "Cora", "role": "coach", "password": "long-enough-pw",
            "team": team_value, "led_teams": [str(blue.id)]})
        assert response.status_code == 302, response.get_data(as_text=True)
        coach = service.find_user_by_email(email)
        assert coach.team is None and coach.led_teams == [blue]


def test_an_advisor_saved_without_javascript_ignores_teams_led(admin_client, make_team):
    blue, red, old = make_team("Blue"), make_team("Red"), make_team("Old")
    old.archived_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    response = admin_client.post_form("/admin/users/new", {
        "email": "ada@example.com", "name": "Ada", "role": "advisor",
        "password": "long-enough-pw", "team": str(blue.id),
        "led_teams": [str(red.id), str(old.id)]})
    assert response.status_code == 302, response.get_data(as_text=True)
    advisor = service.find_user_by_email("ada@example.com")
    assert advisor.team == blue and advisor.led_teams == []


def test_an_admin_keeps_no_team_whatever_the_form_posted(admin_client, make_team, make_user):
    blue = make_team("Blue")
    coach = make_user(Role.COACH, led_teams=[blue])
    response = admin_client.post_form(f"/admin/users/{coach.id}", {
        "name": "Now Admin", "role": "admin", "team": str(blue.id),
        "led_teams": [str(blue.id)], "active": "y"})
    assert response.status_code == 302
    db.session.refresh(coach)
    assert coach.role is Role.ADMIN and coach.team is None and coach.led_teams == []


def test_the_field_of_the_chosen_role_is_still_checked(admin_client, make_team):
    old = make_team("Old")
    old.archived_at = dt.datetime.now(dt.UTC)
    db.session.commit()
    response = admin_client.post_form("/admin/users/new", {
        "email": "c@example.com", "name": "C", "role": "coach", "password": "long-enough-pw",
        "led_teams": [str(old.id)]})
    assert "is not a valid choice" in response.get_data(as_text=True)
    assert service.find_user_by_email("c@example.com") is None


# --- the users list -----------------------------------------------------------------------


def test_users_list_reads_plainly_and_shows_who_never_signed_in(admin_client, make_team,
                                                                make_user):
    blue, red, old = make_team("Blue"), make_team("Red"), make_team("Old")
    make_user(Role.COACH, led_teams=[blue, red, old], name="Cora Coach")
    make_user(Role.COACH, name="Nia New")
    make_user(Role.ADVISOR, team=blue, name="Ada Advisor")
    make_user(Role.ADVISOR, team=old, name="Oli Old", active=False)
    service.archive_team(old, acting=make_user(Role.ADMIN))
    db.session.commit()

    html = admin_client.get("/admin/users").get_data(as_text=True)
    assert_stacked(html)
    people = cell(html, "Name")
    teams = dict(zip(people, cell(html, "Teams"), strict=True))
    assert teams["Cora Coach"] == "Leads Blue, Old (archived) and Red"
    assert teams["Nia New"] == "Leads no team yet"
    assert teams["Ada Advisor"] == "In Blue"
    assert teams["Oli Old"] == "In Old (archived)"
    assert teams["Ada Admin"] == "Sees every team"
    signed_in = dict(zip(people, cell(html, "Last sign-in"), strict=True))
    assert signed_in["Ada Advisor"] == "never signed in"
    assert signed_in["Ada Admin"] not in ("never signed in", "", "—")  # signed in to test
    states = dict(zip(people, cell(html, "State"), strict=True))
    assert states["Oli Old"] == "Deactivated" and states["Ada Advisor"] == "Active"
    never = db.session.scalar(sa.select(sa.func.count()).select_from(User)
                              .where(User.last_login_at.is_(None)))
    assert f"{never} people have never signed in." in html
