"""A new clip's region is refused when it is wrong, never swapped or shifted (issue 10)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from clips.models import Clip
from clips.service import ClipDetails, ClipError, create_clip
from coachlab.db import db
from tests.clips.test_views import clip_count, clip_form


def post(client, recording, **fields):
    response = client.post_form(f"/recordings/{recording.id}/clips",
                                clip_form(recording, **fields), follow_redirects=True)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_end_before_start_is_refused_by_the_form(client, login, recording, people):
    login(people["coach"])
    page = post(client, recording, **{"clip-start": "10", "clip-end": "5"})
    assert "The clip was not saved" in page
    assert "End (s): The clip must end after it starts (start 10.00 s, end 5.00 s)." in page
    assert clip_count() == 0


def test_end_past_the_recording_is_refused(client, login, recording, people):
    login(people["coach"])  # the recording is 12 s long
    page = post(client, recording, **{"clip-start": "10", "clip-end": "14.5"})
    assert "The clip was not saved" in page
    assert "The clip ends at 14.50 s, beyond the end of the recording (12.00 s)." in page
    assert clip_count() == 0


def test_start_at_the_end_of_the_recording_is_refused(client, login, recording, people):
    """An end within the rounding tolerance, a start past the file: a message, not a 500."""
    login(people["coach"])
    page = post(client, recording, **{"clip-start": "12.02", "clip-end": "12.04"})
    assert "at or beyond the end of the recording (12.00 s)" in page
    assert clip_count() == 0


def test_negative_start_is_refused_by_the_form(client, login, recording, people):
    login(people["coach"])
    page = post(client, recording, **{"clip-start": "-1", "clip-end": "5"})
    assert "Start (s): The clip cannot start before the beginning of the recording" in page
    assert clip_count() == 0


def test_a_valid_region_is_still_snapped_and_padded(client, login, recording, people):
    login(people["coach"])
    response = client.post_form(f"/recordings/{recording.id}/clips", clip_form(recording))
    assert response.status_code == 302
    clip = db.session.scalars(sa.select(Clip)).one()
    # 3.6 falls inside "Honestly" (3.5-...): widened to the word, then padded; 6.0 padded
    assert clip.start == pytest.approx(3.5 - 0.25, abs=1e-3)
    assert clip.end >= 6.0 + 0.25 - 1e-3 and clip.end <= 7.0 + 0.25


def test_an_end_within_the_rounding_tolerance_is_kept_to_the_file(client, login, recording,
                                                                   people):
    login(people["coach"])
    response = client.post_form(f"/recordings/{recording.id}/clips",
                                clip_form(recording, **{"clip-start": "9", "clip-end": "12.03"}))
    assert response.status_code == 302
    clip = db.session.scalars(sa.select(Clip)).one()
    assert clip.end == pytest.approx(12.0) and clip.start < 9.0


@pytest.mark.parametrize(("start", "end", "message"), [
    (10.0, 5.0, r"must end after it starts \(start 10.00 s, end 5.00 s\)"),
    (10.0, 14.5, r"ends at 14.50 s, beyond the end of the recording \(12.00 s\)"),
    (12.02, 12.04, "at or beyond the end of the recording"),
    (-0.5, 3.0, "cannot start before the beginning"),
])
def test_the_service_refuses_the_same_regions(recording, people, start, end, message):
    with pytest.raises(ClipError, match=message):
        create_clip(recording, start, end, ClipDetails(title="x"), acting=people["coach"])
    assert clip_count() == 0
