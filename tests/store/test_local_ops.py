"""The Library's named operations on local state, and one rule each for unread counts and catch-up.

The reader (app/group_rows.py, the group list's catch-up) and the CLI (`pith groups
--json`, `pith catchup`) once counted and caught up each in their own way; these
tests hold that they now agree, through the same Library operations.
"""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from app.backend import LibraryHandle
from app.group_rows import group_listing
from cli.commands import cmd_groups
from cli.state import cmd_catchup
from nntp.errors import PithError
from nntp.models import GroupInfo, Overview
from store.cache import Store
from store.draftbox import DraftBox
from store.library import Library
from tests.fakes.source import FakeSource, make_overview


class StaleListSource(FakeSource):
    """A server farm whose LIST ACTIVE lags behind GROUP: the list says ``listed_high``."""

    def __init__(self, groups: dict[str, list[Overview]], listed_high: int) -> None:
        super().__init__(groups)
        self.listed_high = listed_high

    def list_groups(self) -> list[GroupInfo]:
        return [GroupInfo(g.name, g.low, min(g.high, self.listed_high), g.count) for g in super().list_groups()]


def _library(tmp_path: Path, source: FakeSource | None, name: str = "s", offline: bool = False) -> Library:
    return Library(Store(tmp_path / f"{name}.sqlite3"), (lambda: source) if source else None, offline=offline)


def _source(*sizes: int) -> FakeSource:
    return FakeSource({f"g{i}": [make_overview(n) for n in range(1, size + 1)] for i, size in enumerate(sizes)})


def test_read_marks_subscriptions_and_newsrc_entries(tmp_path: Path) -> None:
    lib = _library(tmp_path, _source(10))
    lib.mark_read("g0", [1, 2, 3, 7])
    lib.mark_unread("g0", [2])
    assert lib.read("g0").format() == "1,3,7"
    lib.subscribe("g0")
    lib.subscribe("h")
    lib.subscribe("h", False)
    assert lib.subscribed() == ["g0"]
    assert [(e.group, e.subscribed, e.read.format()) for e in lib.newsrc_entries()] == \
        [("g0", True, "1,3,7"), ("h", False, "")]


def test_catch_up_marks_through_the_highest_article_the_store_knows(tmp_path: Path) -> None:
    lib = _library(tmp_path, StaleListSource({"g": [make_overview(n) for n in range(1, 16)]}, listed_high=10))
    lib.enter_group("g")  # GROUP says 15; the articles up to 15 are fetched
    stale = next(g for g in lib.groups() if g.name == "g")  # then LIST ACTIVE says 10
    assert stale.high == 10
    assert lib.catch_up(stale) == 15  # -> how many were unread
    assert lib.read("g").format() == "1-15"


def test_cli_catchup_and_the_reader_mark_the_same_articles(tmp_path: Path) -> None:
    """Offline, the CLI's group is the stale listed one: it must still mark what was fetched."""
    marked = {}
    for who in ("reader", "cli"):
        online = _library(tmp_path, StaleListSource({"g": [make_overview(n) for n in range(1, 16)]}, 10), who)
        online.enter_group("g")
        groups = online.groups()
        online.close()
        lib = _library(tmp_path, None, who, offline=True)
        if who == "reader":
            lib.catch_up(next(g for g in groups if g.name == "g"))
        else:
            args = argparse.Namespace(group="g", older_than=None, json=True)
            assert cmd_catchup(lib, args, io.StringIO()) == 0
        marked[who] = lib.read("g").format()
        lib.close()
    assert marked == {"reader": "1-15", "cli": "1-15"}


def test_cli_groups_json_and_the_group_list_count_unread_alike(tmp_path: Path) -> None:
    lib = _library(tmp_path, FakeSource({"a": [make_overview(n) for n in range(5, 21)],
                                         "b": [make_overview(n) for n in range(1, 4)], "empty": []}))
    groups = lib.groups()
    lib.mark_read("a", [1, 2, 3, 4, 5, 6, 30])  # marks below low and above high do not count
    lib.mark_read("b", [1, 2, 3])
    out = io.StringIO()
    assert cmd_groups(lib, argparse.Namespace(json=True), out) == 0
    cli = {g["name"]: g["unread"] for g in json.loads(out.getvalue())}
    reader = group_listing(lib, groups).unread
    assert cli == reader == {"a": 14, "b": 0, "empty": 0}
    assert lib.unread_count(next(g for g in groups if g.name == "a")) == 14


def test_visits_and_new_groups(tmp_path: Path) -> None:
    source = _source(3)
    lib = _library(tmp_path, source)
    lib.groups()
    source.groups["fresh"] = [make_overview(1)]
    lib.groups()
    assert lib.new_groups() == {"fresh"}
    lib.mark_groups_seen(["fresh"])
    assert lib.new_groups() == set()
    assert lib.begin_visit("g0", 3) is None
    assert lib.begin_visit("g0", 5).high == 3  # type: ignore[union-attr]
    assert lib.last_visit("g0").high == 5  # type: ignore[union-attr]


def test_outbox_operations(tmp_path: Path) -> None:
    lib = _library(tmp_path, _source(1))
    raw = b"Newsgroups: g0\nSubject: hi\nMessage-ID: <m@x>\n\nbody\n"
    first = lib.queue_article(raw, "<m@x>", source_digest="abc")
    assert lib.find_queued("abc") == lib.outbox_entry(first)
    assert lib.find_queued("", "<m@x>") is not None
    lib.mark_mailed(first, "/tmp/mbox")
    assert [(e.id, e.state) for e in lib.outbox_entries()] == [(first, "mailed")]
    assert lib.drop_from_outbox(first) and not lib.drop_from_outbox(first)
    assert lib.outbox_entries() == []


def test_bodies_and_cached_group(tmp_path: Path) -> None:
    lib = _library(tmp_path, _source(2))
    lib.enter_group("g0")
    assert not lib.has_body("<1@fake>") and lib.body("<1@fake>") is None
    lib.article("g0", 1)
    assert lib.has_body("<1@fake>") and b"body 1" in (lib.body("<1@fake>") or b"")
    assert lib.cached_group("g0") is not None and lib.cached_group("nope") is None
    assert [o.number for o in lib.cached_overviews("g0")] == [1, 2]


def test_drafts_through_their_own_connection(tmp_path: Path) -> None:
    lib = _library(tmp_path, _source(1))
    box = lib.open_drafts()
    draft = box.save(None, {"Subject": "s"}, "text")
    assert DraftBox(lib.drafts_path()).load(draft) == ({"Subject": "s"}, "text")
    box.close()


def test_a_draft_that_cannot_be_written_is_a_pith_error_naming_the_file(tmp_path: Path) -> None:
    lib = _library(tmp_path, _source(1))
    box = lib.open_drafts()
    box._drafts.db.execute("PRAGMA query_only=ON")  # as a full disk or a read-only file would refuse
    with pytest.raises(PithError, match=r"s\.sqlite3: drafts:"):
        box.save(None, {"Subject": "s"}, "text")
    box.close()


def test_the_handle_passes_arguments_to_a_named_operation(tmp_path: Path) -> None:
    handle = LibraryHandle(lambda: _library(tmp_path, _source(3)))
    try:
        handle.call(Library.subscribe, "g0", True, local=True)
        failures: list[BaseException] = []
        handle.send(Library.mark_read, failures.append, "g0", (1, 2))
        assert handle.call(Library.subscribed, local=True) == ["g0"]
        assert handle.call(Library.read, "g0", local=True).format() == "1-2"
        assert handle.call(lambda library: library.subscribed(), local=True) == ["g0"]  # the old form
        assert failures == []
    finally:
        handle.close()
