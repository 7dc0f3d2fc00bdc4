"""Running a coaching session (a focused page: the agenda with players, a timer, what was
discussed and practised, interruptions, notes and the two questions), marking it held, and
the advisor's acknowledgement."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from coachlab import access
from coachlab.db import db
from coachlab.forms import EmptyForm
from microskills.service import skill_names
from sessions import service
from sessions.access import get_visible_session
from sessions.forms import AcknowledgeForm, RunForm
from sessions.views import back, bp, changeable, form_errors


@bp.route("/<int:session_id>/run", methods=["GET", "POST"])
@login_required
def run(session_id: int) -> str | Response | tuple[str, int]:
    session = changeable(session_id)
    form = RunForm(focus=session.focus_codes)
    if request.method == "GET":
        form.discussed.data = [s.code for s in session.skills if s.discussed]
        form.practised.data = [s.code for s in session.skills if s.practised]
        for name in ("interrupted", "interruptions", "interruption_reason", "shared_notes",
                     "private_notes", "help_answer", "manage_answer"):
            getattr(form, name).data = getattr(session, name)
    elif form.validate_on_submit():
        try:
            service.record_run(session, service.RunRecord(
                discussed=tuple(form.discussed.data or ()),
                practised=tuple(form.practised.data or ()),
                interrupted=bool(form.interrupted.data),
                interruptions=form.interruptions.data or 0,
                interruption_reason=form.interruption_reason.data or "",
                shared_notes=form.shared_notes.data or "",
                private_notes=form.private_notes.data or "",
                help_answer=form.help_answer.data or "",
                manage_answer=form.manage_answer.data or ""), acting=current_user)
        except service.SessionError as exc:
            db.session.rollback()
            flash(f"Not saved: {exc}", "error")
            return render_template("sessions/run.html", session=session, form=form,
                                   names=skill_names(), action=EmptyForm()), 400
        db.session.commit()
        flash("Session notes saved.", "success")
        if request.form.get("then") == "held":
            return redirect(url_for("sessions.detail", session_id=session.id, _anchor="held"))
        return redirect(url_for("sessions.run", session_id=session.id))
    else:
        flash("Not saved: " + form_errors(form), "error")
        return render_template("sessions/run.html", session=session, form=form,
                               names=skill_names(), action=EmptyForm()), 400
    return render_template("sessions/run.html", session=session, form=form,
                           names=skill_names(), action=EmptyForm())


@bp.post("/<int:session_id>/held")
@login_required
def held(session_id: int) -> Response:
    session = changeable(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        service.mark_held(session, acting=current_user)
    except service.SessionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return back(session, "feedback")
    db.session.commit()
    flash(f"Marked held; {session.advisor.name} is notified and asked to acknowledge it.",
          "success")
    return back(session)


@bp.post("/<int:session_id>/acknowledge")
@login_required
def acknowledge(session_id: int) -> Response:
    session = get_visible_session(current_user, session_id)
    access.require(current_user, "acknowledge", "coaching session", session)
    form = AcknowledgeForm()
    if not form.validate_on_submit():
        flash("Not acknowledged: " + form_errors(form), "error")
        return back(session)
    try:
        service.acknowledge(session, acting=current_user, reflection=form.reflection.data or "")
    except service.SessionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return back(session)
    db.session.commit()
    flash("Thank you: your coach sees that you read the feedback.", "success")
    return back(session)

