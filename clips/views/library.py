"""The clip library and "Others' good calls" (their queries live in ``clips.library``)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template, request
from flask_login import current_user, login_required

from clips import library, service
from clips.forms import ClipFilterForm, microskill_choices
from clips.views import bp
from coachlab.db import db
from coachlab.forms import options
from coachlab.urls import page_number


def _filter_form(query: sa.Select) -> ClipFilterForm:
    form = ClipFilterForm(request.args)
    found = library.filter_choices(query)
    form.microskill.choices = options([("", "Any microskill")] + [
        (c.value, c.label) for c in microskill_choices() if c.value in found.microskills])
    form.advisor.choices = options([("", "All advisors")]
                                   + [(str(a.id), a.name) for a in found.advisors])
    form.team.choices = options([("", "All teams")] + [(str(t.id), t.name) for t in found.teams])
    return form


def _library(query: sa.Select, *, template: str, **context) -> str:
    form = _filter_form(query)
    if form.validate():
        query = library.filtered(
            query, microskill=form.microskill.data or "", kind=form.kind.data or "",
            advisor_id=int(form.advisor.data) if form.advisor.data else None,
            team_id=int(form.team.data) if form.team.data else None)
    else:
        query = library.filtered(query)
    page = db.paginate(query, page=page_number(), per_page=current_app.config["CLIPS_PER_PAGE"],
                       error_out=False)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(template, page=page, form=form, args=args,
                           microskill_names=service.microskill_codes(), **context)


@bp.get("/clips/")
@login_required
def index() -> str:
    return _library(library.library(current_user), template="clips/index.html",
                    endpoint="clips.index", heading="Clips")


@bp.get("/clips/good-calls")
@login_required
def good_calls() -> str:
    """Peers' good moments shared with the team or the library; not your own."""
    return _library(library.good_calls(current_user), template="clips/index.html",
                    endpoint="clips.good_calls", heading="Others' good calls")
