"""Forms of the performance package."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Length

from clips.forms import microskill_choices
from coachlab.forms import options
from performance.models import Band

BAND_CHOICES = options((b.value, b.label) for b in Band)


class ImportForm(FlaskForm):
    file = FileField("Outcomes CSV", validators=[FileRequired("Choose a CSV file.")])


class AuditForm(FlaskForm):
    band = SelectField("Band", choices=BAND_CHOICES,
                       validators=[DataRequired("Choose a band.")])
    comment = TextAreaField("Comment", validators=[DataRequired("Say why."), Length(max=5000)])
    microskills = SelectMultipleField("Microskills (1-3)",
                                      validators=[DataRequired("Choose one to three "
                                                               "microskills.")])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.microskills.choices = microskill_choices()


class ActForm(FlaskForm):
    note = TextAreaField("What you did", validators=[DataRequired("Say what you did."),
                                                     Length(max=5000)])
