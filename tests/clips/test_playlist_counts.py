"""The playlists page counts only the clips the viewer may see (issue 9, finding 8)."""

from __future__ import annotations

import re

from clips.models import Visibility
from clips.playlists import add_clip, create_playlist
from clips.service import ClipDetails, create_clip
from coachlab.db import db


def test_the_count_does_not_tell_that_hidden_clips_exist(client, login, recording, people):
    coach = people["coach"]
    playlist = create_playlist(name="Blue picks", visibility=Visibility.TEAM,
                               team=people["blue"], acting=coach)
    for n, visibility in enumerate([Visibility.TEAM] + [Visibility.PRIVATE] * 3):
        clip = create_clip(recording, 1.0 + n, 2.5 + n,
                           ClipDetails(title=f"clip {n}", visibility=visibility), acting=coach)
        add_clip(playlist, clip, acting=coach)
    db.session.commit()

    login(people["peer"])
    assert "clip 0" in client.get(f"/playlists/{playlist.id}").get_data(as_text=True)
    page = client.get("/playlists/").get_data(as_text=True)
    assert re.search(r"\b1 clip\b", page) and "4 clips" not in page
    client.post_form("/logout")
    login(coach)
    assert "4 clips" in client.get("/playlists/").get_data(as_text=True)
