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
import os
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


def make_app(address: str, store: Path, group: str, start: bool = False) -> object:
    """The reader on ``store``; ``start``: opened straight into ``group``, as ``pith read GROUP`` is."""
    from nntp.client import NNTPClient, ServerAddress
    from nntp.connect import ConnectOptions
    from store.cache import Store
    from store.library import Library
    from tui.app import PithApp

    parsed = ServerAddress.parse(address)
    return PithApp(
        lambda: Library(Store(store), lambda: NNTPClient(parsed, options=ConnectOptions(compress=False, timeout=120))),
        title="bench", start_group=group if start else None,
    )


def process_age() -> float:
    """Seconds since this process was started (the kernel's start time, in 10 ms ticks): the clock of a
    launch, which includes the interpreter's start and every import."""
    ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
    return time.clock_gettime(time.CLOCK_BOOTTIME) - ticks / os.sysconf("SC_CLK_TCK")


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
    It also notes the end of the first frame that had thread rows (``first_rows``): made
    before the app runs, it sees a first screen that comes before the Pilot's first turn.
    """

    def __init__(self, app: object) -> None:
        self.last = self.first_rows = 0.0
        original = app._display  # type: ignore[attr-defined]

        def display(screen: object, update: object) -> None:
            original(screen, update)
            self.last = time.perf_counter()
            if not self.first_rows and thread_rows(app):
                self.first_rows = self.last

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


async def enter(address: str, store: Path, group: str, scroll_keys: int = 0, linger: float = 0.0,
                limit: float = 120.0) -> dict[str, float]:
    """Start the app on the group list, then Enter ``group``; time first rows, full load, scrolling, quitting."""
    app = make_app(address, store, group)
    return await drive(app, group, scroll_keys, linger, limit)


async def launched(address: str, store: Path, group: str, scroll_keys: int = 0,
                   limit: float = 120.0) -> dict[str, float]:
    """The reader opened straight into ``group`` (``pith read GROUP``), timed from this process's start."""
    launched_at = time.perf_counter() - process_age()
    app = make_app(address, store, group, start=True)
    return await drive(app, group, scroll_keys, limit=limit, launched_at=launched_at)


async def drive(app: object, group: str, scroll_keys: int = 0, linger: float = 0.0, limit: float = 120.0,
                launched_at: float | None = None) -> dict[str, float]:
    """Times from Enter on the group (the group list's own call) as the issue defines the entry, or, given
    ``launched_at`` (a perf_counter reading), from then, with the app opening the group itself.

    ``linger``: seconds the reader stays on the list before quitting (the store compacts what it fetched meanwhile).
    ``limit``: seconds to wait for the complete list (``complete_s`` stays 0 when it is not there by then).
    The figures are also printed as a JSON line before quitting, for a parent that may cut a long quit off.
    """
    clock = FrameClock(app)
    async with app.run_test(size=(120, 36)) as pilot:  # type: ignore[attr-defined]
        if launched_at is None:
            t0 = await open_from_list(app, pilot, group)
            result: dict[str, float] = {}
        else:
            t0 = launched_at
            result = {"app_s": time.perf_counter() - t0}
        result |= await until_complete(app, t0, limit, clock)
        await pilot.pause()
        result["rows"] = thread_rows(app)
        result |= key_figures([await scroll_key(app, clock, i) for i in range(scroll_keys)])
        print(json.dumps(result | {"peak_mb": peak_mb()}), flush=True)
        await asyncio.sleep(linger)
        quitting = time.perf_counter()
    result["quit_s"] = time.perf_counter() - quitting  # leaving run_test closes the app and its store
    return result


async def open_from_list(app: object, pilot: object, group: str) -> float:
    """Wait for the group list, then do what Enter on ``group`` does; -> the perf_counter of the Enter."""
    while not getattr(app.screen, "_loaded", False):  # type: ignore[attr-defined]
        await asyncio.sleep(0.005)  # the group list is up (connected, LIST done)
    await pilot.pause()  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    app.open_group(group)  # type: ignore[attr-defined]
    return t0


async def until_complete(app: object, t0: float, limit: float, clock: FrameClock) -> dict[str, float]:
    """Seconds from ``t0`` to the first frame with rows and to the complete (threaded, scored) list, and
    the process's CPU seconds (every thread's, steadier than wall time on a busy machine) at the latter."""
    done = cpu = 0.0
    while time.perf_counter() - t0 < limit:
        await asyncio.sleep(0.005)
        if getattr(app.screen, "loaded", False):  # type: ignore[attr-defined]
            done, cpu = time.perf_counter() - t0, time.process_time()
            break
    await asyncio.sleep(0.05)  # the frame that shows the list, when it was also the first with rows
    return {"first_rows_s": clock.first_rows - t0 if clock.first_rows else 0.0, "complete_s": done,
            "complete_cpu_s": cpu}


async def scroll_key(app: object, clock: FrameClock, i: int) -> float:
    """One key of a reader moving down the list (of every 40 keys, 30 j then 10 PageDown); its latency."""
    latency = await clock.press(app, "j" if i % 40 < 30 else "pagedown")
    await asyncio.sleep(0.02)  # a typist's pace: the next key after the frame
    return latency


def key_figures(latencies: list[float]) -> dict[str, float]:
    """Median and 95th percentile of key-to-repaint, in ms (nothing without keys)."""
    if not latencies:
        return {}
    return {"key_median_ms": statistics.median(latencies) * 1000,
            "key_p95_ms": sorted(latencies)[int(len(latencies) * 0.95)] * 1000}


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_entry(address: str, store: Path, mode: str, tree: Path = REPO, group: str = GROUP, *,
              launch: bool = False, limit: float | None = None, keys: int | None = None,
              timeout: float | None = None) -> dict[str, float]:
    """One entry in a fresh process, as a user starts pith: its results and the process's own peak RSS.

    Each entry runs in its own interpreter so that its peak is pith's alone, not
    the bench's (the socket floor's 150,000 split lines) or an earlier app's heap.
    ``tree``: the pith to run (its own bench/tui_bench.py drives it), for before and after in one run.
    ``launch``, ``limit``, ``keys``: see ``child``; they and a ``group`` other than local.big are passed
    only when given, so that an older tree's bench, which knows none of them, still runs the default.
    ``timeout``: seconds before the process is ended; its figures are then those it printed before
    quitting, with ``cut_off`` set (a million-article store can take minutes to close).
    """
    command = [sys.executable, str(tree / "bench" / "tui_bench.py"), "--entry", mode, "--address", address,
               "--store", str(store), *entry_options(group, launch, limit, keys)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as stopped:
        return last_figures(stopped.stdout or b"", command) | {"cut_off": 1.0}
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return last_figures(done.stdout, command)


def entry_options(group: str, launch: bool, limit: float | None, keys: int | None) -> list[str]:
    """The child's options that differ from its defaults."""
    options = ["--group", group] if group != GROUP else []
    options += ["--launch"] if launch else []
    options += ["--limit", str(limit)] if limit is not None else []
    return options + (["--keys", str(keys)] if keys is not None else [])


def last_figures(stdout: str | bytes, command: list[str]) -> dict[str, float]:
    """The last JSON line a child printed (empty when it printed none)."""
    text = stdout.decode(errors="replace") if isinstance(stdout, bytes) else stdout
    lines = [line for line in text.splitlines() if line.startswith("{")]
    return dict(json.loads(lines[-1])) if lines else {}


def child(mode: str, address: str, store: Path, group: str = GROUP, launch: bool = False,
          limit: float = 120.0, keys: int | None = None) -> int:
    """The child side of ``run_entry``: prints one JSON line (two: the figures before quitting too).

    ``launch``: opened straight into the group and timed from the process's start, instead of from
    Enter on the group list. ``keys``: scroll keys after the list is complete (default: 200 warm, else 0).
    """
    keys = (200 if mode == "warm" else 0) if keys is None else keys
    if launch:
        result = asyncio.run(launched(address, store, group, scroll_keys=keys, limit=limit))
    else:
        linger = READING_S if mode == "reading" else 0.0
        result = asyncio.run(enter(address, store, group, scroll_keys=keys, linger=linger, limit=limit))
    result["peak_mb"] = peak_mb()
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
    parser.add_argument("--group", default=GROUP, help=argparse.SUPPRESS)
    parser.add_argument("--launch", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=float, default=120.0, help=argparse.SUPPRESS)
    parser.add_argument("--keys", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.entry:
        return child(args.entry, args.address, args.store, args.group, args.launch, args.limit, args.keys)
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
    print(f"  cold: quit at once          {cold['quit_s']:6.2f} s   (what it fetched is stored as it came)")
    print(f"  cold: quit after {READING_S:.0f} s reading {reading['quit_s']:6.2f} s   (compacted in the background meanwhile)")
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
