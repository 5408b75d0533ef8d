"""Issue 15: `groups --json` says subscribed/unread, `threads --json` says read, and
`score --json --explain` is JSON. Existing fields stay as they were (only added to)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.killfile.test_cli_score import MBOX, RULES
from store.paths import config_dir
from tests.cli_run import run


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "list.mbox"
    path.write_bytes(MBOX)
    return path


def test_groups_json_has_subscribed_and_unread(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--archive", str(mbox), "threads", "test.kf")  # imports the archive
    assert run(capsys, "--archive", str(mbox), "subscribe", "test.kf")[0] == 0
    assert run(capsys, "--archive", str(mbox), "catchup", "test.kf", "--older-than", "99999")[0] == 0
    code, out, _ = run(capsys, "--archive", str(mbox), "groups", "--json")
    assert code == 0
    group = {g["name"]: g for g in json.loads(out)}["test.kf"]
    assert {"name", "count", "low", "high", "posting", "description", "new"} <= set(group)
    assert group["subscribed"] is True
    assert group["unread"] == group["count"]  # nothing is that old
    run(capsys, "--archive", str(mbox), "catchup", "test.kf")
    group = {g["name"]: g for g in json.loads(run(capsys, "--archive", str(mbox), "groups", "--json")[1])}["test.kf"]
    assert group["unread"] == 0


def test_threads_json_has_read(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--archive", str(mbox), "threads", "test.kf")
    from store.cache import Store, store_path
    from store.paths import data_dir
    from store.readstate import ReadState
    from nntp.archive import ArchiveSource

    store = Store(store_path(data_dir(), ArchiveSource(str(mbox)).identity))
    number = {o.message_id: o.number for o in store.overview_store.all("test.kf")}["<reply@example.org>"]
    ReadState(store.db).mark_read("test.kf", [number])
    store.close()
    code, out, _ = run(capsys, "--archive", str(mbox), "threads", "test.kf", "--json")
    assert code == 0
    nodes = {}
    stack = json.loads(out)
    while stack:
        node = stack.pop()
        nodes[node["message_id"]] = node
        stack.extend(node["children"])
    assert nodes["<reply@example.org>"]["read"] is True
    assert nodes["<root@example.org>"]["read"] is False
    assert nodes["<good@example.org>"]["read"] is False


def test_score_explain_json(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rules = config_dir() / "score.toml"
    rules.parent.mkdir(parents=True, exist_ok=True)
    rules.write_text(RULES)
    code, out, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--json", "--explain", "<root@example.org>")
    assert code == 0
    data = json.loads(out)
    assert data["message_id"] == "<root@example.org>" and data["state"] == "killed" and data["score"] == -9999
    assert data["matched"][0]["rule"] == "no trolls" and data["matched"][0]["delta"] == -9999
    assert data["matched"][0]["source"] == f"{rules}:1" and data["matched"][0]["kind"] == "rule"
    assert set(data["limits"]) == {"kill", "hide", "read", "high"}
    assert data["tags"] == ["list"] and data["group"] == "test.kf" and isinstance(data["notes"], list)
    code, text, _ = run(capsys, "--archive", str(mbox), "score", "test.kf", "--explain", "<root@example.org>")
    assert code == 0 and "final score: killed" in text  # without --json: the text, as before
