"""pith score / pith rules / pith threads with rules, on a small mbox archive."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from store.paths import config_dir
from tests.cli_run import run

MBOX = b"""From a Thu Jan  1 00:00:00 1970
Newsgroups: test.kf
From: Troll <troll@example.com>
Subject: [LIST] flame bait
Message-ID: <root@example.org>
Date: Mon, 05 Apr 1993 14:58:21 +0000

Bait

From b Thu Jan  1 00:00:00 1970
Newsgroups: test.kf
From: Ann <ann@example.org>
Subject: Re: [LIST] flame bait
Message-ID: <reply@example.org>
References: <root@example.org>
Date: Tue, 06 Apr 1993 10:00:00 +0000

Reply

From c Thu Jan  1 00:00:00 1970
Newsgroups: test.kf
From: Bob <bob@example.org>
Subject: a new subject entirely
Message-ID: <deep@example.org>
References: <root@example.org> <reply@example.org>
Date: Wed, 07 Apr 1993 10:00:00 +0000

Deep

From d Thu Jan  1 00:00:00 1970
Newsgroups: test.kf
From: Cy <cy@example.org>
Subject: good stuff
Message-ID: <good@example.org>
Date: Thu, 08 Apr 1993 10:00:00 +0000

Good
"""

RULES = """\
[[rule]]
name = "no trolls"
score = -9999
all = [{ header = "From", contains = "troll@example.com" }]

[[rule]]
name = "good"
score = 50
all = [{ header = "Subject", regex = "\\\\bgood\\\\b" }]
"""


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "list.mbox"
    path.write_bytes(MBOX)
    return path


@pytest.fixture
def rules_file() -> Path:
    path = config_dir() / "score.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULES)
    return path


def test_score_json_contract(mbox: Path, rules_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--json")
    assert code == 0
    data = {d["message_id"]: d for d in json.loads(out)}
    assert all(set(d) == {"number", "message_id", "score", "state", "tags", "matched"} for d in data.values())
    troll = data["<root@example.org>"]
    assert troll["score"] == -9999 and troll["state"] == "killed" and troll["tags"] == ["list"]
    assert troll["matched"] == [{"rule": "no trolls", "source": f"{rules_file}:1", "delta": -9999}]
    assert data["<good@example.org>"]["state"] == "high"
    assert data["<reply@example.org>"]["state"] == "normal"


def test_jsonl_on_score_and_threads(mbox: Path, rules_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: one verdict (score) or one shown article (threads) per line, with thread and parent."""
    code, out, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--jsonl")
    assert code == 0
    rows = {d["message_id"]: d for d in map(json.loads, out.splitlines())}
    assert rows["<root@example.org>"]["state"] == "killed" and rows["<root@example.org>"]["parent"] is None
    numbers = {mid: d["number"] for mid, d in rows.items()}
    assert rows["<deep@example.org>"]["parent"] == numbers["<reply@example.org>"]
    assert rows["<deep@example.org>"]["thread"] == rows["<root@example.org>"]["thread"]
    assert rows["<good@example.org>"]["thread"] != rows["<root@example.org>"]["thread"]
    code, out, _ = run(capsys, "--archive", str(mbox), "threads", "test.kf", "--jsonl")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [d["message_id"] for d in lines] == ["<reply@example.org>", "<deep@example.org>",
                                                             "<good@example.org>"]
    assert [(d["thread"], d["read"], "children" in d) for d in lines] == [(0, False, False)] * 2 + [(1, False, False)]
    code, out, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--jsonl", "--explain", "<root@example.org>")
    assert code == 0 and out.count("\n") == 1 and json.loads(out)["state"] == "killed"
    with pytest.raises(SystemExit) as usage:
        run(capsys, "--archive", str(mbox), "threads", "test.kf", "--json", "--jsonl")
    assert usage.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_explain_and_rules_option(mbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.toml"
    other.write_text('[[rule]]\nname = "bob"\nscore = -5\nall = [{ header = "From", contains = "bob" }]\n')
    code, out, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--rules", str(other),
                       "--explain", "<deep@example.org>")
    assert code == 0
    assert "bob" in out and f"{other}:1" in out and "-5" in out and "final score: read" in out
    code, _, err = run(capsys, "--archive", str(mbox), "score", "test.kf", "--explain", "<nope@x>")
    assert code == 2 and "<nope@x>" in err


def test_thread_kill_action_then_threads_json(mbox: Path, rules_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "kill-thread", "<reply@example.org>", "--subthread")
    assert code == 0 and out.startswith("#1 thread-kill")
    code, out, _ = run(capsys, "--archive", str(mbox), "threads", "test.kf", "--json")
    roots = json.loads(out)
    # The troll root is killed but has... no visible replies left: the reply subthread is killed too.
    assert [r["message_id"] for r in roots] == ["<good@example.org>"]
    assert roots[0]["score"] == 50 and roots[0]["state"] == "high" and roots[0]["tags"] == []
    code, out, _ = run(capsys, "--archive", str(mbox), "threads", "test.kf", "--json", "--all")
    everything = json.loads(out)
    assert everything[0]["state"] == "killed" and everything[0]["children"][0]["state"] == "killed"
    code, out, _ = run(capsys, "rules", "undo")
    assert code == 0 and "#1" in out
    code, out, _ = run(capsys, "--archive", str(mbox), "threads", "test.kf", "--json")
    roots = json.loads(out)
    placeholder = roots[0]
    assert placeholder["number"] is None and placeholder["message_id"] == "<root@example.org>"
    assert placeholder["state"] is None and [c["message_id"] for c in placeholder["children"]] == ["<reply@example.org>"]


def test_rules_check_reports_file_line_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[rule]]\nname = "x"\nscore = 1\nall = [{ header = "Subject", regex = "(a)\\\\1" }]\n')
    code, out, _ = run(capsys, "rules", "check", str(bad))
    assert code == 1 and f"{bad}:4: error: RE2 rejects" in out
    good = tmp_path / "good.toml"
    good.write_text(RULES)
    code, out, _ = run(capsys, "rules", "check", str(good))
    assert code == 0 and "2 score rules" in out and "0 error(s)" in out


def test_rules_check_warns_on_a_header_pith_never_sees_and_counts_every_kind(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "score.toml"
    path.write_text('[[rule]]\nname = "typo"\nscore = -5\nall = [{ header = "Parnet", contains = "x" }]\n\n'
                    '[[rule]]\nname = "fine"\nscore = 1\nall = [{ header = "X-Newsreader", contains = "tin" },\n'
                    '       { header = "Organization", contains = "u" }, { tag = "pingpong" }]\n\n'
                    '[[author]]\naddress = "a@example.org"\naction = "plonk"\n\n'
                    '[[author]]\naddress = "b@example.org"\naction = "boost"\n\n'
                    '[[cap]]\nper = "day"\nmax = 3\n\n[[tag]]\nname = "pingpong"\nhide = true\n\n'
                    '[[thread]]\nmessage_id = "<r@example.org>"\naction = "kill"\n\n'
                    '[detectors.dominated]\nenabled = false\n')
    code, out, _ = run(capsys, "rules", "check", str(path))
    assert code == 0
    assert out.splitlines()[0] == (f'{path}:4: warning: header "parnet" is not one pith ever sees (not in overviews, '
                                   'not a usual article header); did you mean "Parent"?')
    assert out.splitlines()[-1] == (f"{path}: 2 score rules, 2 [[author]] entries, 1 [[thread]] rule, 1 cap, "
                                    "1 [[tag]] filter, 0 [[thresholds]] tables, 0 plugins, 1 detector(s) on; "
                                    "0 error(s), 1 warning(s)")


def test_broken_rule_warns_but_the_rest_apply(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_dir() / "score.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(RULES + '\n[[rule]]\nname = "broken"\nscore = 1\nall = [{ header = "Subject", regex = "(" }]\n')
    code, out, err = run(capsys, "--archive", str(mbox), "score", "test.kf", "--json")
    assert code == 0 and "1 rule problem" in err and "score.toml:14" in err
    assert {d["message_id"]: d["state"] for d in json.loads(out)}["<root@example.org>"] == "killed"


def test_rules_try_shows_effects_on_cached_articles(mbox: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    trial = tmp_path / "trial.toml"
    trial.write_text(RULES)
    code, _, err = run(capsys, "--archive", str(mbox), "rules", "try", str(trial), "test.kf")
    assert code == 2 and "no cached articles" in err
    run(capsys, "--archive", str(mbox), "threads", "test.kf")  # enter the group: overviews are cached
    code, out, _ = run(capsys, "--archive", str(mbox), "rules", "try", str(trial), "test.kf")
    assert code == 0 and "killed" in out and "no trolls" in out and "nothing saved" in out
    code, out, _ = run(capsys, "--archive", str(mbox), "rules", "try", str(trial), "test.kf", "--json")
    data = json.loads(out)
    assert data["counts"]["killed"] == 1 and len(data["affected"]) == 2


def test_imports_on_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    data = Path(__file__).parent / "data"
    code, out, err = run(capsys, "rules", "import-slrn", str(data / "slrn-doc-sample.score"))
    assert code == 0 and "[[rule]]" in out and "back-reference" in err and ":56:" in err
    code, out, _ = run(capsys, "rules", "import-tin", str(data / "tin-2.6.2-rewritten.filter"))
    assert code == 0 and 'contains = "troll@example.com"' in out


def test_actions_listing_plonk_and_tag(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "rules", "plonk", "Cy <CY@example.org>")
    run(capsys, "rules", "tag", "<reply@example.org>", "Keep")
    code, out, _ = run(capsys, "rules", "actions")
    assert "plonk" in out and "cy@example.org" in out and "keep" in out
    code, out, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--json")
    data = {d["message_id"]: d for d in json.loads(out)}
    assert data["<good@example.org>"]["state"] == "killed"
    assert data["<reply@example.org>"]["tags"] == ["keep", "list"]
    code, _, err = run(capsys, "rules", "undo", "99")
    assert code == 2 and "#99" in err


def test_cap_author_on_the_command_line(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "cap-author", "Bob <BOB@example.org>", "--max", "0", "--per", "week",
                       "--group", "test.*")
    assert code == 0 and out == "#1 author-cap bob@example.org 0 per week in test.*\n"
    code, out, _ = run(capsys, "rules", "actions")
    assert "author-cap   bob@example.org 0 per week in test.*" in out
    code, out, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--json")
    deep = {d["message_id"]: d for d in json.loads(out)}["<deep@example.org>"]
    assert deep["state"] == "hidden" and deep["matched"][0]["rule"] == "cap bob@example.org: 0 per week"
    code, _, err = run(capsys, "rules", "cap-author", "bob@example.org", "--max", "-1", "--per", "day")
    assert code == 2 and "--max" in err
    with pytest.raises(SystemExit) as exited:  # argparse's own usage error, exit status 2
        run(capsys, "rules", "cap-author", "bob@example.org", "--max", "1", "--per", "year")
    assert exited.value.code == 2 and "invalid choice: 'year'" in capsys.readouterr().err
