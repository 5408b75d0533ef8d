"""Scoring's states and kinds are types (killfile/states.py) that still read and write the same words."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from killfile import actions
from killfile.result import verdict_json
from killfile.rules import parse_rules
from killfile.states import ActionKind, ScoreState
from tests.killfile.helpers import ov, run


def test_states_are_members_most_severe_first_and_json_keeps_the_words() -> None:
    table = run([ov(1), ov(2, author="A <a@x>")], '[[author]]\naddress = "a@x"\naction = "plonk"\n')
    assert [type(table.state(i)) for i in range(2)] == [ScoreState, ScoreState]
    assert table.state(1) is ScoreState.KILLED and not table.state(1).visible and table.state(0).visible
    assert list(table.counts()) == list(ScoreState) == ["killed", "hidden", "read", "normal", "high"]
    assert json.loads(json.dumps(verdict_json(table.verdict(1))))["state"] == "killed"
    assert [s.severity for s in ScoreState] == [4, 3, 2, 1, 0]


def test_forced_states_are_members_and_none_when_nothing_is_forced() -> None:
    table = run([ov(n, author="A <a@x>") for n in range(1, 5)], '[[cap]]\nper = "day"\nmax = 3\n')
    assert table.verdict(3).matched[0].force is ScoreState.HIDDEN and table.state(3) is ScoreState.HIDDEN
    plain = run([ov(1)], '[[rule]]\nscore = -5\nall = [{header = "subject", contains = "topic"}]\n')
    assert plain.verdict(0).matched[0].force is None


def test_stored_actions_round_trip_as_members_and_a_plain_word_is_accepted(tmp_path: Path) -> None:
    path, now = tmp_path / "actions.v1.toml", datetime(2024, 3, 1, tzinfo=timezone.utc)
    actions.add_action(path, "thread-kill", now, message_id="<k@x>")
    actions.add_action(path, ActionKind.PLONK, now, address="t@x")
    assert 'kind = "thread-kill"' in path.read_text() and 'kind = "plonk"' in path.read_text()
    stored, problems = actions.load_actions(path)
    assert [a.kind for a in stored] == [ActionKind.THREAD_KILL, ActionKind.PLONK] and problems == []
    state = actions.user_state(stored, path)
    assert [(t.action, a.action) for t, a in zip(state.thread_rules, state.author_rules)] == [("kill", "plonk")]
    with pytest.raises(ValueError, match="unknown action kind 'thread-kil'"):
        actions.add_action(path, "thread-kil", now, message_id="<k@x>")


def test_rule_file_actions_are_still_checked_with_file_and_line() -> None:
    _, problems = parse_rules('[[thread]]\nmessage_id = "<a@x>"\naction = "mute"\n', "score.toml")
    assert [str(p) for p in problems] == ['score.toml:3: error: "action" must be "kill" or "watch", not \'mute\'']
    _, problems = parse_rules('[[author]]\naddress = "a@x"\n\naction = "ban"\n', "score.toml")
    assert [str(p) for p in problems] == ['score.toml:4: error: "action" must be "plonk" or "boost", not \'ban\'']
