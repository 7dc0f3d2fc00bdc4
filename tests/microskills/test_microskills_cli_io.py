import io
import json

from microskills.cli_io import tag_jsonl


def test_round_trip_with_bad_lines():
    lines = [
        json.dumps({"id": 1, "text": "Can I have your postcode?", "speaker": "agent"}),
        "{not json",
        json.dumps({"id": "b", "text": "That's way too expensive.", "speaker": "customer"}),
        json.dumps({"id": 4, "text": "hello", "speaker": "robot"}),
        "",
        json.dumps({"id": 5, "speaker": "agent"}),
        json.dumps({"id": 6, "text": "I don't know.", "speaker": "agent"}),
    ]
    out = io.StringIO()
    errors = tag_jsonl(io.StringIO("\n".join(lines) + "\n"), out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert errors == 3
    assert [r.get("id", r.get("line")) for r in rows] == [1, 2, "b", 4, 6, 6]
    assert rows[0] == {"id": 1, "skills": ["E.closed_question"], "signals": [], "flags": []}
    assert "error" in rows[1] and rows[1]["line"] == 2
    assert rows[2]["signals"] == ["objection.price"] and rows[2]["skills"] == []
    assert rows[3]["line"] == 4 and "robot" in rows[3]["error"]
    assert rows[4]["line"] == 6 and "text" in rows[4]["error"]
    assert rows[5]["flags"] == ["missed.dont_know"]


def test_empty_input():
    out = io.StringIO()
    assert tag_jsonl(io.StringIO(""), out) == 0
    assert out.getvalue() == ""
