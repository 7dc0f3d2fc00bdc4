"""Clip services: creating (snapping, validation, who may cut), visibility, the slice."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from clips import service
from clips.models import Clip, ClipKind, ClipStatus, Visibility
from clips.service import ClipDetails, ClipError, NotAllowed, create_clip
from coachlab.db import db
from coachlab.media.cut import _probe
from coachlab.recordings.models import Status


def make_clip(recording, acting, start=3.6, end=6.0, **details):
    details.setdefault("title", "Price objection")
    clip = create_clip(recording, start, end, ClipDetails(**details), acting=acting)
    db.session.commit()
    db.session.refresh(clip)
    return clip


def test_coach_cuts_a_clip_snapped_to_words_and_padded(app, recording, people):
    words = service.recording_words(recording)
    inside = next(w for w in words if w.start < 3.6 < w.end)  # 3.6 falls inside "Honestly"
    clip = make_clip(recording, people["coach"], start=3.6, end=6.0,
                     kind=ClipKind.OBJECTION_HANDLED, microskills=["O.objection", "W.empathy"])
    assert clip.start == pytest.approx(inside.start - 0.25, abs=1e-3)
    assert clip.end >= 6.0 + 0.25 - 1e-3
    assert clip.status is ClipStatus.READY, clip.failure_reason
    assert clip.advisor_id == people["advisor"].id and clip.team_id == people["blue"].id
    assert clip.cut_by_id == people["coach"].id and clip.visibility is Visibility.PRIVATE
    assert clip.microskills == ["O.objection", "W.empathy"]
    assert clip.media_key.startswith("clips/") and clip.media_key.endswith("/clip.ogg")
    stored = Path(app.config["MEDIA_DIR"]) / clip.media_key
    assert stored.is_file() and stored.stat().st_size == clip.size_bytes
    probed = _probe(stored)
    assert probed.duration == pytest.approx(clip.end - clip.start, abs=0.03)
    assert probed.channels == 2  # a dual-channel call stays stereo
    assert clip.duration_s == pytest.approx(clip.end - clip.start, abs=0.03)


def test_transcript_slice_is_relative_to_the_clip(recording, people):
    clip = make_clip(recording, people["coach"], start=3.6, end=6.0)
    segments = service.clip_transcript(clip)
    assert [s.speaker for s in segments] == ["customer"]
    words = segments[0].words
    assert words[0].word.strip() == "Honestly"
    assert words[0].start == pytest.approx(0.25, abs=1e-3)  # the padding before it
    assert all(0 <= w.start <= w.end <= clip.end - clip.start + 1e-6 for w in words)
    wide = make_clip(recording, people["coach"], start=2.0, end=9.0)
    assert [s.speaker for s in service.clip_transcript(wide)] == ["agent", "customer", "agent"]


@pytest.mark.parametrize(("start", "end", "message"), [
    (5.0, 5.0, "must end after it starts"),
    (6.0, 4.0, "must end after it starts"),
    (-1.0, 4.0, "before the beginning"),
    (10.0, 14.0, "beyond the end of the recording"),
])
def test_bad_regions_are_refused_and_nothing_is_written(recording, people, start, end, message):
    with pytest.raises(ClipError, match=message):
        create_clip(recording, start, end, ClipDetails(title="x"), acting=people["coach"])
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Clip.id))) == 0


def test_a_recording_that_is_not_ready_cannot_be_clipped(recording, people):
    recording.status = Status.PROCESSING
    db.session.commit()
    with pytest.raises(ClipError, match="not ready yet"):
        create_clip(recording, 1.0, 2.0, ClipDetails(title="x"), acting=people["coach"])


def test_bad_details_are_refused(recording, people):
    with pytest.raises(ClipError, match="title"):
        create_clip(recording, 1.0, 2.0, ClipDetails(title="   "), acting=people["coach"])
    with pytest.raises(ClipError, match="Unknown microskill"):
        create_clip(recording, 1.0, 2.0, ClipDetails(title="x", microskills=["X.nope"]),
                    acting=people["coach"])
    with pytest.raises(ClipError, match="cannot concern|not an advisor"):
        create_clip(recording, 1.0, 2.0, ClipDetails(title="x", advisor=people["outsider"]),
                    acting=people["coach"])


def test_who_may_cut(recording, people):
    details = ClipDetails(title="Mine", visibility=Visibility.TEAM)
    assert make_clip(recording, people["advisor"], visibility=Visibility.TEAM).id
    assert make_clip(recording, people["admin"], visibility=Visibility.LIBRARY).id
    with pytest.raises(ClipError, match="library"):
        create_clip(recording, 1.0, 2.0, ClipDetails(title="x", visibility=Visibility.LIBRARY),
                    acting=people["advisor"])
    for user in ("peer", "outsider", "red_coach"):
        with pytest.raises(NotAllowed):
            create_clip(recording, 1.0, 2.0, details, acting=people[user])


def test_coach_may_make_a_clip_about_another_advisor_of_the_team(recording, people):
    clip = make_clip(recording, people["coach"], advisor=people["peer"])
    assert clip.advisor_id == people["peer"].id


def visible_ids(user) -> set[int]:
    return set(db.session.scalars(service.visible_clips(user).with_only_columns(Clip.id)))


def test_visibility_private_team_library(recording, people):
    private = make_clip(recording, people["coach"], title="private")
    team = make_clip(recording, people["coach"], title="team", visibility=Visibility.TEAM)
    library = make_clip(recording, people["coach"], title="lib", visibility=Visibility.LIBRARY)
    mine = make_clip(recording, people["advisor"], title="advisor's own")
    everything = {private.id, team.id, library.id, mine.id}
    assert visible_ids(people["advisor"]) == everything  # concerned by all
    assert visible_ids(people["coach"]) == everything
    assert visible_ids(people["admin"]) == everything
    assert visible_ids(people["peer"]) == {team.id, library.id}
    assert visible_ids(people["outsider"]) == {library.id}
    assert visible_ids(people["red_coach"]) == {library.id}


def test_a_deleted_recording_takes_its_clips_and_files(app, recording, people):
    from coachlab.recordings.service import delete_recording

    clip = make_clip(recording, people["coach"])
    stored = Path(app.config["MEDIA_DIR"]) / clip.media_key
    assert stored.is_file()
    delete_recording(recording, acting=people["coach"])
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Clip.id))) == 0
    assert not stored.exists()
