from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from clips.models import ClipKind, Visibility
from coachlab.forms import ModelSelectField, options

KIND_CHOICES = options((k.value, k.label) for k in ClipKind)


def microskill_choices() -> list:
    """The active microskills, as admins keep the masterlist."""
    from microskills.service import active_microskills

    return options((m.code, f"{m.name} ({m.code})") for m in active_microskills())


def visibility_choices(allowed: list[Visibility]) -> list:
    return options((v.value, v.label) for v in allowed)


class ClipCreateForm(FlaskForm):
    start = FloatField("Start (s)", validators=[
        InputRequired("Give the start in seconds."),
        NumberRange(min=0, message="The clip cannot start before the beginning of the "
                                   "recording (0 s).")])
    end = FloatField("End (s)", validators=[InputRequired("Give the end in seconds."),
                                            NumberRange(min=0)])
    title = StringField("Title", validators=[DataRequired("Give the clip a title."),
                                             Length(max=200)])
    kind = SelectField("Kind", choices=KIND_CHOICES, default=ClipKind.GOOD_MOMENT.value)
    reason = TextAreaField("Why this moment", validators=[Optional(), Length(max=4000)])
    microskills = SelectMultipleField("Microskills", validators=[Optional()],
                                      description="Ctrl/Cmd-click to choose several")
    advisor = ModelSelectField("Advisor concerned", validators=[DataRequired()])
    visibility = SelectField("Who sees it", default=Visibility.PRIVATE.value)
    drop_video = BooleanField("Audio only (drop the video)")

    def validate_end(self, field: FloatField) -> None:
        """Refuse an end at or before the start: the region is never swapped or shifted.
        (The end beyond the recording is the service's check: it knows the duration.)"""
        start = self.start.data
        if field.data is None or start is None or start != start or field.data != field.data:
            return
        if field.data <= start:
            raise ValidationError(f"The clip must end after it starts (start {start:.2f} s, "
                                  f"end {field.data:.2f} s).")


class ClipEditForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Give the clip a title."),
                                             Length(max=200)])
    kind = SelectField("Kind", choices=KIND_CHOICES)
    reason = TextAreaField("Why this moment", validators=[Optional(), Length(max=4000)])
    microskills = SelectMultipleField("Microskills", validators=[Optional()],
                                      description="Ctrl/Cmd-click to choose several")
    visibility = SelectField("Who sees it")


class ClipCommentForm(FlaskForm):
    at_second = FloatField("At second", default=0.0,
                           validators=[InputRequired("Give the second the comment is about."),
                                       NumberRange(min=0)])
    body = TextAreaField("Comment", validators=[DataRequired("Write a comment."),
                                                Length(max=4000)])


class ClipCommentEditForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired("Write a comment."),
                                                Length(max=4000)])


#: Who sees a playlist of each visibility, as clips.access.visible_playlists has it (a
#: playlist is its owner's: unlike a clip's, a private one is shown to nobody else but admins).
PLAYLIST_VISIBILITY_LABELS = {
    Visibility.PRIVATE: "Private (only you, and admins)",
    Visibility.TEAM: "Team (you, and the members and coaches of its team)",
    Visibility.LIBRARY: "Library (everyone signed in)",
}


def playlist_visibility_choices(allowed: list[Visibility]) -> list:
    """Visibility choices worded for playlists (a private playlist is its owner's)."""
    return options((v.value, PLAYLIST_VISIBILITY_LABELS[v.value]) for v in allowed)


class PlaylistCreateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired("Give the playlist a name."),
                                           Length(max=120)])
    description = TextAreaField("Description", validators=[Optional(), Length(max=2000)])
    visibility = SelectField("Who sees it", default=Visibility.PRIVATE.value)
    team = ModelSelectField("Team", allow_blank=True, validators=[Optional()])


class PlaylistAddForm(FlaskForm):
    playlist = ModelSelectField("Playlist", validators=[DataRequired("Choose a playlist.")])


class PlaylistMoveForm(FlaskForm):
    direction = HiddenField(validators=[AnyOf(["up", "down"])])


class ClipFilterForm(FlaskForm):
    """Read from the query string; a GET filter needs no CSRF token."""

    class Meta:
        csrf = False

    microskill = SelectField("Microskill", default="")
    kind = SelectField("Kind", choices=options([("", "Any kind")] + [(k.value, k.label)
                                                                     for k in ClipKind]),
                       default="")
    advisor = SelectField("Advisor", default="")
    team = SelectField("Team", default="")
