from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from coachlab.auth.models import Role
from coachlab.forms import ModelSelectField, ModelSelectMultipleField, options


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email()])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in")


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired()])
    new = PasswordField("New password", validators=[DataRequired(), Length(min=10)])
    confirm = PasswordField("Repeat new password",
                            validators=[DataRequired(), EqualTo("new", "The passwords differ.")])


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
