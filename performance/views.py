"""Pages of the performance package: importing outcomes, audits, the dashboards and the
downloads."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clips.access import get_visible_clip
from coachlab import access, timezones
from coachlab.auth.models import Role, Team, User
from coachlab.db import db, utcnow
from coachlab.exports import render
from microskills.service import skill_names
from performance import exports, imports, service
from performance import figures as fig
from performance.access import get_visible_audit
from performance.forms import ActForm, AuditForm, ImportForm
from performance.models import Band, Channel

bp = Blueprint("performance", __name__, url_prefix="/performance", template_folder="templates")

PERIODS = (7, 30, 90, 365)
DEFAULT_PERIOD = 90
ROWS_SHOWN = 500


def _ids(value: str | None) -> int | None:
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


# --- import ------------------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@login_required
def import_outcomes() -> str:
    access.require(current_user, "import", "outcome", None)
    form = ImportForm()
    report = None
    if form.validate_on_submit():
        raw = form.file.data.stream

        def opener() -> _Detached:
            raw.seek(0)
            return _Detached(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))

        report = imports.import_outcomes(opener, acting=current_user)
        if report.ok:
            flash(report.summary(), "success")
    elif request.method == "POST":
        flash(" ".join(e for errs in form.errors.values() for e in errs), "error")
    return render_template("performance/import.html", form=form, report=report,
                           columns=imports.REQUIRED, optional=imports.OPTIONAL)


class _Detached:
    """A text wrapper over the upload that leaves the upload open when it is closed (the
    import reads the file twice)."""

    def __init__(self, wrapper: io.TextIOWrapper) -> None:
        self.wrapper = wrapper

    def __enter__(self):
        return self.wrapper

    def __exit__(self, *exc) -> None:
        self.wrapper.detach()


# --- audits ------------------------------------------------------------------------------------


@bp.get("/audits")
@login_required
def audits() -> str:
    found = service.audits_for(current_user)
    return render_template("performance/audits.html", audits=found, names=skill_names(),
                           now=utcnow())


def _audit_target():
    """The recording (and clip) named by ?recording= or ?clip=, among those the user sees."""
    clip_id = _ids(request.values.get("clip"))
    recording_id = _ids(request.values.get("recording"))
    if clip_id:
        clip = get_visible_clip(current_user, clip_id)
        recording = clip.recording
        # the clip's call itself may be out of sight (a library clip): audit what they see
        return recording, clip
    if recording_id:
        return access.get_visible_recording(current_user, recording_id), None
    abort(404)


@bp.route("/audits/new", methods=["GET", "POST"])
@login_required
def new_audit() -> Response | str:
    recording, clip = _audit_target()
    access.require(current_user, "create", "audit", recording)
    form = AuditForm()
    if form.validate_on_submit():
        try:
            audit = service.create_audit(recording, acting=current_user, band=Band(form.band.data),
                                         comment=form.comment.data,
                                         microskills=form.microskills.data, clip=clip)
        except service.AuditError as exc:
            form.microskills.errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"Audit saved: {audit.band.label}.", "success")
            return redirect(url_for("performance.audit", audit_id=audit.id))
    status = 400 if request.method == "POST" else 200
    return render_template("performance/audit_new.html", form=form, recording=recording,
                           clip=clip), status


@bp.get("/audits/<int:audit_id>")
@login_required
def audit(audit_id: int) -> str:
    found = get_visible_audit(current_user, audit_id)
    form = ActForm() if access.can(current_user, "act on", "audit", found) else None
    return render_template("performance/audit.html", audit=found, form=form,
                           names=skill_names(), now=utcnow())


@bp.post("/audits/<int:audit_id>/act")
@login_required
def act(audit_id: int) -> Response | str:
    found = get_visible_audit(current_user, audit_id)
    access.require(current_user, "act on", "audit", found)
    form = ActForm()
    if form.validate_on_submit():
        service.act_on(found, acting=current_user, note=form.note.data)
        db.session.commit()
        flash("Marked as acted on.", "success")
        return redirect(url_for("performance.audit", audit_id=found.id))
    return render_template("performance/audit.html", audit=found, form=form,
                           names=skill_names(), now=utcnow()), 400


# --- dashboards --------------------------------------------------------------------------------


def _filters(team_id: int | None = None, advisor_id: int | None = None) -> tuple:
    try:
        days = int(request.args.get("days", DEFAULT_PERIOD))
    except ValueError:
        days = DEFAULT_PERIOD
    if days not in PERIODS:
        days = DEFAULT_PERIOD
    channel = request.args.get("channel", "")
    if channel not in {c.value for c in Channel}:
        channel = ""
    zone = timezones.viewer_zone()
    today = timezones.local_now(zone).date()
    until = timezones.local_day_start(today + dt.timedelta(days=1), zone)
    since = timezones.local_day_start(today - dt.timedelta(days=days - 1), zone)
    return fig.Scope(since, until, team_id=team_id, channel=channel or None,
                     advisor_id=advisor_id), days, channel, zone


def _chart(trend, overall: fig.Figures) -> dict:
    def r(value, digits=1, scale=1):
        return None if value is None else round(value * scale, digits)

    return {
        "labels": [label for label, _ in trend],
        "counts": [f.n for _, f in trend],
        "nps": [r(f.nps) for _, f in trend],
        "nps_weighted": [r(f.nps_weighted) for _, f in trend],
        "csat": [r(f.csat, 2) for _, f in trend],
        "fcr": [r(f.fcr, 1, 100) for _, f in trend],
        "conversion": [r(f.conversion, 1, 100) for _, f in trend],
        "within_target": [r(f.share(f.within_target, f.resp_n), 1, 100) for _, f in trend],
        "quality": [r(f.communication_quality, 2, 100) for _, f in trend],
        "split": [overall.promoters, overall.passives, overall.detractors],
        "bands": [overall.bands.get(b.value, 0) for b in Band],
        "band_labels": [b.label for b in Band],
    }


def _dashboard(title: str, scope: fig.Scope, days: int, channel: str, zone, *,
               advisor: User | None = None, team: Team | None = None) -> str:
    user: User = current_user
    overall, per, trend = fig.dashboard(user, scope, zone)
    if advisor is not None:
        per = {}
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(list(per))))}
    standing = fig.standings(per) if per else {}
    teams = {a: u.team_id for a, u in people.items()}
    outliers = fig.outliers(user, scope, per, teams) if per else []
    rates = {}
    if advisor is not None:
        rates = fig.skill_rates(user, scope, [advisor.id]).get(advisor.id, (0, {}))
    quality = []
    if advisor is not None:
        months = fig.buckets(fig.Scope(scope.until - dt.timedelta(days=180), scope.until), zone)
        quality = fig.monthly_quality(user, advisor.id, months[-6:]) if len(months) <= 10 else []
    visible_teams = list(db.session.scalars(access.visible_teams(user).order_by(Team.name)))
    return render_template(
        "performance/dashboard.html", title=title, overall=overall, trend=trend,
        chart=_chart(trend, overall), per=per, people=people, standing=standing,
        outliers=outliers, rates=rates, names=skill_names(), days=days, channel=channel,
        periods=PERIODS, channels=[c.value for c in Channel], advisor=advisor, team=team,
        teams=visible_teams, targets=fig.targets(), quality=quality,
        since_day=timezones.to_local(scope.since, zone).date().isoformat(),
        until_day=(timezones.to_local(scope.until, zone).date()
                   - dt.timedelta(days=1)).isoformat(),
        overdue=service.overdue_for(user) if advisor is None else
        [a for a in service.overdue_for(user) if a.advisor_id == advisor.id])


@bp.get("/")
@login_required
def dashboard() -> Response | str:
    user: User = current_user
    if user.role is Role.ADVISOR:
        return redirect(url_for("performance.advisor_dashboard", advisor_id=user.id))
    access.require(user, "see (company)", "performance dashboard", None)
    team_id = _ids(request.args.get("team"))
    if team_id:
        return redirect(url_for("performance.team_dashboard", team_id=team_id,
                                days=request.args.get("days"),
                                channel=request.args.get("channel")))
    scope, days, channel, zone = _filters()
    title = ("Your teams' performance" if user.role is Role.COACH
             else "Company performance")
    return _dashboard(title, scope, days, channel, zone)


@bp.get("/teams/<int:team_id>")
@login_required
def team_dashboard(team_id: int) -> str:
    team = db.session.get(Team, team_id)
    if team is None:
        abort(404)
    access.require(current_user, "see (team, rankings, outliers)", "performance dashboard", team)
    scope, days, channel, zone = _filters(team_id=team.id)
    return _dashboard(f"{team.name}: performance", scope, days, channel, zone, team=team)


@bp.get("/advisors/<int:advisor_id>")
@login_required
def advisor_dashboard(advisor_id: int) -> str:
    advisor = db.session.get(User, advisor_id)
    if advisor is None:
        abort(404)
    access.require(current_user, "see (advisor)", "performance dashboard", advisor)
    scope, days, channel, zone = _filters(advisor_id=advisor.id)
    return _dashboard(f"{advisor.name}: performance", scope, days, channel, zone,
                      advisor=advisor)


# --- downloads ---------------------------------------------------------------------------------


@bp.get("/export.<fmt>")
@login_required
def download(fmt: str) -> Response:
    what = request.args.get("what", "outcomes")
    if fmt not in ("csv", "json") or what not in exports.TABLES:
        abort(404)
    user: User = current_user
    if user.role not in (Role.ADMIN, Role.COACH, Role.AUDITOR):
        abort(404)
    options = {}
    for name in ("since", "until"):
        value = request.args.get(name, "")
        try:
            options[name] = dt.date.fromisoformat(value) if value else None
        except ValueError:
            abort(400, f"{name} must be a date (YYYY-MM-DD).")
    fields, rows = exports.TABLES[what]
    body = render(rows(user, options), fields, fmt)
    stamp = timezones.local_now().strftime("%Y%m%d")
    return Response(body, mimetype="text/csv" if fmt == "csv" else "application/json",
                    headers={"Content-Disposition":
                             f'attachment; filename="coachlab-{what}-{stamp}.{fmt}"'})
