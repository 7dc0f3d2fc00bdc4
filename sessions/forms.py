"""Forms of coaching sessions. Choices that depend on the session (its advisor's clips and
calls) are set by the views before validating."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from clips.forms import microskill_choices
from coachlab.forms import ModelSelectField, options
from sessions.models import AgendaKind, Slot

KIND_CHOICES = options((k.value, k.label) for k in AgendaKind)
SLOT_CHOICES = options((s.value, s.label) for s in Slot)


class PlanForm(FlaskForm):
    scheduled_at = DateTimeLocalField("When", format="%Y-%m-%dT%H:%M", validators=[Optional()],
                                      description="Leave empty to keep it a draft.")
    length_minutes = IntegerField("Length (minutes)", default=30,
                                  validators=[InputRequired(), NumberRange(5, 240)])
    focus = SelectMultipleField("Focus microskills", validators=[Optional()],
                                description="What this session works on; the agenda builder "
                                            "proposes moments of these first.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.focus.choices = microskill_choices()


class SessionCreateForm(PlanForm):
    advisor = ModelSelectField("Advisor", validators=[DataRequired("Choose the advisor.")])


class AgendaClipForm(FlaskForm):
    # choices are the viewer's; any id is checked by the service against what the advisor sees
    clip = SelectField("Clip", coerce=str, validate_choice=False,
                       validators=[DataRequired("Choose a clip.")])
    kind = SelectField("For", choices=KIND_CHOICES, default=AgendaKind.OWN_GOOD.value)


class AgendaStretchForm(FlaskForm):
    recording = SelectField("Call", coerce=str, validate_choice=False,
                            validators=[DataRequired("Choose a call.")])
    start = FloatField("From (s)", validators=[InputRequired(), NumberRange(min=0)])
    end = FloatField("To (s)", validators=[InputRequired(), NumberRange(min=0)])
    kind = SelectField("For", choices=options((k.value, k.label) for k in AgendaKind
                                              if k is not AgendaKind.PEER_GOOD),
                       default=AgendaKind.MISTAKE.value)


class PointForm(FlaskForm):
    slot = SelectField("Place in the sandwich", choices=SLOT_CHOICES,
                       default=Slot.OPENING.value)
    text = TextAreaField("Feedback", validators=[Optional(), Length(max=4000)])
    microskill = SelectField("Microskill", validate_choice=False, validators=[Optional()])
    evidence = SelectField("Evidence", coerce=str, validate_choice=False, validators=[Optional()],
                           description="A clip on the agenda or the advisor may see, or one of "
                                       "their calls with the second.")
    at_second = FloatField("At second (for a call)", validators=[Optional(), NumberRange(min=0)])
    published = BooleanField("Publish this praise to the team")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.microskill.choices = options([("", "Choose a microskill")]) + microskill_choices()


class RunForm(FlaskForm):
    discussed = SelectMultipleField("Microskills discussed", validators=[Optional()])
    practised = SelectMultipleField("Microskills practised (role-play)", validators=[Optional()])
    interrupted = BooleanField("The session was interrupted")
    interruptions = IntegerField("Interruptions", default=0,
                                 validators=[Optional(), NumberRange(0, 99)])
    interruption_reason = TextAreaField("What interrupted it",
                                        validators=[Optional(), Length(max=2000)])
    shared_notes = TextAreaField("Notes the advisor sees", validators=[Optional(),
                                                                       Length(max=8000)])
    private_notes = TextAreaField("Private notes (you and admins only)",
                                  validators=[Optional(), Length(max=8000)])
    help_answer = TextAreaField("“How can I help you do better?”",
                                validators=[Optional(), Length(max=4000)])
    manage_answer = TextAreaField("“How can you help me manage your performance better?”",
                                  validators=[Optional(), Length(max=4000)])

    def __init__(self, *args, focus: list[str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # the session's focus microskills first, then the rest of the masterlist
        first = set(focus or [])
        choices = sorted(microskill_choices(), key=lambda c: c.value not in first)
        self.discussed.choices = choices
        self.practised.choices = list(choices)


class AcknowledgeForm(FlaskForm):
    reflection = TextAreaField("Your reflection (optional)",
                               validators=[Optional(), Length(max=4000)],
                               description="What you take from the session; your coach sees it.")


class NumberField(FloatField):
    """A float field whose refusal says what to type."""

    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Give a number, such as 0.8 or 75.") from None


class GoalForm(FlaskForm):
    """Required fields are checked by sessions.goals, which says what is missing."""

    metric = SelectField("Metric", validate_choice=False, validators=[Optional()])
    microskill = SelectField("Microskill (for a per-call rate)", validate_choice=False,
                             validators=[Optional()])
    target = NumberField("Target", validators=[Optional()],
                        description="Per call for a rate, a percentage for a share, seconds "
                                    "for a talk metric.")
    due_on = DateField("Due", validators=[Optional()])
