"""Playlists: the list, making one, its page, reordering and removing clips, deleting it."""


from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from clips import playlists, service
from clips.forms import (
    PlaylistCreateForm,
    PlaylistMoveForm,
    playlist_visibility_choices,
)
from clips.models import Playlist, Visibility
from clips.views import bp
from coachlab import access
from coachlab.db import db
from coachlab.forms import EmptyForm


def _playlist_form() -> PlaylistCreateForm:
    form = PlaylistCreateForm()
    form.visibility.choices = playlist_visibility_choices(
        service.visibilities_for(current_user))
    form.team.set_objects(playlists.teams_for_playlists(current_user))
    return form


@bp.get("/playlists/")
@login_required
def playlist_index() -> str:
    query = playlists.visible_playlists(current_user)
    found = db.session.scalars(query.order_by(Playlist.name)).all()
    return render_template("clips/playlists.html", playlists=found, form=_playlist_form(),
                           counts=playlists.visible_counts(found, current_user))


@bp.post("/playlists/")
@login_required
def playlist_create() -> Response | tuple[str, int]:
    form = _playlist_form()
    if not form.validate_on_submit():
        found = db.session.scalars(playlists.visible_playlists(current_user)
                                   .order_by(Playlist.name)).all()
        return render_template("clips/playlists.html", playlists=found, form=form,
                               counts=playlists.visible_counts(found, current_user)), 400
    try:
        playlist = playlists.create_playlist(
            name=form.name.data, description=form.description.data or "",
            visibility=Visibility(form.visibility.data), team=form.team.selected,
            acting=current_user)
    except service.ClipError as exc:
        db.session.rollback()
        flash(f"The playlist was not made: {exc}", "error")
        return redirect(url_for("clips.playlist_index"))
    db.session.commit()
    flash("Playlist made; add clips from their pages.", "success")
    return redirect(url_for("clips.playlist", playlist_id=playlist.id))


@bp.get("/playlists/<int:playlist_id>")
@login_required
def playlist(playlist_id: int) -> str:
    found = playlists.get_visible_playlist(current_user, playlist_id)
    return render_template("clips/playlist.html", playlist=found,
                           items=playlists.visible_items(found, current_user),
                           can_edit=access.can(current_user, "change, reorder, delete",
                                               "playlist", found),
                           action_form=EmptyForm())


def _editable_item(playlist_id: int, item_id: int):
    found = playlists.get_visible_playlist(current_user, playlist_id)
    item = playlists.get_item(found, item_id)
    if item is None:
        abort(404)
    return found, item


@bp.post("/playlists/<int:playlist_id>/items/<int:item_id>/remove")
@login_required
def playlist_remove(playlist_id: int, item_id: int) -> Response:
    found, item = _editable_item(playlist_id, item_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    playlists.remove_item(item, acting=current_user)
    db.session.commit()
    flash("Removed from the playlist.", "success")
    return redirect(url_for("clips.playlist", playlist_id=found.id))


@bp.post("/playlists/<int:playlist_id>/items/<int:item_id>/move")
@login_required
def playlist_move(playlist_id: int, item_id: int) -> Response:
    found, item = _editable_item(playlist_id, item_id)
    form = PlaylistMoveForm()
    if not form.validate_on_submit():
        abort(400)
    playlists.move_item(item, -1 if form.direction.data == "up" else 1, acting=current_user)
    db.session.commit()
    return redirect(url_for("clips.playlist", playlist_id=found.id, _anchor=f"item-{item_id}"))


@bp.post("/playlists/<int:playlist_id>/delete")
@login_required
def playlist_delete(playlist_id: int) -> Response:
    found = playlists.get_visible_playlist(current_user, playlist_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    playlists.delete_playlist(found, acting=current_user)
    db.session.commit()
    flash("Playlist deleted; its clips are kept.", "success")
    return redirect(url_for("clips.playlist_index"))
