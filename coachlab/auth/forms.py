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
    team = ModelSelectField("Team", allow_blank=True,
                            description="For advisors: the one team they belong to.")
    led_teams = ModelSelectMultipleField(
        "Teams led", description="For coaches: the teams they lead (Ctrl/Cmd-click for "
                                 "several).")
    active = BooleanField("Active", default=True)

    #: the membership field each role uses (user-form.js shows only that one)
    ROLE_FIELDS = {Role.ADVISOR.value: "team", Role.COACH.value: "led_teams"}

    def validate(self, extra_validators=None) -> bool:
        """The field that does not belong to the chosen role is ignored, so whatever it
        holds (it is still there without JavaScript) never stops the form."""
        wanted = self.ROLE_FIELDS.get(self.role.data)
        for name in ("team", "led_teams"):
            self[name].validate_choice = name == wanted
        valid = super().validate(extra_validators)
        for name in ("team", "led_teams"):
            if name != wanted and self[name].errors:
                self[name].errors = []
        return valid or not any(field.errors for field in self)


class UserCreateForm(UserEditForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])
    password = PasswordField("Initial password", validators=[DataRequired(), Length(min=10)])


class TeamCreateForm(FlaskForm):
    name = StringField("Team name", validators=[DataRequired(), Length(max=120)])


class TeamRenameForm(FlaskForm):
    name = StringField("New name", validators=[DataRequired("Type the team's new name."),
                                               Length(max=120)])
