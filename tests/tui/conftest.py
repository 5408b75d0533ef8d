"""Fixtures for driving the real PithApp with Pilot: archives, stores under tmp_path, waiting."""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.worker import WorkerFailed

from nntp.archive import ArchiveSource
from store.cache import Store
from store.library import Library
from tui.app import PithApp

DATA = Path(__file__).with_name("data")
SNAPSHOT_MBOX = DATA / "snapshot.mbox"
PAGER_MBOX = DATA / "pager.mbox"
"""pith.test.pager: quote levels, a signature, spoilers, a multipart article with attachments."""
SIZE = (120, 36)


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests in a fresh event loop (no async plugin is installed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    names = pyfuncitem._fixtureinfo.argnames
    asyncio.run(pyfuncitem.obj(**{name: pyfuncitem.funcargs[name] for name in names}))
    return True


@pytest.fixture(autouse=True)
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Dates show in local time; make local time UTC so screens are the same everywhere."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def archive_library(mbox: Path, store: Path, *, postable: bool = False) -> Callable[[], Library]:
    """A Library over ``mbox``; ``postable``: see :func:`postable_groups`."""

    def open_library() -> Library:
        library = Library(Store(store), lambda: ArchiveSource(mbox))
        return postable_groups(library) if postable else library

    return open_library


def postable_groups(library: Library) -> Library:
    """The archive's groups take posts (flag y instead of n), so P, f and F open the composer: the
    archive stands in for a server that takes posts but cannot be reached (what is sent stays
    queued, as offline). Composer tests use this; a plain archive refuses posting up front."""
    library.groups()  # copies the archive into the store
    library.store.group_table.save([replace(group, posting="y") for group in library.store.group_table.all()])
    return library


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., PithApp]:
    """``make_app(mbox=SNAPSHOT_MBOX, start_group=..., start_article=..., postable=False)`` with a store
    in tmp_path (``postable``: see :func:`postable_groups`)."""

    def make(mbox: Path = SNAPSHOT_MBOX, postable: bool = False, **options: object) -> PithApp:
        return PithApp(archive_library(mbox, tmp_path / "store.sqlite3", postable=postable),
                       title="pith test", **options)  # type: ignore[arg-type]

    return make


async def settle(pilot: Pilot[object], rounds: int = 50) -> None:
    """Wait until no worker runs and the messages they posted have been handled."""
    app = pilot.app
    for _ in range(rounds):
        try:
            await app.workers.wait_for_complete()
        except WorkerFailed:
            pass  # failures are the app's to report on screen; tests look there
        await pilot.pause()
        if not any(worker.is_running for worker in app.workers):
            await pilot.pause()
            if not any(worker.is_running for worker in app.workers):
                return
    raise AssertionError("workers did not settle")


def screen_text(app: App[object]) -> str:
    """What the terminal shows now, as plain text lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
