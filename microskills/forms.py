from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class MicroskillEditForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    definition = TextAreaField("Definition", validators=[DataRequired(), Length(max=2000)])
    examples = TextAreaField("Examples", description="One example utterance per line.",
                             validators=[Length(max=4000)])
    active = BooleanField("Active (offered to coaches and used in profiles)", default=True)


class MicroskillCreateForm(MicroskillEditForm):
    code = StringField("Code", description="Permanent: family letter, dot, name, e.g. O.follow_up",
                       validators=[DataRequired(), Length(max=40)])
    family = StringField("Family", validators=[DataRequired(), Length(max=40)])
