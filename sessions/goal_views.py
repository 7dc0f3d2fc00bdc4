"""Goals: setting one in a held session, its page (value, progress, evidence, impact),
sharing an achieved one; the coach's team view and the session metrics."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from coachlab import access, timezones
from coachlab.db import db
from coachlab.forms import EmptyForm, options
from microskills.service import skill_names
from sessions import goals, measures, metrics, team
from sessions.access import get_visible_session
from sessions.forms import GoalForm
from sessions.models import Goal
from sessions.views import bp, form_errors


def goal_form(session) -> GoalForm:
    form = GoalForm(prefix="goal")
    form.metric.choices = options([("", "Choose a metric")] + [
        (m.key, m.label) for m in measures.METRICS.values()])
    form.microskill.choices = options([("", "Choose a microskill")]
                                      + goals.microskill_choices(session))
    return form


@bp.post("/<int:session_id>/goals")
@login_required
def add_goal(session_id: int) -> Response:
    session = get_visible_session(current_user, session_id)
    access.require(current_user, "set, remove", "goal", session)
    form = goal_form(session)
    if not form.validate_on_submit():
        return refused(session, form, form_errors(form))
    try:
        goal = goals.set_goal(session, acting=current_user, metric=form.metric.data,
                              microskill=form.microskill.data or None, target=form.target.data,
                              due_on=form.due_on.data)
    except goals.GoalError as exc:
        db.session.rollback()
        return refused(session, form, str(exc))
    db.session.commit()
    flash("Goal set: it is measured on every later call.", "success")
    return redirect(url_for("sessions.goal", goal_id=goal.id))


def refused(session, form: GoalForm, message: str):
    """The session page again, the goal form open with what was typed and why it was refused."""
    from sessions.views import render_detail

    return render_detail(session, goal_form=form, goal_error=f"The goal was not set: {message}",
                         status=400)


@bp.get("/goals/<int:goal_id>")
@login_required
def goal(goal_id: int) -> str:
    found = goals.get_visible_goal(current_user, goal_id)
    access.require(current_user, "see (value, evidence, impact)", "goal", found)
    impact = goals.stored_impact(found)
    names = skill_names()
    return render_template(
        "sessions/goal.html", goal=found, spec=measures.METRICS[found.metric],
        title=measures.metric_name(found.metric, found.microskill, names),
        evidence=goals.goal_evidence(found, current_user), impact=impact,
        min_calls=measures.MIN_CALLS, impact_days=goals.impact_days(),
        evidence_calls=goals.EVIDENCE_CALLS,
        may_remove=access.can(current_user, "set, remove", "goal", found.session),
        may_share=access.can(current_user, "share with the team", "goal", found),
        action=EmptyForm())


def _goal_for(goal_id: int, action: str) -> Goal:
    found = goals.get_visible_goal(current_user, goal_id)
    access.require(current_user, action, "goal",
                   found.session if action == "set, remove" else found)
    return found


@bp.post("/goals/<int:goal_id>/remove")
@login_required
def remove_goal(goal_id: int) -> Response:
    found = _goal_for(goal_id, "set, remove")
    session_id = found.session_id
    if EmptyForm().validate_on_submit():
        goals.remove_goal(found, acting=current_user)
        db.session.commit()
        flash("Goal removed.", "success")
    return redirect(url_for("sessions.detail", session_id=session_id, _anchor="goals"))


@bp.post("/goals/<int:goal_id>/share")
@login_required
def share_goal(goal_id: int) -> Response:
    found = _goal_for(goal_id, "share with the team")
    if EmptyForm().validate_on_submit():
        try:
            goals.set_shared(found, request.form.get("shared") == "1", acting=current_user)
        except goals.GoalError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Shared with your team." if found.shared else "No longer shared.", "success")
    return redirect(url_for("sessions.goal", goal_id=found.id))


@bp.get("/team")
@login_required
def team_view() -> str:
    access.require(current_user, "see", "session metrics", "team view")
    return render_template("sessions/team.html", rows=team.team_rows(current_user),
                           achievements=team.recent_achievements(current_user),
                           names=skill_names())


@bp.get("/metrics")
@login_required
def metrics_page() -> str:
    access.require(current_user, "see", "session metrics", "metrics")
    months = request.args.get("months", 6, type=int)
    months = months if months in (3, 6, 12) else 6
    report = metrics.session_metrics(current_user, months=months)
    month_rows = [(timezones.format_month(m), report.by_month[m]) for m in report.months]
    return render_template("sessions/metrics.html", report=report, months=months,
                           month_rows=month_rows, chart=metrics.chart_data(report))
