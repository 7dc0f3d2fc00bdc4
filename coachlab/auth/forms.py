from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from coachlab.auth.models import Role
from coachlab.forms import ModelSelectField, ModelSelectMultipleField, options
from coachlab.timezones import zone_names


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField("Repeat new password",
                            validators=[DataRequired(), EqualTo("new", "The passwords differ.")])


class SettingsForm(FlaskForm):
    time_zone = SelectField(
        "Time zone", default="",
        description="Pages show times in this zone, and forms read the times you type in it.")

    def __init__(self, *args, site_zone: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.time_zone.choices = ([("", f"The site's zone ({site_zone})")]
                                  + [(name, name.replace("_", " ")) for name in zone_names()])


class PasswordResetForm(FlaskForm):
    new = PasswordField("New password", validators=[DataRequired(), Length(min=10)])


ROLE_CHOICES = options((r.value, r.value.capitalize()) for r in Role)


class UserEditForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    role = SelectField("Role", choices=ROLE_CHOICES, default=Role.ADVISOR.value)
    team = ModelSelectField("Team (advisors)", allow_blank=True)
    led_teams = ModelSelectMultipleField("Teams led (coaches)")
    active = BooleanField("Active", default=True)


class UserCreateForm(UserEditForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Initial password", validators=[DataRequired(), Length(min=10)])


class TeamCreateForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=120)])
