"""The scripting CLI on a local archive, and its one-line errors (exit status 2)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from tests.cli_run import run

MBOX = b"""From a Thu Jan  1 00:00:00 1970
Newsgroups: test.one,test.two
From: Ann <ann@example.org>
Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=
Message-ID: <root@example.org>
Date: Mon, 05 Apr 1993 14:58:21 +0000

Hello \x1b[31mworld
>From the start

From b Thu Jan  1 00:00:00 1970
Newsgroups: test.one
From: Bob <bob@example.org>
Subject: Re: Gruesse
Message-ID: <reply@example.org>
References: <root@example.org>
Date: Tue, 06 Apr 1993 10:00:00 +0000

Reply body

From c Thu Jan  1 00:00:00 1970
Newsgroups: test.one
From: Cy <cy@example.org>
Subject: Re: lost
Message-ID: <orphan@example.org>
References: <gone1@example.org>
Date: Wed, 07 Apr 1993 10:00:00 +0000

Orphan one

From d Thu Jan  1 00:00:00 1970
Newsgroups: test.one
From: Di <di@example.org>
Subject: Re: lost
Message-ID: <orphan2@example.org>
References: <gone1@example.org>
Date: Thu, 08 Apr 1993 10:00:00 +0000

Orphan two
"""


@pytest.fixture
def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "list.mbox"
    path.write_bytes(MBOX)
    return path


def test_groups_json(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--archive", str(mbox), "groups", "--json")
    assert code == 0
    groups = {g["name"]: g for g in json.loads(out)}
    assert groups["test.one"]["count"] == 4
    assert groups["test.two"]["count"] == 1


def test_threads_json_shape(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--archive", str(mbox), "threads", "test.one", "--json")
    assert code == 0
    roots = json.loads(out)
    first = roots[0]
    assert set(first) >= {"number", "message_id", "subject", "from", "date", "children"}
    assert first["subject"] == "Grüße"
    assert first["date"] == "1993-04-05T14:58:21+00:00"
    assert [c["message_id"] for c in first["children"]] == ["<reply@example.org>"]
    dummy = roots[1]
    assert dummy["number"] is None and dummy["message_id"] == "<gone1@example.org>"
    assert len(dummy["children"]) == 2


def test_article_text_is_decoded_and_sanitized(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--archive", str(mbox), "article", "test.one", "1")
    assert code == 0
    assert "Subject: Grüße" in out
    assert "Hello \u241b[31mworld" in out and "\x1b" not in out
    assert "From the start" in out and ">From the start" not in out
    code, by_id, _ = run(capsys, "--archive", str(mbox), "article", "test.one", "<reply@example.org>")
    assert code == 0 and "Reply body" in by_id


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("argv", [["groups"], ["threads", "x", "--json"], ["article", "x", "1"]])
def test_server_down_is_one_line_and_exit_1(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    port = closed_port()
    code, out, err = run(capsys, "--server", f"127.0.0.1:{port}", *argv)
    assert code == 1 and out == ""  # README "Exit status": 1, the server could not be reached
    assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err and "refused" in err


def test_silent_server_times_out_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        code, _, err = run(capsys, "--server", f"127.0.0.1:{port}", "--timeout", "0.5", "groups")
    assert code == 1 and "no answer" in err and err.count("\n") == 1


def test_no_server_configured(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NNTPSERVER", raising=False)
    code, _, err = run(capsys, "groups")
    assert code == 2 and "NNTPSERVER" in err


def test_unknown_group_in_archive(mbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--archive", str(mbox), "threads", "no.such.group")
    assert code == 2 and "no.such.group" in err
