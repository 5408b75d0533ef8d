"""The concurrency contract: one session thread owns the Library; progress collapses; q cancels."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import ProgressBar

from nntp.errors import SourceUnavailable
from nntp.models import Article, GroupInfo, OverviewBatch, RawOverviews
from nntp.source import Capability
from store.cache import Store
from store.library import Library
from tests.fakes.source import FakeSource, make_overview
from tests.store.test_rawchunks import raw_slice
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp
from app.backend import LibraryHandle
from tui.messages import LoadPhase, LoadProgress
from tui.screens.groups import GroupsScreen
from tui.screens.threads import ThreadsScreen


class RecordingSource(FakeSource):
    """Notes the thread of every call; ``gate`` holds each OVER batch until released."""

    def __init__(self, articles: int, gated: bool = False) -> None:
        overviews = [make_overview(n, n - 1 if n % 4 else None) for n in range(1, articles + 1)]
        super().__init__({"fake.group": overviews, "fake.empty": []}, chunk=100)
        self.threads: set[int] = set()
        self.gate = threading.Semaphore(0) if gated else None

    def list_groups(self) -> list[GroupInfo]:
        self.threads.add(threading.get_ident())
        return super().list_groups()

    def iter_overviews(self, name: str, first: int, last: int) -> Iterator[OverviewBatch]:
        for batch in super().iter_overviews(name, first, last):
            self.threads.add(threading.get_ident())
            yield batch
            if self.gate is not None and not self.gate.acquire(timeout=10):
                raise SourceUnavailable("test gate was never opened")

    def article(self, name: str, key: int | str) -> Article:
        self.threads.add(threading.get_ident())
        return super().article(name, key)


def app_on(source: RecordingSource, tmp_path: Path, **options: object) -> tuple[PithApp, list[int]]:
    opened_on: list[int] = []

    def open_library() -> Library:
        opened_on.append(threading.get_ident())
        return Library(Store(tmp_path / "store.sqlite3"), lambda: source)

    return PithApp(open_library, title="pith test", **options), opened_on  # type: ignore[arg-type]


async def wait_until(pilot: Pilot[object], predicate: Callable[[], bool], what: str) -> None:
    for _ in range(200):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what}")


async def test_library_lives_on_one_session_thread(tmp_path: Path) -> None:
    source = RecordingSource(300)
    app, opened_on = app_on(source, tmp_path, start_group="fake.group")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "body" in screen_text(app)
        loop_thread = threading.get_ident()
    assert len(opened_on) == 1
    assert source.threads == set(opened_on)
    assert loop_thread not in source.threads
    assert source.closed  # the session closed the Library (and its source) on exit


async def test_library_handle_refuses_the_event_loop() -> None:
    handle = LibraryHandle(lambda: pytest.fail("must not open"))  # type: ignore[arg-type,return-value]
    try:
        with pytest.raises(RuntimeError, match="event loop"):
            handle.call(lambda library: library.groups())
    finally:
        handle.close()


async def test_progress_shows_and_q_cancels_the_fetch(tmp_path: Path) -> None:
    source = RecordingSource(1000, gated=True)
    app, _ = app_on(source, tmp_path, start_group="fake.group")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "fetching 100/1,000" in screen_text(app), "first progress")
        assert app.screen.query_one(ProgressBar).progress == 100
        for _ in range(3):
            source.gate.release()  # type: ignore[union-attr]
        await wait_until(pilot, lambda: "fetching 400/1,000" in screen_text(app), "later progress")
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, GroupsScreen)
        source.gate.release()  # type: ignore[union-attr]  # the next batch sees the cancel flag
        await settle(pilot)
        assert source.requests == [("fake.group", 1, 1000)]
        assert "cancel" not in screen_text(app)  # cancelling is not an error
        await pilot.press("R")  # the session is free again
        await settle(pilot)
        assert app.screen.status.counts == "2 groups" and not app.screen.status.error
    assert Store(tmp_path / "store.sqlite3").group_table.fetched_high("fake.group") == 500  # stopped early


async def test_empty_group(tmp_path: Path) -> None:
    app, _ = app_on(RecordingSource(10), tmp_path, start_group="fake.empty")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ThreadsScreen)
        assert "fake.empty: no articles" in screen_text(app)
        await pilot.press("enter", "j", "end")  # nothing to open or move to; no crash
        await pilot.pause()
        assert isinstance(app.screen, ThreadsScreen)


def test_progress_messages_collapse() -> None:
    first, second = LoadProgress("g", 1, 9), LoadProgress("g", 2, 9)
    assert first.can_replace(second)
    assert not first.can_replace(LoadProgress("other", 2, 9))
    assert not first.can_replace(LoadPhase("threading"))


async def test_first_screen_shows_while_the_rest_is_fetched(tmp_path: Path) -> None:
    """Cold: the first OVER answer is threaded and shown at once; the whole list replaces it in place."""
    source = RecordingSource(1000, gated=True)
    app, _ = app_on(source, tmp_path, start_group="fake.group")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: "first 100 articles · loading the rest" in screen_text(app), "first screen")
        screen = app.screen
        assert isinstance(screen, ThreadsScreen) and screen.provisional and not screen.loaded
        assert "topic 1 " in screen_text(app)
        numbers = [row.article.number for row in screen.thread_list.all_rows if row.article is not None]
        assert sorted(numbers) == list(range(1, 101))  # the first answer's, threaded
        await pilot.press("enter")
        await pilot.pause()
        assert "still loading the group" in screen_text(app) and app.screen is screen  # nothing opens yet
        await pilot.press("j", "j", "j")
        before = screen.thread_list.current
        assert before is not None and screen.thread_list.cursor == 3
        for _ in range(10):
            source.gate.release()  # type: ignore[union-attr]
        await wait_until(pilot, lambda: screen.loaded, "the whole list")
        await settle(pilot)
        assert not screen.provisional and "1,000 articles" in screen_text(app)
        assert screen.thread_list.current is not None
        assert screen.thread_list.current.message_id == before.message_id  # the cursor stayed on its article


async def test_first_screen_on_re_entry_comes_from_the_cache(tmp_path: Path) -> None:
    """Warm: the cached records show before the server has answered for the new ones."""
    source = RecordingSource(300)
    app, _ = app_on(source, tmp_path, start_group="fake.group")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        source.groups["fake.group"] += [make_overview(n) for n in range(301, 401)]
        source.gate = threading.Semaphore(0)
        app.open_group("fake.group")
        await wait_until(pilot, lambda: "first 300 articles · loading the rest" in screen_text(app), "cached screen")
        source.gate.release()
        await wait_until(pilot, lambda: getattr(app.screen, "loaded", False), "the whole list")
        await settle(pilot)
        assert "400 articles" in screen_text(app)


class RawSource(RecordingSource):
    """Answers OVER as raw slices (as NNTPClient does), so a first entry stores chunks, not rows."""

    capabilities = Capability.RAW_OVERVIEWS

    def iter_raw_overviews(self, name: str, first: int, last: int) -> Iterator[RawOverviews]:
        for start in range(first, last + 1, 100):
            yield raw_slice(start, min(last, start + 99))


async def test_the_answers_of_a_first_entry_are_compacted_while_the_reader_reads(tmp_path: Path) -> None:
    """The group is written back as one binary pack in the background after the list shows."""
    app, _ = app_on(RawSource(1000), tmp_path, start_group="fake.group")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        store = Store(tmp_path / "store.sqlite3")  # a second connection, as another process would
        try:
            packs = "SELECT COUNT(*), SUM(count) FROM overview_pack WHERE grp='fake.group' AND fmt NOT LIKE 'over/%'"
            await wait_until(pilot, lambda: store.db.execute(packs).fetchone() == (1, 1000), "the group to be compacted")
            assert "1,000 articles" in screen_text(app)
        finally:
            store.close()
