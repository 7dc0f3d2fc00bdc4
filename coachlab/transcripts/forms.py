from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from coachlab.forms import options

SPEAKER_CHOICES = options([("agent", "Advisor"), ("customer", "Customer"),
                           ("speaker", "Unknown speaker")])


class SegmentCorrectForm(FlaskForm):
    text = TextAreaField("Text", validators=[DataRequired(), Length(max=5000)])
    speaker = SelectField("Speaker", choices=SPEAKER_CHOICES)


class TranscriptSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField("Search transcripts", validators=[DataRequired(), Length(min=2, max=200)])
