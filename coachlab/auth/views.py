from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from coachlab.access import admin_required
from coachlab.auth import service, throttle
from coachlab.auth.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetForm,
    SettingsForm,
    TeamCreateForm,
    TeamRenameForm,
    UserCreateForm,
    UserEditForm,
)
from coachlab.auth.models import Role, Team, User
from coachlab.db import db
from coachlab.forms import options
from coachlab.urls import is_safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        attempt = throttle.begin_attempt(service.normalise_email(form.email.data),
                                         request.remote_addr or "unknown")
        if not attempt.allowed:
            flash("Too many failed sign-ins. Wait a few minutes and try again.", "error")
            return render_template("auth/login.html", form=form), 429
        user = service.authenticate(form.email.data, form.password.data)
        if user is None:
            attempt.failed()
            flash("That email and password do not match an active account.", "error")
            return render_template("auth/login.html", form=form), 401
        attempt.succeeded()
        db.session.commit()
        login_user(user, remember=form.remember.data)
        target = request.args.get("next")
        return redirect(target if is_safe_next(target) else url_for("home"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    current_user.end_sessions()  # signing out ends the user's other sessions too
    db.session.commit()
    logout_user()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            service.change_password(current_user, current=form.current.data, new=form.new.data)
        except service.AccountError as exc:
            form.current.errors.append(str(exc))
        else:
            db.session.commit()
            # every other session is over; this one goes on under the new session version
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
            login_user(current_user._get_current_object(),
                       remember=remembered in request.cookies)
            flash("Your password is changed.", "success")
            return redirect(url_for("home"))
    return render_template("auth/password.html", form=form)


@bp.route("/account/settings", methods=["GET", "POST"])
@login_required
def settings() -> str | Response:
    form = SettingsForm(site_zone=current_app.config["TIMEZONE"],
                        time_zone=current_user.time_zone or "")
    if form.validate_on_submit():
        current_user.time_zone = form.time_zone.data or None
        db.session.commit()
        flash("Your settings are saved.", "success")
        return redirect(url_for("auth.settings"))
    return render_template("auth/settings.html", form=form)


# --- administration -------------------------------------------------------------------


@bp.get("/admin/users")
@admin_required
def users() -> str:
    people = db.session.scalars(sa.select(User).order_by(User.role, User.name)).all()
    return render_template("auth/users.html", users=people)


def _prepare_user_form(form: UserEditForm, user: User | None = None) -> None:
    """Open teams to choose from, and the archived ones the user is already in (marked)."""
    teams = service.team_choices(
        keep=[] if user is None else [*user.led_teams, *([user.team] if user.team else [])])
    form.team.set_objects(teams)
    form.led_teams.set_objects(teams)
    labels = [(t.id, f"{t.name} (archived)" if t.is_archived else t.name) for t in teams]
    form.team.choices = options([(None, "—"), *labels])
    form.led_teams.choices = options(labels)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@admin_required
def user_new() -> str | Response:
    form = UserCreateForm()
    _prepare_user_form(form)
    if form.validate_on_submit():
        try:
            user = service.create_user(
                email=form.email.data, name=form.name.data, role=Role(form.role.data),
                password=form.password.data, team=form.team.selected,
                led_teams=form.led_teams.selected,
            )
        except service.AccountError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"Account created for {user.email}.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=None)


@bp.route("/admin/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = UserEditForm(obj=user if request.method == "GET" else None)
    _prepare_user_form(form, user)
    if request.method == "GET":
        form.role.data = user.role.value
        form.team.data = user.team_id
        form.led_teams.data = [t.id for t in user.led_teams]
    reset_form = PasswordResetForm(prefix="reset")
    if form.validate_on_submit():
        try:
            service.update_user(user, name=form.name.data, role=Role(form.role.data),
                                active=form.active.data, team=form.team.selected,
                                led_teams=form.led_teams.selected, acting=current_user)
        except service.AccountError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"{user.name} is updated.", "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_form.html", form=form, user=user, reset_form=reset_form)


@bp.post("/admin/users/<int:user_id>/password")
@admin_required
def user_reset_password(user_id: int) -> str | Response:
    user = db.get_or_404(User, user_id)
    form = PasswordResetForm(prefix="reset")
    if form.validate_on_submit():
        try:
            service.reset_password(user, new=form.new.data)
        except service.AccountError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"The password of {user.email} is reset. Tell them the new one.", "success")
            return redirect(url_for("auth.users"))
    else:
        for error in form.new.errors:
            flash(f"New password: {error}", "error")
    return redirect(url_for("auth.user_edit", user_id=user.id))


def _teams_page(form: TeamCreateForm | None = None, *, renaming: Team | None = None,
               rename_form: TeamRenameForm | None = None) -> str:
    """The teams table (open teams first) and the new-team form; ``renaming`` is the team
    whose rename was refused, shown with what was typed and why."""
    all_teams = db.session.scalars(
        sa.select(Team).order_by(Team.archived_at.is_not(None), Team.name)).all()
    return render_template("auth/teams.html", teams=all_teams, form=form or TeamCreateForm(),
                           usage=service.team_usage(), describe=service.describe_usage,
                           renaming=renaming, rename_form=rename_form)


@bp.route("/admin/teams", methods=["GET", "POST"])
@admin_required
def teams() -> str | Response:
    form = TeamCreateForm()
    if form.validate_on_submit():
        try:
            team = service.create_team(form.name.data)
        except service.AccountError as exc:
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"Team {team.name} created. Add coaches and advisors from the users page.",
                  "success")
            return redirect(url_for("auth.teams"))
    return _teams_page(form)


@bp.post("/admin/teams/<int:team_id>/rename")
@admin_required
def team_rename(team_id: int) -> str | Response:
    team = db.get_or_404(Team, team_id)
    form = TeamRenameForm()
    if form.validate_on_submit():
        old_name = team.name
        try:
            service.rename_team(team, form.name.data, acting=current_user)
        except service.AccountError as exc:
            db.session.rollback()
            form.name.errors.append(str(exc))
        else:
            db.session.commit()
            flash(f"{old_name} is now called {team.name}.", "success")
            return redirect(url_for("auth.teams"))
    return _teams_page(renaming=team, rename_form=form)


@bp.post("/admin/teams/<int:team_id>/archive")
@admin_required
def team_archive(team_id: int) -> Response:
    team = db.get_or_404(Team, team_id)  # CSRFProtect has checked the token of every POST
    service.archive_team(team, acting=current_user)
    db.session.commit()
    flash(f"{team.name} is archived: it keeps its members and calls but is no longer offered "
          "for new members.", "success")
    return redirect(url_for("auth.teams"))


@bp.post("/admin/teams/<int:team_id>/unarchive")
@admin_required
def team_unarchive(team_id: int) -> Response:
    team = db.get_or_404(Team, team_id)
    service.unarchive_team(team, acting=current_user)
    db.session.commit()
    flash(f"{team.name} is open again: it is offered for new members.", "success")
    return redirect(url_for("auth.teams"))


@bp.post("/admin/teams/<int:team_id>/remove")
@admin_required
def team_remove(team_id: int) -> Response:
    team = db.get_or_404(Team, team_id)
    name = team.name
    try:
        service.remove_team(team, acting=current_user)
    except service.AccountError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(f"Team {name} is removed.", "success")
    return redirect(url_for("auth.teams"))
