"""Rules applied to real newsgroups (the 20 Newsgroups corpus, else the sample) served by INN2,
through `pith --server ADDR score GROUP --json` and `pith threads GROUP --json`."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import main
from store.paths import config_dir
from tests.cli_run import all_nodes as nodes

pytestmark = pytest.mark.integration


def pith_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def write_rules(text: str) -> Path:
    path = config_dir() / "score.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def group(inn_server: Any) -> str:
    return "comp.graphics" if inn_server.corpus_loaded else inn_server.sample_groups[0]


def test_score_json_kills_exactly_what_the_rules_say(inn_server: Any, group: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    articles = [n for n in nodes(pith_json(capsys, "--server", inn_server.address, "threads", group, "--json"))
                if n["number"] is not None]
    author = Counter(a["from"] for a in articles).most_common(1)[0][0]
    long_one = max(a["lines"] for a in articles)
    rules = write_rules(
        '[[rule]]\nname = "plonk the busiest"\nscore = -9999\n'
        f'all = [{{ header = "From", equals = {json.dumps(author)}, case = true }}]\n\n'
        '[[rule]]\nname = "longest"\nscore = 5\ntags = ["long"]\n'
        f'all = [{{ header = "Lines", ge = {long_one} }}]\n')
    verdicts = pith_json(capsys, "--server", inn_server.address, "score", group, "--json", "--quiet")
    assert sorted(v["number"] for v in verdicts) == sorted(a["number"] for a in articles)
    by_number = {a["number"]: a for a in articles}
    for v in verdicts:
        assert set(v) == {"number", "message_id", "score", "state", "tags", "matched"}
        assert sum(m["delta"] for m in v["matched"]) == v["score"]
        article = by_number[v["number"]]
        plonked = article["from"] == author
        assert (v["state"] == "killed") == plonked, v
        assert ("long" in v["tags"]) == (article["lines"] >= long_one)
        if plonked:
            assert v["matched"][0] == {"rule": "plonk the busiest", "source": f"{rules}:1", "delta": -9999}
    visible = nodes(pith_json(capsys, "--server", inn_server.address, "threads", group, "--json"))
    assert not any(n["state"] in ("killed", "hidden") for n in visible)
    assert {n["number"] for n in visible if n["number"] is not None} == {
        v["number"] for v in verdicts if v["state"] not in ("killed", "hidden")}


def test_thread_kill_covers_every_descendant(inn_server: Any, group: str, capsys: pytest.CaptureFixture[str]) -> None:
    roots = pith_json(capsys, "--server", inn_server.address, "threads", group, "--json", "--all")
    root = max((r for r in roots if r["number"] is not None), key=lambda r: len(nodes([r])))
    assert len(nodes([root])) > 1, "no thread with replies to kill"
    code = main.main(["rules", "kill-thread", root["message_id"]])
    capsys.readouterr()
    assert code == 0
    verdicts = {v["message_id"]: v for v in
                pith_json(capsys, "--server", inn_server.address, "score", group, "--json", "--quiet")}
    thread_ids = {n["message_id"] for n in nodes([root]) if n["number"] is not None}
    for msgid, v in verdicts.items():
        assert (v["state"] == "killed") == (msgid in thread_ids), msgid
    code = main.main(["--server", inn_server.address, "score", group, "--explain", root["message_id"]])
    out = capsys.readouterr().out
    assert code == 0 and f"kill thread {root['message_id']}" in out and "final score: killed" in out
