"""Forms of the buddies pages (every one with its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from buddies.models import PeerPrompt
from coachlab.forms import ModelSelectField, options

PROMPTS = options((p.value, p.label) for p in PeerPrompt)


class PairingForm(FlaskForm):
    advisor_a = ModelSelectField("Advisor", validators=[InputRequired()])
    advisor_b = ModelSelectField("Buddy", validators=[InputRequired()])
    starts_on = DateField("From", validators=[InputRequired()])
    ends_on = DateField("Until", validators=[InputRequired()])


class AcceptSuggestionForm(FlaskForm):
    weak = HiddenField(validators=[DataRequired()])
    strong = HiddenField(validators=[DataRequired()])
    code = HiddenField(validators=[DataRequired()])
    starts_on = DateField("From", validators=[InputRequired()])
    ends_on = DateField("Until", validators=[InputRequired()])


class ShareForm(FlaskForm):
    clip = ModelSelectField("Clip", label_attr="title", validators=[InputRequired()])
    note = TextAreaField("A note for your buddy (optional)", validators=[Length(max=1000)])


class PeerCommentForm(FlaskForm):
    at_second = FloatField("At second", validators=[InputRequired(), NumberRange(min=0)])
    prompt = SelectField("Prompt", choices=PROMPTS, validators=[InputRequired()])
    microskills = SelectMultipleField("Microskills (1 to 3)", validators=[Optional()])
    body = TextAreaField("Comment")


class ReplyForm(FlaskForm):
    body = TextAreaField("Reply")


class EditCommentForm(FlaskForm):
    body = TextAreaField("Comment")


class CheckInForm(FlaskForm):
    help_answer = TextAreaField("How can I help you do better?")
    manage_answer = TextAreaField("How can you help me manage your performance better?")


class KudosForm(FlaskForm):
    microskill = SelectField("Microskill it shows", validators=[InputRequired()])
    message = TextAreaField("Message (optional)", validators=[Length(max=1000)])


class ExperimentForm(FlaskForm):
    title = StringField("What will you try?", validators=[Length(max=200)])
    description = TextAreaField("How, and why (optional)", validators=[Length(max=2000)])
    metric = SelectField("What should it change?", validators=[InputRequired()])
    microskill = SelectField("Microskill (for a per-call rate)", validators=[Optional()])
    starts_on = DateField("From", validators=[InputRequired()])
    ends_on = DateField("Until", validators=[InputRequired()])
