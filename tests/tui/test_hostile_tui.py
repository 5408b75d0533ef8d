"""The reader over the hostile corpus (tests/hostile/): every screen stays free of terminal controls.

The app runs against the hostile fake NNTP server (hostile group names and descriptions, raw
OVER bytes, hostile error replies) and over an mbox archive of the same corpus. After each key,
the rendered screen (the compositor's strips: what the terminal would be sent) must hold no ESC,
no C1 control and no bidi control, and the app must still be running. A failure names the screen
and the article.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from cli.context import open_library_factory
from tests.hostile import corpus
from tests.hostile.server import HostileServer
from tests.hostile.sweep import stream_problems
from tests.tui.conftest import SIZE, screen_text, settle
from tui.app import PithApp

EXCEPTION = re.compile(r"\b[A-Z][a-z]+\w*(Error|Exception)\b.{0,80}")
MAIN_COUNT = sum(1 for a in corpus.articles(0) if a.group == corpus.MAIN)


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer("normal", corpus.articles(200), lifetime=600) as running:
        yield running


def server_app(address: str, **options: object) -> PithApp:
    """The app as `pith --server ADDRESS --timeout 5 read` builds it."""
    args = argparse.Namespace(server=address, config=None, timeout=5, offline=False, command="read", archive=None)
    factory, title = open_library_factory(args)
    return PithApp(factory, title=title, **options)  # type: ignore[arg-type]


def archive_mbox(path: Path) -> Path:
    """The corpus as an mboxrd file (a ``From `` line before each article, ``>From`` escaped)."""
    with open(path, "wb") as out:
        for article in corpus.articles(200):
            out.write(b"From hostile@example.org Mon Jan  1 00:00:00 2024\n")
            for line in article.raw.split(b"\n")[:-1] if article.raw.endswith(b"\n") else article.raw.split(b"\n"):
                out.write((b">" + line if line.lstrip(b">").startswith(b"From ") else line) + b"\n")
            out.write(b"\n")
    return path


async def check(pilot: Pilot[object], where: str, *shows: str) -> None:
    """Settle, then: the app still runs, its screen holds nothing a terminal would obey nor a
    Python exception's name, and it shows each of ``shows``."""
    await settle(pilot)
    assert pilot.app.is_running, f"{where}: the app stopped"
    text = screen_text(pilot.app)
    found = stream_problems(text.encode("utf-8", "surrogateescape"))
    found += [f"shows a Python exception: {m.group(0)!r}" for m in EXCEPTION.finditer(text)][:1]
    found += [f"does not show {want!r}" for want in shows if want not in text]
    assert not found, f"{where} ({type(pilot.app.screen).__name__}): " + "; ".join(found) + "\n" + text


async def test_group_list_from_a_hostile_server(server: HostileServer) -> None:
    app = server_app(server.address)
    async with app.run_test(size=SIZE) as pilot:
        await check(pilot, "group list", corpus.MAIN, corpus.PLAIN)
        for key in ("end", "R", "question_mark"):
            await pilot.press(key)
            await check(pilot, f"group list after {key}")


async def test_every_article_and_its_raw_view(server: HostileServer) -> None:
    app = server_app(server.address, start_group=corpus.MAIN)
    async with app.run_test(size=SIZE) as pilot:
        await check(pilot, "thread list", "real root")
        await pilot.press("H")  # show hidden articles too
        for row in range(MAIN_COUNT + 1):
            await pilot.press("enter")
            await check(pilot, f"article at row {row}")
            await pilot.press("H")
            await check(pilot, f"raw view at row {row}")
            await pilot.press("q")
            await check(pilot, f"thread list back from row {row}")
            await pilot.press("j")


@pytest.mark.parametrize("keys", [("R",), ("S",), ("slash", *"hostile", "enter"), ("question_mark",),
                                  ("e",), ("A",), ("o", "o", "o")], ids=lambda keys: "-".join(keys)[:20])
async def test_thread_list_screens(server: HostileServer, keys: tuple[str, ...]) -> None:
    app = server_app(server.address, start_group=corpus.MAIN)
    async with app.run_test(size=SIZE) as pilot:
        await check(pilot, "thread list")
        for key in keys:
            await pilot.press(key)
        await check(pilot, f"after {' '.join(keys)}")
        await pilot.press("enter")
        await check(pilot, f"after {' '.join(keys)} enter")


@pytest.mark.parametrize("group, shows", [(corpus.POISON, "boom"), (corpus.CHAIN, "chain"),
                                          (corpus.PLAIN, "ordinary")])
async def test_other_groups(server: HostileServer, group: str, shows: str) -> None:
    app = server_app(server.address, start_group=group)
    async with app.run_test(size=SIZE) as pilot:
        await check(pilot, f"{group} thread list", shows)
        for key in ("asterisk", "end", "enter"):
            await pilot.press(key)
            await check(pilot, f"{group} after {key}")


async def test_archive_of_the_corpus(make_app: Callable[..., PithApp], tmp_path: Path) -> None:
    app = make_app(mbox=archive_mbox(tmp_path / "hostile.mbox"))
    async with app.run_test(size=SIZE) as pilot:
        await check(pilot, "archive group list", corpus.MAIN, corpus.PLAIN)
        await pilot.press("end")
        await check(pilot, "archive group list end")
    app = make_app(mbox=tmp_path / "hostile.mbox", start_group=corpus.MAIN)
    async with app.run_test(size=SIZE) as pilot:
        await check(pilot, "archive thread list", "real root")
        for row in range(MAIN_COUNT):
            await pilot.press("enter")
            await check(pilot, f"archive article at row {row}")
            await pilot.press("H", "q", "j")
            await check(pilot, f"archive raw view / back from row {row}")
