"""Cancel and supersede without a server: Cancel-Lock/Key (RFC 8315), whose article is mine, the
cancel article's headers, and a cancel made offline waiting in the outbox (store/control.py)."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

import pytest

from nntp.article import parse_article
from nntp.cancellock import cancel_key, cancel_lock, key_header, lock_header, unlocks
from nntp.compose import split_article
from nntp.errors import PithError
from store.cache import Store
from store.control import cancel, cancel_secret, finish_own, supersede
from store.identity import from_address, is_mine
from store.library import Library
from store.config import ComposeConfig
from store.outbox import Outbox

ME = "Tess Ter <tess@example.org>"
SECRET = b"0123456789abcdef0123456789abcdef"


def test_the_lock_is_the_hash_of_the_key() -> None:
    key = cancel_key(SECRET, "<a@example.org>")
    assert cancel_lock(key) == base64.b64encode(hashlib.sha256(key.encode()).digest()).decode()
    assert unlocks(key_header(SECRET, "<a@example.org>"), lock_header(SECRET, "<a@example.org>"))
    assert not unlocks(key_header(b"another secret, another key...", "<a@example.org>"),
                       lock_header(SECRET, "<a@example.org>"))
    assert not unlocks(key_header(SECRET, "<b@example.org>"), lock_header(SECRET, "<a@example.org>"))


def test_the_secret_is_private_and_stable(tmp_path: Path) -> None:
    first = cancel_secret(tmp_path)
    assert cancel_secret(tmp_path) == first and len(first) >= 32
    assert os.stat(tmp_path / "cancel-lock.key").st_mode & 0o777 == 0o600
    (tmp_path / "cancel-lock.key").write_text("x")
    with pytest.raises(PithError, match="too short"):
        cancel_secret(tmp_path)


def test_finish_own_locks_the_article_and_keys_a_supersede() -> None:
    raw, mid = finish_own([("From", ME), ("Newsgroups", "g"), ("Subject", "s")], b"hi\n", SECRET)
    fields = dict(split_article(raw)[0])
    assert mid.endswith("@example.org>") and fields["Cancel-Lock"] == lock_header(SECRET, mid)
    raw, _ = finish_own([("From", ME), ("Newsgroups", "g"), ("Subject", "s"), ("Supersedes", mid)], b"x\n", SECRET)
    assert unlocks(dict(split_article(raw)[0])["Cancel-Key"], fields["Cancel-Lock"])


def test_whose_article() -> None:
    assert is_mine("TESS@Example.org", ME) and is_mine("Someone Else <tess@example.org>", ME)
    assert not is_mine("Tess Ter <tess@example.net>", ME) and not is_mine("", ME) and not is_mine("x", "x")
    assert from_address(ComposeConfig(from_address="A <a@b.c>")) == "A <a@b.c>"


def stored(tmp_path: Path, author: str) -> Library:
    """An offline Library whose cache holds one article by ``author``."""
    store = Store(tmp_path / "s.sqlite3")
    raw = f"From: {author}\nNewsgroups: local.test,local.other\nSubject: oops\nMessage-ID: <mine@example.org>\n\nx\n"
    store.body_store.save("<mine@example.org>", raw.encode(), "x\n")
    return Library(store, None, offline=True)


def test_a_cancel_made_offline_waits_in_the_outbox(tmp_path: Path) -> None:
    library = stored(tmp_path, ME)
    sent = cancel(library, "<mine@example.org>", ME)
    assert sent.entry.state == "queued" and "offline" in sent.why
    article = parse_article(sent.entry.raw)
    assert article.header("Control") == "cancel <mine@example.org>"
    assert article.header("Subject") == "cmsg cancel <mine@example.org>"
    assert article.header("Newsgroups") == "local.test,local.other" and article.header("From") == ME
    assert article.header("Cancel-Key").startswith("sha256:")


def test_someone_elses_article_is_refused_and_nothing_is_queued(tmp_path: Path) -> None:
    library = stored(tmp_path, "Other <other@example.org>")
    with pytest.raises(PithError, match=r"not yours: it is from other@example.org, you are tess@example.org"):
        cancel(library, "<mine@example.org>", ME)
    with pytest.raises(PithError, match="not yours"):
        supersede(library, "<mine@example.org>", b"Subject: s\n\nx\n", ME)
    assert Outbox(library.store.db).entries() == []


def test_supersede_takes_the_originals_groups_and_needs_my_from(tmp_path: Path) -> None:
    library = stored(tmp_path, ME)
    sent = supersede(library, "<mine@example.org>", b"Subject: better\n\nfixed\n", ME)
    article = parse_article(sent.entry.raw)
    assert article.header("Supersedes") == "<mine@example.org>" and article.header("From") == ME
    assert article.header("Newsgroups") == "local.test,local.other" and article.body.strip() == "fixed"
    with pytest.raises(PithError, match="its From must be yours"):
        supersede(library, "<mine@example.org>", b"From: x@y.org\nSubject: s\n\nx\n", ME, name="new.txt")


def test_not_a_message_id_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(PithError, match="is not a Message-ID"):
        cancel(stored(tmp_path, ME), "12", ME)


def test_an_article_that_is_not_there_is_one_clear_line(tmp_path: Path) -> None:
    with pytest.raises(PithError, match=r"^<gone@example.org>: not found, so there is nothing to cancel"):
        cancel(stored(tmp_path, ME), "<gone@example.org>", ME)
