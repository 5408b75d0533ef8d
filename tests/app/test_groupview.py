"""GroupView without Textual: entering a group (first screen, then the whole list), a reload after a
post, views, only unread and the status line's counts, over a real Library on a fake source."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from killfile import session
from killfile.session import Killfile
from nntp.models import Overview
from store.cache import Store
from store.library import Library
from app.backend import LibraryHandle
from app.groupview import Entered, GroupView, Phase
from app.views import View
from tests.fakes.source import FakeSource, make_overview

HIDE_USER1 = '[[rule]]\nname = "quiet"\nscore = -1000\nall = [{ header = "From", contains = "user1@" }]\n'


def articles(first: int, last: int) -> list[Overview]:
    """Threads of three: every article whose number is not 1 mod 3 answers the one before it."""
    return [make_overview(n, parent=n - 1 if n % 3 != 1 else None) for n in range(first, last + 1)]


@pytest.fixture
def source() -> FakeSource:
    return FakeSource({"g": articles(1, 30)}, chunk=10)


@pytest.fixture
def handle(tmp_path: Path, source: FakeSource) -> Iterator[LibraryHandle]:
    handle = LibraryHandle(lambda: Library(Store(tmp_path / "s.sqlite3"), lambda: source))
    yield handle
    handle.close()


@pytest.fixture
def killfile(tmp_path: Path) -> Killfile:
    rules = tmp_path / "rules"
    rules.mkdir()
    return session.load(rules)


def enter(model: GroupView, handle: LibraryHandle, killfile: Killfile) -> Entered:
    result = model.enter(handle, lambda: killfile)
    assert result is not None
    return result


def loaded(model: GroupView, handle: LibraryHandle, killfile: Killfile) -> GroupView:
    shown = model.entered(enter(model, handle, killfile), None, False)
    assert shown.rows is not None and shown.first
    return model


def test_a_first_screen_then_the_whole_group(handle: LibraryHandle, killfile: Killfile) -> None:
    model, firsts = GroupView("g"), []
    said: list[str] = []
    result = model.enter(handle, lambda: killfile, early=lambda records: firsts.append(
        model.first_screen(records, lambda: killfile)), say=said.append)
    assert result is not None and model.phase is Phase.EMPTY  # a worker's result changes nothing
    first = firsts[0]
    assert first is not None and 0 < first.records < 30 and first.scored.rows
    assert model.first_shown() and model.provisional and not model.loaded
    shown = model.entered(result, "<2@fake>", moved=True)
    assert model.phase is Phase.LOADED and model.loaded and not model.provisional
    assert shown.rows == result.scored.rows and shown.first and shown.reload is None
    assert shown.rows is not None and shown.cursor is not None
    assert shown.rows[shown.cursor].message_id == "<2@fake>"  # the reader moved on the first screen: kept
    assert shown.status == "g: 30 articles in 10 threads"
    assert said == ["scoring 30 articles…", "threading 30 articles…"]  # threaded once scored: the lower peak
    assert not model.first_shown()  # a late first screen is not shown over the whole list
    assert model.counts_line() == "30 unread of 30 · threaded"


def test_a_cursor_left_alone_on_the_first_screen_starts_at_the_top(handle: LibraryHandle,
                                                                   killfile: Killfile) -> None:
    model = GroupView("g")
    result = enter(model, handle, killfile)
    model.first_shown()
    assert model.entered(result, "<2@fake>", moved=False).cursor is None


def test_a_cancelled_entry_records_no_visit(handle: LibraryHandle, killfile: Killfile) -> None:
    model = GroupView("g")
    assert model.enter(handle, lambda: killfile, cancelled=lambda: True) is None
    again = enter(GroupView("g"), handle, killfile)
    assert again.visit is None  # the first entry was cancelled before it began reading


def test_a_reload_keeps_the_view_the_marks_and_the_cursor(handle: LibraryHandle, killfile: Killfile,
                                                          source: FakeSource) -> None:
    model = loaded(GroupView("g"), handle, killfile)
    marks = model.marks
    assert marks is not None and marks.mark_read(5) and marks.unread == 29
    source.groups["g"].extend(articles(31, 33))
    model.reload("posted <new@x>")
    assert model.phase is Phase.RELOADING and model.loaded
    result = enter(model, handle, killfile)
    assert result.marks is None  # a reload begins no new reading: the marks made meanwhile stay
    shown = model.entered(result, "<7@fake>", moved=False)
    assert model.marks is marks and marks.is_read(5) and (marks.total, marks.unread) == (33, 32)
    assert shown.rows is not None and shown.cursor is not None and not shown.first
    assert shown.rows[shown.cursor].message_id == "<7@fake>"
    assert shown.status == "posted <new@x> · g: 33 articles in 11 threads"
    assert model.reload_note is None and model.phase is Phase.LOADED


def test_a_reload_in_another_view_arranges_it_again_and_leads_with_the_note(handle: LibraryHandle,
                                                                           killfile: Killfile) -> None:
    model = loaded(GroupView("g"), handle, killfile)
    model.arranged(model.arrange(View.DATE))
    model.switch(View.DATE)
    model.reload("posted <new@x>")
    shown = model.entered(enter(model, handle, killfile), "<7@fake>", moved=False)
    assert shown.rows is None and shown.cursor is None  # the screen arranges the view again
    assert model.view is View.DATE and set(model.views) == {View.THREADED}
    assert model.switch(View.DATE) == "posted <new@x> · g: 30 articles in 10 threads · flat by date"
    assert model.switch(View.DATE) == "g: 30 articles in 10 threads · flat by date"  # the note leads once


def test_an_article_posted_while_loading_enters_the_group_again_once_it_is_in(handle: LibraryHandle,
                                                                            killfile: Killfile) -> None:
    model = GroupView("g")
    assert not model.posted("posted <mine@x>")  # not now: the entry under way may predate the post
    shown = model.entered(enter(model, handle, killfile), None, False)
    assert shown.reload == "posted <mine@x>" and model.posted_while_loading is None
    assert model.posted("posted <again@x>")  # loaded: at once


def test_a_failed_entry_goes_back_and_a_failed_reload_keeps_the_list(handle: LibraryHandle,
                                                                     killfile: Killfile) -> None:
    assert GroupView("g").load_failed()
    model = loaded(GroupView("g"), handle, killfile)
    model.reload("posted")
    assert not model.load_failed() and model.phase is Phase.LOADED and model.reload_note is None


def test_views_switch_and_are_built_once(handle: LibraryHandle, killfile: Killfile) -> None:
    model = loaded(GroupView("g"), handle, killfile)
    by_date = model.arrange(View.DATE)
    assert [row.article.number for row in by_date.rows if row.article] == list(range(1, 31))
    assert all(row.depth == 0 for row in by_date.rows)
    model.arranged(by_date)
    assert model.views[View.DATE] is by_date.rows
    assert model.switch(View.DATE) == "g: 30 articles in 10 threads · flat by date"
    assert model.counts_line() == "30 unread of 30 · flat by date"
    assert model.find(12) == 11 and model.find("<12@fake>") == 11 and model.find(99) is None
    digest = model.arrange(View.DIGEST)
    model.arranged(digest)
    assert digest.note.startswith("digest: first visit") and model.switch(View.DIGEST) == digest.note
    scored, table = model.rescore(handle, killfile)
    assert not model.rescored(scored, table)  # not the threaded view: the screen arranges the digest again
    assert set(model.views) == {View.THREADED}


def test_only_unread_in_the_threads_and_the_flat_orders(handle: LibraryHandle, killfile: Killfile) -> None:
    model = loaded(GroupView("g"), handle, killfile)
    assert model.marks is not None
    for number in (1, 2, 3, 5):
        model.marks.mark_read(number)
    model.unread_only = True
    only = model.only_unread(True, model.marks.snapshot())
    assert only is not None and only[1] == "only unread: 9 threads with unread articles (l shows all)"
    pruned, _note = only
    assert model.rescored(pruned, model.table)  # type: ignore[arg-type]
    numbers = [row.article.number for row in pruned.rows if row.article]
    assert 1 not in numbers and {4, 5, 6} <= set(numbers)  # read 5 stays: the parent of unread 6
    flat = model.arrange(View.AUTHOR)
    assert all(row.article is not None and not model.marks.is_read(row.article.number) for row in flat.rows)
    assert model.counts_line() == "26 unread of 30 · threaded · only unread"
    everything = model.only_unread(False, model.marks.snapshot())
    assert everything is not None and len([r for r in everything[0].rows if r.article]) == 30  # from all threads


def test_hidden_articles_are_counted_apart_and_killed_ones_read(tmp_path: Path, handle: LibraryHandle) -> None:
    rules = tmp_path / "hiding"
    rules.mkdir()
    (rules / "score.toml").write_text(HIDE_USER1)
    model = loaded(GroupView("g"), handle, session.load(rules))
    assert not model.scores_changed(mark_killed=True)  # nothing killed: no marks changed
    assert model.unread_counts() == "20 unread, 10 hidden"
    assert model.marks is not None and model.marks.mark_read(4)  # user1 wrote 1, 4, 7, ...
    assert model.unread_counts() == "20 unread, 9 hidden"
    assert model.thread_numbers(5) == [4, 5, 6]
