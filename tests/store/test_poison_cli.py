"""Whole commands over hostile data: a poison store, a 1,000-deep reply chain, a 1,000-deep multipart."""

from __future__ import annotations

from pathlib import Path

import pytest

from nntp.article import parse_article
from nntp.address import ServerAddress
from nntp.mimetree import DEEP_NOTE
from nntp.models import Article
from store.cache import Store, store_path
from store.library import Library
from store.paths import data_dir
from tests.cli_run import chain_end
from tests.fakes.source import FakeSource, make_overview
from tests.store.test_offline_cli import closed_port, run
from tests.store.test_poison_chunk import poisoned_store
from tests.nntp.test_hostile_parsing import deep_multipart

C1_OR_ESC = [chr(c) for c in (*range(0x80, 0xA0), 0x1B)]


def test_every_command_works_on_a_store_holding_a_poison_chunk(capsys: pytest.CaptureFixture[str]) -> None:
    address = f"127.0.0.1:{closed_port()}"
    poisoned_store(store_path(data_dir(), ServerAddress.parse(address).identity)).close()
    for argv, wanted in ((["groups"], "bad.group"), (["threads", "other.group"], "good 1"),
                         (["threads", "bad.group"], "boom"), (["threads", "bad.group", "--json"], '"boom"'),
                         (["search", "boom"], "bad.group 2"), (["expire", "--days", "1"], "expired 0 bodies"),
                         (["subscribe", "bad.group"], "")):
        code, out, err = run(capsys, "--server", address, "--offline", *argv)
        assert code == 0, (argv, err)
        assert wanted in out and "internal error" not in err


def chain_mbox(path: Path, length: int) -> Path:
    """An archive whose articles reply to each other in one chain ``length`` long."""
    messages = []
    for n in range(length):
        refs = f"References: <{n - 1}@chain>\n" if n else ""
        messages.append(f"From x Thu Jan  1 00:00:00 1970\nFrom: Ann <ann@example.org>\nSubject: Re: chain\n"
                        f"Message-ID: <{n}@chain>\n{refs}Date: Mon, 01 Apr 2019 10:00:00 +0000\n"
                        f"List-Id: <chain.example.org>\n\nstep {n}\n\n")
    path.write_text("".join(messages))
    return path


def test_threads_json_on_a_reply_chain_of_a_thousand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mbox = chain_mbox(tmp_path / "chain.mbox", 1200)
    code, out, err = run(capsys, "--archive", str(mbox), "threads", "chain.example.org", "--json")
    assert code == 0, err
    depth, node = chain_end(out)
    assert depth == 1199 and node["message_id"] == "<1199@chain>"
    code, out, err = run(capsys, "--archive", str(mbox), "threads", "chain.example.org")
    assert code == 0 and out.count("\n") == 1200


def deep_mbox(path: Path) -> Path:
    raw = deep_multipart(1000).replace(b"\r\n", b"\n").replace(b"Subject: deep", b"List-Id: <deep.example.org>\n"
                                                                                   b"Subject: deep")
    path.write_bytes(b"From x Thu Jan  1 00:00:00 1970\n" + raw + b"\n")
    return path


@pytest.mark.parametrize("mode", [[], ["--json"], ["--raw"]])
def test_article_nested_a_thousand_deep_in_every_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      mode: list[str]) -> None:
    mbox = deep_mbox(tmp_path / "deep.mbox")
    code, out, err = run(capsys, "--archive", str(mbox), "article", "deep.example.org", "1", *mode)
    assert code == 0, err
    assert ("boundary=" in out) if mode == ["--raw"] else (DEEP_NOTE in out or "MIME nesting deeper" in out)
    assert not any(c in out for c in C1_OR_ESC)


class BadArticles(FakeSource):
    """Article 2 of group a trips a bug; article 3 is nested 1,000 deep."""

    def article(self, name: str, key: int | str) -> Article:
        if (name, key) == ("a", 2):
            raise ValueError("something no article should do \x1b[2J")
        if (name, key) == ("a", 3):
            return parse_article(deep_multipart(1000).replace(b"<deep@x>", b"<3@fake>"), 3)
        return super().article(name, key)


def test_one_bad_article_never_stops_a_sync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    from cli import running

    source = BadArticles({"a": [make_overview(i) for i in range(1, 5)], "b": [make_overview(9)]})
    path = tmp_path / "s.sqlite3"
    monkeypatch.setattr(running, "open_library_factory",
                        lambda args: (lambda: Library(Store(path), lambda: source), "fake"))
    code, out, err = run(capsys, "sync", "--bodies", "a", "b")
    assert code == 0
    assert out == ("a: 4 new overview(s), 3 bodies, 1 article(s) could not be stored\n"
                   "b: 1 new overview(s), 1 body\n")
    assert "pith: sync: a: article 2: not stored (ValueError: something no article should do" in err
    assert "\x1b" not in err
    store = Store(path)
    assert b"boundary=" in (store.body_store.get("<3@fake>") or b"")  # stored as sent; shown with the note
    assert store.body_store.missing("a") == [(2, "<2@fake>")]  # the next sync tries it again
