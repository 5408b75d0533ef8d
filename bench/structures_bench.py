"""How long the thread list's data structures take at scale: what the tests check for correctness only.

    .venv/bin/python bench/structures_bench.py

Prints figures (wall-clock seconds, best of --runs): flattening a 5,000-deep reply
chain, the orders' folding over 150,000 rows, and the Line-API list showing,
paging through and folding 150,000 rows in a headless app. Timings are figures to
read side by side, not assertions: a busy machine makes them slower, not wrong.
Read marks at a million articles are in bench/newsrc_bench.py.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.rows import ThreadRow, flatten  # noqa: E402
from app.views import unit_starts, visible_rows  # noqa: E402
from nntp.models import Overview  # noqa: E402
from nntp.threads import ThreadNode, thread  # noqa: E402

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
ROWS = 150_000


def overview(number: int, subject: str, refs: tuple[str, ...] = ()) -> Overview:
    return Overview(number, subject, "a@b", T0 + timedelta(minutes=number), f"<{number}@t>", refs, 0, 3)


def deep_chain(length: int = 5000) -> ThreadNode:
    """One reply chain ``length`` deep, built bottom-up (threading is not what is measured)."""
    node = ThreadNode(overview(length, "Re: s"), f"<{length}@t>")
    for number in range(length - 1, 0, -1):
        node = ThreadNode(overview(number, "Re: s" if number > 1 else "s"), f"<{number}@t>", (node,))
    return node


def big_group_rows() -> list[ThreadRow]:
    """150,000 rows in 50,000 threads of three (a root and a chain of two replies)."""
    return flatten(thread([overview(n, f"Re: topic {n // 3}" if n % 3 else f"topic {n // 3}",
                                    (f"<{n - 1}@t>",) if n % 3 else ()) for n in range(ROWS)]))


def best(runs: int, step: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        step()
        times.append(time.perf_counter() - started)
    return min(times)


def list_figures(rows: list[ThreadRow]) -> tuple[float, float]:
    """(show the rows, go to the end and page up) and (fold all, unfold one, fold and unfold all), headless."""
    from textual.app import App, ComposeResult

    from tui.theming import with_fallbacks
    from tui.widgets.thread_list import ThreadList

    class ListApp(App[None]):
        CSS_PATH = str(Path(__file__).resolve().parents[1] / "tui" / "app.tcss")

        def get_css_variables(self) -> dict[str, str]:
            return with_fallbacks(super().get_css_variables())

        def compose(self) -> ComposeResult:
            yield ThreadList()

    async def drive() -> tuple[float, float]:
        app = ListApp()
        async with app.run_test(size=(120, 40)) as pilot:
            threads = app.query_one(ThreadList)
            threads.focus()
            started = time.perf_counter()
            threads.set_rows(rows)
            await pilot.pause()
            await pilot.press("end", "pageup", "k")
            await pilot.pause()
            shown = time.perf_counter() - started
            threads.cursor = 90_001
            started = time.perf_counter()
            await pilot.press("asterisk", "right", "asterisk", "asterisk")
            await pilot.pause()
            return shown, time.perf_counter() - started

    return asyncio.run(drive())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    chain = deep_chain()
    print(f"flatten a 5,000-deep chain:                {best(args.runs, lambda: flatten([chain])):.3f} s")
    rows = big_group_rows()
    starts = unit_starts(rows)
    fold = best(args.runs, lambda: visible_rows(unit_starts(rows), len(rows), starts))
    print(f"fold 150,000 rows (unit starts + visible): {fold:.3f} s")
    shown, folded = list_figures(rows)
    print(f"thread list: show 150,000 rows, end, pageup: {shown:.3f} s")
    print(f"thread list: fold all, open one, fold/unfold all: {folded:.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
