"""Playlists: ordered clips for a coaching session or the library. Flushes, never commits."""

from __future__ import annotations

import sqlalchemy as sa

from clips.access import (
    can_edit_playlist,
    get_visible_playlist,
    teams_for_playlists,
    visibilities_for,
    visible_clips,
    visible_playlists,
)
from clips.models import Clip, Playlist, PlaylistItem, Visibility
from clips.service import ClipError
from coachlab import access
from coachlab.auth.models import Team, User
from coachlab.db import db

__all__ = ["can_edit_playlist", "get_visible_playlist", "teams_for_playlists",
           "visible_playlists"]


def editable_playlists(user: User) -> list[Playlist]:
    """The playlists a user may add clips to: their own."""
    return list(db.session.scalars(
        sa.select(Playlist).where(Playlist.owner_id == user.id).order_by(Playlist.name)))


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
    if team is not None:
        access.require(acting, "make for a team", "playlist", team)
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


def visible_counts(playlists: list[Playlist], user: User) -> dict[int, int]:
    """How many of each playlist's clips this user may see (hidden ones are not told of)."""
    counts = dict.fromkeys((p.id for p in playlists), 0)
    counts.update(db.session.execute(
        sa.select(PlaylistItem.playlist_id, sa.func.count(PlaylistItem.id))
        .where(PlaylistItem.playlist_id.in_(list(counts)),
               PlaylistItem.clip_id.in_(visible_clips(user).with_only_columns(Clip.id)))
        .group_by(PlaylistItem.playlist_id)).all())
    return counts


def add_clip(playlist: Playlist, clip: Clip, *, acting: User) -> PlaylistItem:
    access.require(acting, "change, reorder, delete", "playlist", playlist)
    access.require(acting, "see", "clip", clip)
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
    access.require(acting, "change, reorder, delete", "playlist", playlist)
    playlist.items.remove(item)
    for position, other in enumerate(playlist.items):
        other.position = position
    db.session.flush()


def move_item(item: PlaylistItem, offset: int, *, acting: User) -> None:
    """Move an item up (``offset`` -1) or down (+1); nothing happens at either end."""
    playlist = item.playlist
    access.require(acting, "change, reorder, delete", "playlist", playlist)
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
    access.require(acting, "change, reorder, delete", "playlist", playlist)
    db.session.delete(playlist)
    db.session.flush()
