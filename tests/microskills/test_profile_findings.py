"""The advisor's microskill profile reads right (issue 10): objections answered in the next
turns, clear quotes as evidence, team comparisons only in teams big enough and in plain
words, one rounding, dates not clock times, weeks cut in the viewer's zone."""

from __future__ import annotations

import datetime as dt
import html
import inspect
import json
import re
import statistics

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from scipy.stats import percentileofscore

from coachlab.auth.models import Role
from coachlab.db import db
from coachlab.media.transcript import Segment, Transcript, Word
from coachlab.transcripts.models import TranscriptSegment
from coachlab.transcripts.service import store_transcript
from microskills import profile as profile_module
from microskills import service
from microskills.profile import (
    CLEAR_TRANSCRIPT,
    DEFAULT_TREND_LINES,
    MIN_TEAM_FOR_COMPARISON,
    build_profile,
    per_call_text,
)

GREETING = ("agent", "Good morning, you are through to Northwind, my name is Sam, how can I help?")
GOODBYE = ("agent", "Is there anything else I can help you with today?")


def transcript(lines) -> Transcript:
    """Like ``scripted_transcript``, with how sure Whisper was of each line's words:
    lines are ``(speaker, text)`` or ``(speaker, text, word probability)``."""
    segments, t = [], 0.0
    for speaker, text, *rest in lines:
        probability = rest[0] if rest else 0.95
        words = [Word(t + i * 0.3, t + i * 0.3 + 0.25, w, probability)
                 for i, w in enumerate(text.split())]
        segments.append(Segment(t, words[-1].end, speaker, text, -0.2, words))
        t = words[-1].end + 0.8
    return Transcript(duration=t, language="en", segments=segments)


@pytest.fixture
def call(make_recording):
    """``call(advisor, lines, days_ago=...)``: a tagged call with that transcript."""

    def make(advisor, lines, *, days_ago: float = 10, called_at: dt.datetime | None = None):
        recording = make_recording(advisor, seconds=1.0, called_at=called_at or (
            dt.datetime.now(dt.UTC) - dt.timedelta(days=days_ago)))
        store_transcript(recording, transcript(lines), model="test")
        service.tag_recording(recording)
        db.session.commit()
        return recording

    return make


def page_of(client, advisor, days: int = 90) -> str:
    response = client.get(f"/microskills/advisors/{advisor.id}?days={days}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def visible_text(page: str) -> str:
    main = page.split('<main', 1)[1].split("</main>", 1)[0]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


# --- 1. an objection answered in the advisor's next turn(s) is handled -----------------------


def test_an_objection_answered_in_the_next_advisor_turn_counts_as_handled(
        make_user, call, client, login):
    advisor = make_user(Role.ADVISOR)
    call(advisor, [
        GREETING,
        ("customer", "Okay, so when do I get the money back?"),
        # one advisor turn of three segments: the answer is in its third
        ("agent", "Right."),
        ("agent", "Let me have a look at the account."),
        ("agent", "I have issued the refund now, it will be back in your account within three "
                  "working days."),
        ("customer", "Brilliant, thanks."),
        GOODBYE])
    profile = build_profile(advisor)
    assert profile.objections_handled == (1, 1)
    assert not [m for m in profile.missed if m.note.startswith("Objection")]
    login(advisor)
    text = visible_text(page_of(client, advisor))
    assert "Objections handled 100% 1 of 1 objections answered" in text


def test_an_objection_nobody_answers_in_the_next_turns_is_missed(make_user, call):
    advisor = make_user(Role.ADVISOR)
    call(advisor, [
        GREETING,
        ("customer", "I want to cancel my contract."),
        ("agent", "Okay."),
        ("customer", "So can you do that?"),
        ("agent", "Can I have your account number please?"),
        ("customer", "It is 12345."),
        # a third advisor turn is too late to count as the answer
        ("agent", "That is a fair concern, as an alternative I can offer you a cheaper plan."),
        GOODBYE])
    profile = build_profile(advisor)
    assert profile.objections_handled == (0, 1)
    # (the tagger may also read impatience in "So can you do that?": not this test's matter)
    assert [m.text for m in profile.missed if m.note.startswith("Objection")] == [
        "I want to cancel my contract."]


def test_empathy_anywhere_in_the_next_advisor_turn_answers_frustration(make_user, call):
    advisor = make_user(Role.ADVISOR)
    call(advisor, [
        GREETING,
        ("customer", "This is ridiculous, I'm so annoyed."),
        ("agent", "Right."),
        ("agent", "That sounds really frustrating, I am sorry."),
        GOODBYE])
    assert build_profile(advisor).frustration_answered == (1, 1)


# --- 2. evidence quotes are the segments Whisper was sure of ---------------------------------


def test_evidence_prefers_clear_segments_and_skips_gibberish(make_user, call, client, login):
    advisor = make_user(Role.ADVISOR)
    call(advisor, [
        GREETING,
        ("agent", "That sounds so frustrating for you.", 0.3),  # misheard, by its words
        ("agent", "That sounds really frustrating, I am sorry.", 0.95),
        ("agent", "I can hear how frustrating that is.", 0.92),
        GOODBYE])
    profile = build_profile(advisor)
    empathy = next(p for p in profile.strengths if p.rate.code == "W.empathy")
    assert empathy.rate.per_call == 3
    quotes = [m.text for m in empathy.evidence]
    assert quotes and "That sounds so frustrating for you." not in quotes
    assert all(m.clear and m.clarity >= CLEAR_TRANSCRIPT for m in empathy.evidence)
    login(advisor)
    assert "That sounds so frustrating for you." not in page_of(client, advisor)


def test_a_moment_heard_badly_is_linked_but_not_quoted(make_user, call, client, login):
    advisor = make_user(Role.ADVISOR)
    call(advisor, [GREETING, ("agent", "It sends the delivery, that sounds frustrating.", 0.3),
                   GOODBYE])
    profile = build_profile(advisor)
    empathy = next(p for p in profile.strengths if p.rate.code == "W.empathy")
    assert len(empathy.evidence) == 1 and not empathy.evidence[0].clear
    login(advisor)
    page = page_of(client, advisor)
    assert "It sends the delivery" not in page
    assert f"#segment-{empathy.evidence[0].segment_id}" in page
    assert "the transcript is unclear here" in page


def test_a_coach_corrected_text_is_clear(make_user, call):
    advisor = make_user(Role.ADVISOR)
    recording = call(advisor, [GREETING, ("agent", "That sounds frustrating, sorry.", 0.3),
                               GOODBYE])
    segment = db.session.scalars(sa.select(TranscriptSegment).where(
        TranscriptSegment.recording_id == recording.id,
        TranscriptSegment.text.like("That sounds%"))).one()
    segment.text = "That sounds so frustrating, I'm sorry."
    db.session.commit()
    empathy = next(p for p in build_profile(advisor).strengths if p.rate.code == "W.empathy")
    assert empathy.evidence[0].clear


# --- 3, 5 and 8. team comparisons -------------------------------------------------------------


COLD = [("agent", "Account number?"), ("customer", "It is 12345."), ("agent", "Okay. Bye.")]
WARM = [GREETING, ("agent", "That sounds really frustrating, I am sorry."),
        ("agent", "I can see that you have been a customer for five years."), GOODBYE]


def test_a_small_team_gets_no_percentile(make_team, make_user, call, client, login):
    team = make_team("Two")
    advisor, peer = make_user(Role.ADVISOR, team=team), make_user(Role.ADVISOR, team=team)
    call(advisor, WARM)
    call(peer, COLD)
    profile = build_profile(advisor)
    assert all(r.team_percentile is None and r.team_median is None for r in profile.rates)
    assert profile.team_size == 2 < MIN_TEAM_FOR_COMPARISON and not profile.compared
    login(advisor)
    text = visible_text(page_of(client, advisor))
    assert "% of the team" not in text and "Team percentile" not in text
    assert f"at least {MIN_TEAM_FOR_COMPARISON} advisors" in text
    assert "1 per call, in 1 of 1 calls" in text


@pytest.fixture
def team_of_five(make_team, make_user, call):
    """The advisor (cold calls) and four teammates (warm calls)."""
    team = make_team("Five")
    advisor = make_user(Role.ADVISOR, team=team)
    call(advisor, COLD)
    call(advisor, WARM[:1] + COLD)  # greets in one call of two
    mates = [make_user(Role.ADVISOR, team=team) for _ in range(MIN_TEAM_FOR_COMPARISON - 1)]
    for mate in mates:
        call(mate, WARM)
    call(mates[0], WARM)
    return advisor, mates


def test_a_big_enough_team_is_compared_in_plain_words(team_of_five, client, login):
    advisor, mates = team_of_five
    profile = build_profile(advisor)
    assert profile.compared and profile.team_size == MIN_TEAM_FOR_COMPARISON
    empathy = next(p for p in profile.improvements if p.rate.code == "W.empathy")
    assert empathy.why == "0 per call, less often than all 4 teammates (team median 1)"
    greeting = next(r for r in profile.rates if r.code == "A.greeting")
    assert greeting.per_call == 0.5 and greeting.against_team == "less often than all 4 teammates"
    strong = build_profile(mates[1])
    assert strong.compared
    assert "W.empathy" not in {p.rate.code for p in strong.improvements}
    acknowledge = next(r for r in strong.rates if r.code == "A.acknowledge")
    assert acknowledge.against_team == "about as often as the team"  # only 1 of 4 use it less
    login(advisor)
    text = visible_text(page_of(client, advisor))
    assert "less often than all 4 teammates" in text and "% of the team" not in text


def test_team_median_reads_the_same_on_the_card_and_in_the_table(team_of_five, client, login):
    advisor, _ = team_of_five
    login(advisor)
    page = page_of(client, advisor)
    row = re.search(r"<tr><td data-label=\"Microskill\">Empathy.*?</tr>", page, re.S).group(0)
    median = re.search(r'<td data-label="Team median">([^<]+)</td>', row).group(1)
    assert f"(team median {median})" in page
    assert median == per_call_text(1.0) == "1"


@pytest.mark.parametrize(("value", "text"), [
    (0.25, "0.25"), (0.125, "0.13"), (1.0, "1"), (0.5, "0.5"), (2 / 3, "0.67"), (0.0, "0"),
    (0.005, "0.01"), (12.0, "12")])
def test_one_rounding_for_every_rate(value, text):
    assert per_call_text(value) == text


def test_medians_and_percentiles_come_from_the_standard_libraries(team_of_five):
    advisor, mates = team_of_five
    source = inspect.getsource(profile_module)
    assert "def _median" not in source and "def _percentile" not in source
    assert "statistics.median" in source and "percentileofscore" in source
    profile = build_profile(advisor)
    greeting = next(r for r in profile.rates if r.code == "A.greeting")
    team = [0.5] + [1.0] * len(mates)
    assert greeting.team_median == statistics.median(team)
    assert greeting.team_percentile == percentileofscore(team, 0.5, kind="mean")


# --- 4 and 6. sentences and dates -------------------------------------------------------------


def test_generated_sentences_join_cleanly_and_say_a_date(make_user, call, client, login):
    advisor = make_user(Role.ADVISOR)
    call(advisor, [GREETING, ("customer", "This is ridiculous, I'm so annoyed."),
                   ("agent", "Account number?")])  # no further help offered
    assert build_profile(advisor).call_flags["missed.no_further_help"] == 1
    login(advisor)
    page = page_of(client, advisor)
    text = visible_text(page)
    assert "1 call : The advisor ends the call without offering further help." in text
    assert not re.search(r"[.!?,;:]\s*[.:;,]", text.replace("Reflections : questions", "")), text
    since = re.search(r"1 call since ([^.]+)\.", text).group(1)
    assert re.fullmatch(r"\d{1,2} \w+ \d{4}", since), since  # a date, no clock time
    assert not re.search(r"\d{1,2}:\d{2} into the call of [^“]*\d{1,2}:\d{2}", text)


def test_the_profile_table_stacks_on_phones(make_user, call, client, login):
    advisor = make_user(Role.ADVISOR)
    call(advisor, WARM)
    login(advisor)
    page = page_of(client, advisor)
    tables = re.findall(r"<table[^>]*>.*?</table>", page, re.S)
    assert tables
    for table in tables:
        assert re.search(r'<table class="[^"]*\bstack\b', table)
        cells = re.findall(r"<td\b[^>]*>", table)
        assert cells and all('data-label="' in cell for cell in cells)


# --- 7. the trend: weeks in the viewer's zone, labelled by date, a few lines shown ------------


def test_weekly_trend_is_cut_in_the_viewers_zone_and_labelled_by_date(
        make_user, call, client, login):
    advisor = make_user(Role.ADVISOR)
    advisor.time_zone = "Pacific/Auckland"  # UTC+12/+13: Sunday noon UTC is Monday there
    db.session.commit()
    today = dt.datetime.now(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    sunday = today - dt.timedelta(days=21 + (today.weekday() + 1) % 7)
    assert sunday.weekday() == 6
    call(advisor, WARM, called_at=sunday)
    call(advisor, COLD, called_at=sunday + dt.timedelta(days=8))  # Monday noon UTC: Tuesday
    call(advisor, WARM + COLD, called_at=sunday + dt.timedelta(days=15))
    login(advisor)
    page = page_of(client, advisor)
    chart = json.loads(page.split('<script id="trend-data" type="application/json">')[1]
                       .split("</script>")[0])
    mondays = [(sunday + dt.timedelta(days=1 + 7 * n)).date() for n in range(3)]
    assert chart["labels"] == [format_date(d, "d MMM", locale="en_GB") for d in mondays]
    assert chart["titles"][0] == f"Week of {format_date(mondays[0], 'd MMM yyyy', locale='en_GB')}"
    greeting = next(d for d in chart["datasets"] if d["code"] == "A.greeting")
    assert greeting["data"] == [1, 0, 1]  # UTC would have put the Tuesday call in week 1
    shown = [d for d in chart["datasets"] if not d["hidden"]]
    assert 1 <= len(shown) <= DEFAULT_TREND_LINES < len(chart["datasets"])
    assert len({d["code"] for d in chart["datasets"]}) == len(chart["datasets"])
    # every line can be ticked on or off
    for i, d in enumerate(chart["datasets"]):
        box = re.search(rf'<input type="checkbox" name="trend" value="{re.escape(d["code"])}" '
                        rf'data-dataset="{i}"( checked)?', page)
        assert box and bool(box.group(1)) == (not d["hidden"])
