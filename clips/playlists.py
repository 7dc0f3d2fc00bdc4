"""Playlists: ordered clips for a coaching session or the library. Flushes, never commits."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort

from clips.models import Clip, Playlist, PlaylistItem, Visibility
from clips.service import ClipError, team_ids, visibilities_for, visible_clips
from coachlab.auth.models import Role, Team, User
from coachlab.db import db
from coachlab.recordings.service import NotAllowed


def visible_playlists(user: User) -> sa.Select:
    """Your own playlists, your teams' team playlists and the library's."""
    query = sa.select(Playlist)
    if user.role is Role.ADMIN:
        return query
    return query.where(sa.or_(
        Playlist.owner_id == user.id,
        Playlist.visibility == Visibility.LIBRARY,
        sa.and_(Playlist.visibility == Visibility.TEAM, Playlist.team_id.in_(list(team_ids(user)))),
    ))


def get_visible_playlist_or_404(user: User, playlist_id: int) -> Playlist:
    playlist = db.session.scalar(visible_playlists(user).where(Playlist.id == playlist_id))
    if playlist is None:
        abort(404)
    return playlist


def can_edit_playlist(user: User, playlist: Playlist) -> bool:
    return user.role is Role.ADMIN or playlist.owner_id == user.id


def editable_playlists(user: User) -> list[Playlist]:
    return list(db.session.scalars(
        sa.select(Playlist).where(Playlist.owner_id == user.id).order_by(Playlist.name)))


def teams_for_playlists(user: User) -> list[Team]:
    if user.role is Role.ADMIN:
        return list(db.session.scalars(sa.select(Team).order_by(Team.name)))
    ids = team_ids(user)
    return list(db.session.scalars(sa.select(Team).where(Team.id.in_(ids)).order_by(Team.name)))


def create_playlist(*, name: str, visibility: Visibility, team: Team | None, acting: User,
                    description: str = "") -> Playlist:
    name = " ".join(name.split())[:120]
    if not name:
        raise ClipError("Give the playlist a name.")
    if visibility not in visibilities_for(acting):
        raise ClipError("Advisors can share a playlist with their team, not the whole library.")
    if team is None and visibility is Visibility.TEAM:
        if acting.team_id is None and len(acting.led_teams) != 1:
            raise ClipError("Choose the team that sees this playlist.")
        team = acting.team or acting.led_teams[0]
    if team is not None and team.id not in {t.id for t in teams_for_playlists(acting)}:
        raise NotAllowed
    playlist = Playlist(name=name, description=description.strip(), owner=acting,
                        visibility=visibility, team=team)
    db.session.add(playlist)
    db.session.flush()
    return playlist


def visible_items(playlist: Playlist, user: User) -> list[PlaylistItem]:
    """The playlist's items whose clip this user may see, in order."""
    ids = set(db.session.scalars(
        visible_clips(user).with_only_columns(Clip.id)
        .where(Clip.id.in_([i.clip_id for i in playlist.items]))))
    return [i for i in playlist.items if i.clip_id in ids]


def add_clip(playlist: Playlist, clip: Clip, *, acting: User) -> PlaylistItem:
    """``clip`` must be one the acting user sees (the view fetched it that way)."""
    if not can_edit_playlist(acting, playlist):
        raise NotAllowed
    if any(i.clip_id == clip.id for i in playlist.items):
        raise ClipError(f"“{clip.title}” is already in {playlist.name}.")
    position = max((i.position for i in playlist.items), default=-1) + 1
    item = PlaylistItem(playlist=playlist, clip=clip, position=position)
    db.session.add(item)
    db.session.flush()
    return item


def get_item(playlist: Playlist, item_id: int) -> PlaylistItem | None:
    return next((i for i in playlist.items if i.id == item_id), None)


def remove_item(item: PlaylistItem, *, acting: User) -> None:
    playlist = item.playlist
    if not can_edit_playlist(acting, playlist):
        raise NotAllowed
    playlist.items.remove(item)
    for position, other in enumerate(playlist.items):
        other.position = position
    db.session.flush()


def move_item(item: PlaylistItem, offset: int, *, acting: User) -> None:
    """Move an item up (``offset`` -1) or down (+1); nothing happens at either end."""
    playlist = item.playlist
    if not can_edit_playlist(acting, playlist):
        raise NotAllowed
    items = list(playlist.items)
    index = items.index(item)
    target = index + offset
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for position, other in enumerate(items):
        other.position = position
    db.session.flush()
    db.session.expire(playlist, ["items"])


def delete_playlist(playlist: Playlist, *, acting: User) -> None:
    if not can_edit_playlist(acting, playlist):
        raise NotAllowed
    db.session.delete(playlist)
    db.session.flush()
