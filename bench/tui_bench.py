"""The reader as a user meets it: Enter on a big group to the first screen of threads.

Drives the real app (Textual's Pilot, a 120x36 screen) against a private INN2
holding a 150,000-article group, and prints figures (no pass/fail), timed from
Enter on the group in the group list:
cold entry (nothing cached) to the first rows on screen and to the complete list,
warm entry (cached, 100 new articles on the server), the median and 95th
percentile of key-to-repaint while scrolling, and the peak RSS of the pith
process: each entry runs in a fresh interpreter, as a user starts pith.
First, in the same run, launch to list (bench/launch.py): a 1,000-article group
opened from the command line in tmux, cold and warm, beside a Textual
hello-world's first paint (``--launch-only``: just that part).

    .venv/bin/python bench/tui_bench.py [--count 150000] [--launch-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import statistics
import sys
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

GROUP = "local.big"
SMALL_GROUP = "local.small"
SMALL_COUNT = 1_000
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


def run_entry(address: str, store: Path, mode: str, tree: Path = REPO) -> dict[str, float]:
    """One entry in a fresh process, as a user starts pith: its results and the process's own peak RSS.

    Each entry runs in its own interpreter so that its peak is pith's alone, not
    the bench's (the socket floor's 150,000 split lines) or an earlier app's heap.
    ``tree``: the pith to run (its own bench/tui_bench.py drives it), for before and after in one run.
    """
    script = tree / "bench" / "tui_bench.py"
    command = [sys.executable, str(script), "--entry", mode, "--address", address, "--store", str(store)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def child(mode: str, address: str, store: Path) -> int:
    """The child side of ``run_entry``: prints one JSON line."""
    linger = READING_S if mode == "reading" else 0.0
    keys = 200 if mode == "warm" else 0
    result = asyncio.run(enter(address, store, GROUP, scroll_keys=keys, linger=linger))
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=150_000)
    parser.add_argument("--launch-only", action="store_true", help="only launch to list (the 1,000-article group)")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="also time the pith in DIR (e.g. git archive of an earlier commit): launch to list, "
                             "and the big group's cold and warm entries")
    parser.add_argument("--entry", choices=("cold", "reading", "warm"), help=argparse.SUPPRESS)
    parser.add_argument("--address", help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.entry:
        return child(args.entry, args.address, args.store)
    from bench import launch
    from bench.big_group import add_articles, load_group, start_big_server
    from bench.entry_bench import phase_socket

    print(f"loading {SMALL_COUNT:,} articles into a private INN2 ...", flush=True)
    server, _seconds = start_big_server(SMALL_COUNT, SMALL_GROUP)
    try:
        trees = ({"before": args.before} if args.before else {}) | {"now": REPO}
        figures = launch.measure(server.address, SMALL_GROUP, trees)
        print(launch.report(figures, SMALL_GROUP, SMALL_COUNT), flush=True)
        if args.launch_only:
            return 0
        print(f"loading {args.count:,} articles ...", flush=True)
        seconds = load_group(server, args.count, GROUP)
        with tempfile.TemporaryDirectory(prefix="pith-tui-bench-") as tmp:
            store = Path(tmp) / "store.sqlite3"
            floor = min(phase_socket(server.host, server.port, args.count)["seconds"] for _ in range(3))
            cold = run_entry(server.address, store, "cold")
            before = {"cold": run_entry(server.address, Path(tmp) / "before.sqlite3", "cold", args.before)
                      } if args.before else {}
            store.unlink()  # once more from cold, this time reading for a while before quitting
            for suffix in ("-wal", "-shm"):
                Path(f"{store}{suffix}").unlink(missing_ok=True)
            reading = run_entry(server.address, store, "reading")
            add_articles(server, GROUP, 100, "tuiwarm")
            warm = run_entry(server.address, store, "warm")
            if args.before:
                before["warm"] = run_entry(server.address, Path(tmp) / "before.sqlite3", "warm", args.before)
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
    for mode, result in before.items():
        print(f"  before ({args.before}), {mode}: first rows {result['first_rows_s']:.2f} s, "
              f"complete list {result['complete_s']:.2f} s")
    print(f"  peak RSS of the pith process: cold entry {cold['peak_mb']:.0f} MB, cold entry read for "
          f"{READING_S:.0f} s {reading['peak_mb']:.0f} MB, warm entry and 200 keys {warm['peak_mb']:.0f} MB"
          "   (target < 200 MB; slrn 95 MB, tin 69 MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
