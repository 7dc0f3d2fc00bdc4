from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileRequired, MultipleFileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from coachlab.forms import ModelSelectField, options
from coachlab.recordings.models import AgentChannel, Direction, Status

RESOLVED_CHOICES = options([("", "Not recorded"), ("yes", "Yes"), ("no", "No")])


class RecordingUploadForm(FlaskForm):
    files = MultipleFileField("Recordings", validators=[FileRequired("Choose at least one file.")])
    advisor = ModelSelectField("Advisor", validators=[DataRequired("Choose the advisor.")])
    called_at = DateTimeLocalField("Call date and time", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    title = StringField(
        "Title", validators=[Optional(), Length(max=200)],
        description="What the call was about. Leave it blank to name it from the disposition "
                    "or, after transcription, from what the customer says first.")
    direction = SelectField(
        "Direction", choices=options((d.value, d.value.capitalize()) for d in Direction))
    agent_channel = SelectField(
        "Channels", choices=options((c.value, c.label) for c in AgentChannel),
        default=AgentChannel.LEFT.value)
    customer_ref = StringField("Customer reference", validators=[Optional(), Length(max=120)])
    nps = IntegerField("NPS (0-10)", validators=[Optional(), NumberRange(0, 10)])
    csat = IntegerField("CSAT (1-5)", validators=[Optional(), NumberRange(1, 5)])
    resolved = SelectField("Resolved", choices=RESOLVED_CHOICES, default="")
    disposition = TextAreaField("Disposition", validators=[Optional(), Length(max=2000)])
    tags = StringField("Tags", description="Comma-separated, e.g. billing, escalation",
                       validators=[Optional(), Length(max=500)])


class RecordingTitleForm(FlaskForm):
    title = StringField("Title", validators=[Optional(), Length(max=200)],
                        description="Shown in lists, search and on this page.")


class RecordingDetailsForm(RecordingTitleForm):
    """What coaches and admins may correct about a call (outcomes come from other systems
    and are sometimes wrong)."""

    called_at = DateTimeLocalField("Call date and time", format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired()])
    direction = SelectField(
        "Direction", choices=options((d.value, d.value.capitalize()) for d in Direction))
    customer_ref = StringField("Customer reference", validators=[Optional(), Length(max=120)])
    nps = IntegerField("NPS (0-10)", validators=[Optional(), NumberRange(0, 10)])
    csat = IntegerField("CSAT (1-5)", validators=[Optional(), NumberRange(1, 5)])
    resolved = SelectField("Resolved", choices=RESOLVED_CHOICES, default="")
    disposition = TextAreaField("Disposition", validators=[Optional(), Length(max=2000)])
    tags = StringField("Tags", description="Comma-separated, e.g. billing, escalation",
                       validators=[Optional(), Length(max=500)])


OUTCOME_CHOICES = options([("", "Any outcome"), ("detractor", "Detractors (NPS 0-6)"),
                   ("passive", "Passives (NPS 7-8)"), ("promoter", "Promoters (NPS 9-10)"),
                   ("resolved", "Resolved"), ("unresolved", "Not resolved")])
SORT_CHOICES = options([("newest", "Newest call first"), ("oldest", "Oldest call first"),
                        ("longest", "Longest first"), ("nps_low", "Lowest NPS first")])


class RecordingFilterForm(FlaskForm):
    """Read from the query string; a GET search needs no CSRF token."""

    class Meta:
        csrf = False

    advisor = SelectField("Advisor", coerce=str, default="")
    team = SelectField("Team", coerce=str, default="")
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("To", validators=[Optional()])
    q = StringField("Title or customer", validators=[Optional(), Length(max=200)])
    tag = StringField("Tag", validators=[Optional(), Length(max=60)])
    outcome = SelectField("Outcome", choices=OUTCOME_CHOICES, default="")
    status = SelectField("State", choices=options([("", "Any state")]
                                         + [(s.value, s.value.capitalize()) for s in Status]),
                         default="")
    sort = SelectField("Sort", choices=SORT_CHOICES, default="newest")
