"""The scripting CLI against the real INN2 server of the test harness."""

from __future__ import annotations

import json
import re
import socket
from typing import Any

import pytest

import main

pytestmark = pytest.mark.integration


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    code = main.main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out)


def nodes(roots: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Every (node, parent) pair, iteratively."""
    pairs: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    stack: list[tuple[dict[str, Any], dict[str, Any] | None]] = [(r, None) for r in roots]
    while stack:
        node, parent = stack.pop()
        pairs.append((node, parent))
        stack.extend((c, node) for c in node["children"])
    return pairs


def test_groups_and_counts_match_the_server(inn_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    groups = {g["name"]: g for g in run_json(capsys, "--server", inn_server.address, "groups", "--json")}
    counts = inn_server.group_counts()
    for name in inn_server.sample_groups:
        assert name in groups
    for name, (count, low, high) in counts.items():
        assert name in groups, name
        assert (groups[name]["low"], groups[name]["high"]) == (low, high)
        if count:
            assert groups[name]["count"] >= count
    if inn_server.corpus_loaded:
        assert "comp.graphics" in groups


def listgroup(address: tuple[str, int], group: str) -> list[int]:
    with socket.create_connection(address, timeout=30) as sock:
        f = sock.makefile("rwb")
        f.readline()
        f.write(f"LISTGROUP {group}\r\n".encode())
        f.flush()
        assert f.readline().startswith(b"211")
        numbers = []
        while (line := f.readline().rstrip(b"\r\n")) != b".":
            numbers.append(int(line))
        f.write(b"QUIT\r\n")
        f.flush()
        return numbers


def test_every_article_threads_once_under_its_named_parent(
    inn_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    group = "comp.graphics" if inn_server.corpus_loaded else inn_server.sample_groups[0]
    roots = run_json(capsys, "--server", inn_server.address, "threads", group, "--json")
    pairs = nodes(roots)
    numbers = [n["number"] for n, _ in pairs if n["number"] is not None]
    assert sorted(numbers) == listgroup((inn_server.host, inn_server.port), group)
    by_id = {n["message_id"]: n for n, _ in pairs if n["number"] is not None}
    placed = 0
    for node, parent in pairs:
        refs = node.get("references") or []
        if node["number"] is None or not refs:
            continue
        present = [r for r in refs if r in by_id and r != node["message_id"]]
        if refs[-1] in by_id and refs[-1] != node["message_id"]:
            assert parent is not None and parent["message_id"] == refs[-1], node["message_id"]
            placed += 1
        elif present:
            assert parent is not None  # hung under the nearest ancestor that exists
    assert placed > 0


def test_article_round_trips(inn_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    group = inn_server.sample_groups[0]
    roots = run_json(capsys, "--server", inn_server.address, "threads", group, "--json")
    first = next(n for n, _ in nodes(roots) if n["number"] is not None)
    art = run_json(capsys, "--server", inn_server.address, "article", group, str(first["number"]), "--json")
    headers = dict((k.lower(), v) for k, v in art["headers"])
    assert art["message_id"] == first["message_id"]
    assert headers["subject"] == first["subject"]
    by_id = run_json(capsys, "--server", inn_server.address, "article", group, first["message_id"], "--json")
    assert by_id["body"] == art["body"]
    code = main.main(["--server", inn_server.address, "article", group, str(first["number"])])
    text = capsys.readouterr().out
    assert code == 0 and f"Subject: {first['subject']}" in text
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", text)


def test_unknown_group_exits_2(inn_server: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code = main.main(["--server", inn_server.address, "threads", "no.such.group"])
    _, err = capsys.readouterr()
    assert code == 2 and "no.such.group" in err and err.count("\n") == 1


def test_nntpserver_variable_chooses_the_server(
    inn_server: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NNTPSERVER", inn_server.address)
    names = {g["name"] for g in run_json(capsys, "groups", "--json")}
    assert set(inn_server.sample_groups) <= names


def test_a_group_created_on_the_server_is_marked_new(
    inn_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "--server", inn_server.address, "groups", "--json")
    inn_server.ctlinnd("newgroup", "local.brandnew", "y", "pith-tests")
    groups = {g["name"]: g for g in run_json(capsys, "--server", inn_server.address, "groups", "--json")}
    assert groups["local.brandnew"]["new"] is True
    assert groups["local.test"]["new"] is False
