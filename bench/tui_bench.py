"""The reader as a user meets it: Enter on a big group to the first screen of threads.

Drives the real app (Textual's Pilot, a 120x36 screen) against a private INN2
holding a 150,000-article group, and prints figures (no pass/fail), timed from
Enter on the group in the group list:
cold entry (nothing cached) to the first rows on screen and to the complete list,
warm entry (cached, 100 new articles on the server), the median and 95th
percentile of key-to-repaint while scrolling, and the process's peak RSS.

    .venv/bin/python bench/tui_bench.py [--count 150000]
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import gc
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

GROUP = "local.big"
READING_S = 15.0
"""How long the second cold run stays on the list before quitting."""


def make_app(address: str, store: Path, group: str) -> object:
    from nntp.client import NNTPClient, ServerAddress
    from nntp.connect import ConnectOptions
    from store.cache import Store
    from store.library import Library
    from tui.app import PithApp

    parsed = ServerAddress.parse(address)
    return PithApp(
        lambda: Library(Store(store), lambda: NNTPClient(parsed, options=ConnectOptions(compress=False, timeout=120))),
        title="bench",
    )


def thread_rows(app: object) -> int:
    from tui.widgets.thread_list import ThreadList

    try:
        widget = app.screen.query_one(ThreadList)  # type: ignore[attr-defined]
    except Exception:
        return 0
    return int(widget.row_count)


class FrameClock:
    """Times key-to-repaint: from handing a key to the driver to the end of the next frame written.

    Pilot.press() also waits for the CPU to idle, which adds tens of ms that a user
    does not see; this wraps App._display (called once a frame is composed) instead.
    """

    def __init__(self, app: object) -> None:
        self.last = 0.0
        original = app._display  # type: ignore[attr-defined]

        def display(screen: object, update: object) -> None:
            original(screen, update)
            self.last = time.perf_counter()

        app._display = display  # type: ignore[attr-defined]

    async def press(self, app: object, key: str, timeout: float = 2.0) -> float:
        from textual import events

        t0 = time.perf_counter()
        event = events.Key(key, None)
        event.set_sender(app)  # type: ignore[arg-type]
        app._driver.send_message(event)  # type: ignore[attr-defined]
        while self.last < t0 and time.perf_counter() - t0 < timeout:
            await asyncio.sleep(0.0005)
        return self.last - t0


class PeakRss:
    """Samples this process's resident size every 10 ms; ``peak()`` gives the highest since the last call.

    ru_maxrss is one peak for the whole run; this tells the cold entry from the warm one.
    """

    def __init__(self) -> None:
        self._peak = 0
        self._page = os.sysconf("SC_PAGE_SIZE")
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        with open("/proc/self/statm") as statm:
            while True:
                statm.seek(0)
                self._peak = max(self._peak, int(statm.read().split()[1]) * self._page)
                time.sleep(0.01)

    def peak(self) -> float:
        peak, self._peak = self._peak, 0
        return peak / 2**20

    def release(self) -> None:
        """Between runs: hand the last app's freed heap back, so the next peak is that app's own."""
        gc.collect()
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        time.sleep(0.05)
        self.peak()


async def enter(address: str, store: Path, group: str, scroll_keys: int = 0, linger: float = 0.0) -> dict[str, float]:
    """Start the app on the group list, then Enter ``group``; time first rows, full load, scrolling, quitting."""
    app = make_app(address, store, group)
    return await drive(app, group, scroll_keys, linger)


async def drive(app: object, group: str, scroll_keys: int = 0, linger: float = 0.0) -> dict[str, float]:
    """Times from Enter on the group (the group list's own call) as the issue defines the entry.

    ``linger``: seconds the reader stays on the list before quitting (the store settles meanwhile).
    """
    first = done = 0.0
    latencies: list[float] = []
    rows = 0
    async with app.run_test(size=(120, 36)) as pilot:  # type: ignore[attr-defined]
        clock = FrameClock(app)
        while not getattr(app.screen, "_loaded", False):  # type: ignore[attr-defined]
            await asyncio.sleep(0.005)  # the group list is up (connected, LIST done)
        await pilot.pause()
        t0 = time.perf_counter()
        app.open_group(group)  # type: ignore[attr-defined]  # what Enter on the group does
        while time.perf_counter() - t0 < 120:
            await asyncio.sleep(0.005)
            if thread_rows(app) and not first:
                first = time.perf_counter() - t0
            screen = app.screen  # type: ignore[attr-defined]
            if getattr(screen, "loaded", False):
                done = time.perf_counter() - t0
                break
        await pilot.pause()
        rows = thread_rows(app)
        for i in range(scroll_keys):
            latencies.append(await clock.press(app, "j" if i % 40 < 30 else "pagedown"))
            await asyncio.sleep(0.02)  # a typist's pace: the next key after the frame
        await asyncio.sleep(linger)
        quitting = time.perf_counter()
    quit_s = time.perf_counter() - quitting  # leaving run_test closes the app and its store
    result = {"first_rows_s": first, "complete_s": done, "rows": rows, "quit_s": quit_s}
    if latencies:
        result["key_median_ms"] = statistics.median(latencies) * 1000
        result["key_p95_ms"] = sorted(latencies)[int(len(latencies) * 0.95)] * 1000
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=150_000)
    args = parser.parse_args()
    from bench.big_group import add_articles, start_big_server
    from bench.entry_bench import phase_socket

    print(f"loading {args.count:,} articles into a private INN2 ...", flush=True)
    server, seconds = start_big_server(args.count, GROUP)
    try:
        with tempfile.TemporaryDirectory(prefix="pith-tui-bench-") as tmp:
            store = Path(tmp) / "store.sqlite3"
            floor = min(phase_socket(server.host, server.port, args.count)["seconds"] for _ in range(3))
            rss = PeakRss()
            cold = asyncio.run(enter(server.address, store, GROUP))
            cold_mb = rss.peak()
            store.unlink()  # once more from cold, this time reading for a while before quitting
            for suffix in ("-wal", "-shm"):
                Path(f"{store}{suffix}").unlink(missing_ok=True)
            reading = asyncio.run(enter(server.address, store, GROUP, linger=READING_S))
            add_articles(server, GROUP, 100, "tuiwarm")
            rss.release()
            warm = asyncio.run(enter(server.address, store, GROUP, scroll_keys=200))
            warm_mb = rss.peak()
        whole_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        server.stop()
    print(f"loaded in {seconds:.1f} s\n{GROUP}: {warm['rows']:,} rows in the thread view")
    print(f"  bare socket OVER of the group (the raw cost, best of 3): {floor:.2f} s")
    print(f"  cold: first rows on screen  {cold['first_rows_s']:6.2f} s   (target < 1.5 s)")
    print(f"  cold: complete list         {cold['complete_s']:6.2f} s   (slrn 5.5 s, tin 4.5 s)")
    print(f"  cold: quit at once          {cold['quit_s']:6.2f} s   (the store settles what it fetched)")
    print(f"  cold: quit after {READING_S:.0f} s reading {reading['quit_s']:6.2f} s   (settled in the background meanwhile)")
    print(f"  warm (+100 new): first rows {warm['first_rows_s']:6.2f} s   (target < 0.5 s)")
    print(f"  warm: complete list         {warm['complete_s']:6.2f} s")
    print(f"  key-to-repaint while scrolling: median {warm['key_median_ms']:.1f} ms, "
          f"p95 {warm['key_p95_ms']:.1f} ms   (target median < 16 ms)")
    print(f"  peak RSS: cold entry {cold_mb:.0f} MB, warm entry {warm_mb:.0f} MB, whole run {whole_mb:.0f} MB"
          "   (target < 200 MB; slrn 95 MB, tin 69 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
