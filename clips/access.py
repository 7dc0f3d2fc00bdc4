"""Clips' part of the access policy: who sees and changes clips, comments, suggestions and
playlists.

The rules are written with coachlab.access's relationship helpers and added to its table by
``clips.init_app`` (``coachlab access-table`` shows them); services ask the table with
``access.require``, lists start from :func:`visible_clips` / :func:`visible_playlists`.
"""

from __future__ import annotations

import sqlalchemy as sa

from clips.models import Clip, Playlist, Visibility
from coachlab import access
from coachlab.access import Rule, coaches_team, led_by, member_team_ids
from coachlab.auth.models import Role, Team, User
from coachlab.db import db
from coachlab.recordings.models import Recording


def visible_clips(user: User) -> sa.Select:
    """Private clips: the advisor they concern, their team's coaches; team clips: also the
    team's advisors; library clips: everyone signed in; admins: all."""
    query = sa.select(Clip)
    if user.role is Role.ADMIN:
        return query
    return query.where(sa.or_(
        Clip.visibility == Visibility.LIBRARY,
        Clip.advisor_id == user.id,
        led_by(user, Clip.team_id),
        sa.and_(Clip.visibility == Visibility.TEAM,
                Clip.team_id.in_(sorted(member_team_ids(user)))),
    ))


def get_visible_clip(user: User, clip_id: int) -> Clip:
    return access.one_visible(visible_clips(user).where(Clip.id == clip_id))


def can_cut(user: User, recording: Recording) -> bool:
    """Coaches of the recording's team and admins; advisors on their own recordings."""
    return (user.role is Role.ADMIN or coaches_team(user, recording.team_id)
            or recording.advisor_id == user.id)


def can_manage_clip(user: User, clip: Clip) -> bool:
    """Edit, retry, delete: the team's coaches and admins; an advisor the clip they cut of
    themselves. A coach who no longer leads the team keeps none of its clips."""
    if user.role is Role.ADMIN or coaches_team(user, clip.team_id):
        return True
    return clip.cut_by_id == user.id and clip.advisor_id == user.id


def visibilities_for(user: User) -> list[Visibility]:
    """Advisors share with their team at most; coaches and admins may publish to the library."""
    if user.role is Role.ADVISOR:
        return [Visibility.PRIVATE, Visibility.TEAM]
    return list(Visibility)


def visible_playlists(user: User) -> sa.Select:
    """Your own playlists, your teams' team playlists and the library's."""
    query = sa.select(Playlist)
    if user.role is Role.ADMIN:
        return query
    return query.where(sa.or_(
        Playlist.owner_id == user.id,
        Playlist.visibility == Visibility.LIBRARY,
        sa.and_(Playlist.visibility == Visibility.TEAM,
                Playlist.team_id.in_(sorted(member_team_ids(user)))),
    ))


def get_visible_playlist(user: User, playlist_id: int) -> Playlist:
    return access.one_visible(visible_playlists(user).where(Playlist.id == playlist_id))


def can_edit_playlist(user: User, playlist: Playlist) -> bool:
    return user.role is Role.ADMIN or playlist.owner_id == user.id


def playlist_teams(user: User) -> sa.Select:
    """The teams a user may make a team playlist for."""
    return access.visible_teams(user)


RULES = (
    Rule("clip", "see", "Private: the advisor it concerns, coaches of its team, admins. Team: "
         "also the advisors of its team. Library: everyone signed in. Lists, counts, "
         "\"Others' good calls\" and profile evidence start from these.",
         lambda user, clip: access.among(visible_clips(user), clip)),
    Rule("clip", "cut (from a recording)", "Coaches of the recording's team and admins; "
         "advisors from their own recordings.", can_cut),
    Rule("clip", "change, retry, delete", "Coaches of its team and admins; the advisor who "
         "cut it of themselves.", can_manage_clip),
    Rule("clip", "share with the library", "Coaches and admins (advisors share with their "
         "team at most).", lambda user, _visibility: user.role in (Role.COACH, Role.ADMIN)),
    Rule("moment suggestion", "see, accept, dismiss, refresh", "Whoever may cut clips from "
         "the recording.", can_cut),
    Rule("comment", "add", "Whoever sees the clip.",
         lambda user, clip: access.among(visible_clips(user), clip)),
    Rule("comment", "change, delete", "Its author, on a clip they still see.",
         lambda user, comment: comment.author_id == user.id
         and access.among(visible_clips(user), comment.clip)),
    Rule("playlist", "see", "Its owner; the members and coaches of its team for a team "
         "playlist; everyone signed in for a library one; admins. It shows and counts only "
         "the clips the viewer sees.",
         lambda user, playlist: access.among(visible_playlists(user), playlist)),
    Rule("playlist", "make for a team", "Members and coaches of the team; admins for any "
         "team.", lambda user, team: access.among(playlist_teams(user), team)),
    Rule("playlist", "change, reorder, delete", "Its owner and admins; only clips the owner "
         "sees go in.", can_edit_playlist),
)


def teams_for_playlists(user: User) -> list[Team]:
    return list(db.session.scalars(playlist_teams(user).order_by(Team.name)))
