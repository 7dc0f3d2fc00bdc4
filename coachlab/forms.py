"""Form pieces shared by every package."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, abort, request
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField

NUL_REFUSED = ("Text cannot contain NUL characters (\\0); remove them (they usually come "
               "from pasting binary data) and try again.")


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul_bytes() -> None:
        """No text field stores a NUL: PostgreSQL refuses them and nobody types one."""
        values = list(request.args.values())
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            values += request.form.values()
        if any("\x00" in value for value in values):
            abort(400, NUL_REFUSED)


def options(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """``[(value, label), ...]`` as WTForms select choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class EmptyForm(FlaskForm):
    """A CSRF token and nothing else: for delete and retry buttons."""


class ModelSelectField(SelectField):
    """A select over model rows by id; set ``field.objects`` before validating."""

    def __init__(self, *args, allow_blank: bool = False, label_attr: str = "name", **kwargs):
        kwargs.setdefault("coerce", lambda v: int(v) if v not in (None, "", "None") else None)
        super().__init__(*args, **kwargs)
        self.allow_blank = allow_blank
        self.label_attr = label_attr
        self.objects: list = []

    def set_objects(self, objects: list) -> None:
        self.objects = list(objects)
        blank = [(None, "—")] if self.allow_blank else []
        self.choices = options(blank + [(o.id, getattr(o, self.label_attr)) for o in self.objects])

    @property
    def selected(self):
        return next((o for o in self.objects if o.id == self.data), None)


class ModelSelectMultipleField(SelectMultipleField):
    def __init__(self, *args, label_attr: str = "name", **kwargs):
        kwargs.setdefault("coerce", int)
        super().__init__(*args, **kwargs)
        self.label_attr = label_attr
        self.objects: list = []

    def set_objects(self, objects: list) -> None:
        self.objects = list(objects)
        self.choices = options((o.id, getattr(o, self.label_attr)) for o in self.objects)

    @property
    def selected(self) -> list:
        wanted = set(self.data or [])
        return [o for o in self.objects if o.id in wanted]
