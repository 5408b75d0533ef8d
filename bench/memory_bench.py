"""Peak memory beside a big group: ``threads --json``, ``score --json`` and the reader's entry, beside slrn.

Prints figures (no pass/fail). Each measurement is its own child process, and
its peak RSS is that child's ``ru_maxrss`` (``os.wait4``'s resource usage, the
``resource.getrusage`` figure of that one child): ``pith threads GROUP --json``
and ``pith score GROUP --json`` on a warm store, and entering the group as the
reader does (``app.groupview.GroupView.enter`` over a ``LibraryHandle``, the
first screen made from the first records, the result taken in as the screen
takes it) without Textual, so the figure is pith's own data. The store is
filled first by one cold ``threads --json``. The issue 17 target is <= 100 MB;
slrn 1.0.3 peaked at 94.7 MB on the same 150,000-article group (the reference
line printed beside the figures).

    .venv/bin/python bench/memory_bench.py [--count 150000] [--server HOST:PORT] [--before DIR]

``--before DIR`` also runs every measurement with the pith in DIR (say, a
``git archive`` of an older commit with its compiled helper copied in), on the
same store, interleaved, for before and after in one run (a tree whose store format
differs converts the store on its first entry, which then counts in its figure).
``--entry-only`` measures only the reader's entry, with its seconds and the child's
own ``VmHWM``. Without ``--server``
it starts a private INN2 with the generated group (needs root and ../shared,
see bench/big_group.py).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GROUP = "local.big"
SLRN_MB = 94.7
"""slrn 1.0.3's peak RSS on local.big (150,000 articles), from issue 17's table."""
COMMANDS = {"threads --json": ["threads", GROUP, "--json"], "score --json": ["score", GROUP, "--json"]}


def environment(home: Path) -> dict[str, str]:
    """The children's XDG directories, so the store is the bench's own."""
    kinds = ("DATA", "CONFIG", "STATE", "CACHE")
    return {**os.environ, **{f"XDG_{kind}_HOME": str(home / kind.lower()) for kind in kinds}}


def peak_of(argv: list[str], home: Path, cwd: Path) -> float:
    """Run ``argv`` as a child with output to /dev/null; -> its peak RSS in MB (exits on failure)."""
    return run_child(argv, home, cwd, os.devnull)[0]


def run_child(argv: list[str], home: Path, cwd: Path, output: str | Path | None = None) -> tuple[float, str]:
    """Run ``argv`` as a child; -> (its peak RSS in MB, what it printed) (exits on failure).

    Only a short output may be read back: a fork copies the parent's high-water mark into the child's
    ``ru_maxrss``, so a parent that once held threads --json's 70 MB would inflate every later figure."""
    errors, output = home / "stderr.txt", output or home / "stdout.txt"
    with open(output, "wb") as out, open(errors, "wb") as err:
        child = subprocess.Popen(argv, stdout=out, stderr=err, env=environment(home), cwd=cwd)
        _, status, usage = os.wait4(child.pid, 0)
    child.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"{' '.join(argv)} exited {code}: {errors.read_text(errors='replace')[-500:]}")
    return usage.ru_maxrss / 1024, "" if output == os.devnull else Path(output).read_text(errors="replace")


def pith(tree: Path, address: str, args: list[str]) -> list[str]:
    return [sys.executable, str(tree / "main.py"), "--server", address, *args, "--quiet"]


def enter_child(tree: Path, address: str) -> list[str]:
    return [sys.executable, str(REPO / "bench" / "memory_bench.py"), "--enter-child", str(tree),
            "--server", address]


def measure(address: str, trees: dict[str, Path], entry_only: bool = False) -> None:
    """Fill a store once (cold), then each measurement with each tree, side by side."""
    home = Path(tempfile.mkdtemp(prefix="pith-memory-bench-"))
    try:
        first = next(iter(trees.values()))
        cold = peak_of(pith(first, address, COMMANDS["threads --json"]), home, first)
        print(f"  {'threads --json, cold store':<34} {cold:6.1f} MB  ({next(iter(trees))})")
        for name, argv in {} if entry_only else COMMANDS.items():
            for label, tree in trees.items():
                report(f"{name}, warm", label, peak_of(pith(tree, address, argv), home, tree))
        for label, tree in trees.items():
            peak, said = run_child(enter_child(tree, address), home, tree)
            seconds, entered, closed = (float(word) for word in said.split()[:3])
            report("reader's entry (GroupView.enter)", label, peak,
                   f", {seconds:.2f} s; VmHWM {entered:.1f} MB entered, {closed:.1f} MB once closed")
        print(f"  {'slrn 1.0.3 (reference, issue 17)':<34} {SLRN_MB:6.1f} MB")
    finally:
        shutil.rmtree(home, ignore_errors=True)


def report(name: str, label: str, mb: float, more: str = "") -> None:
    print(f"  {name:<34} {mb:6.1f} MB  ({label}{more})", flush=True)


def high_water_mb() -> float:
    """This process's peak RSS so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_entry(tree: Path, address: str) -> None:
    """In the child: enter GROUP as the reader does, with ``tree``'s pith and no Textual; prints its seconds
    and its high-water mark in MB, entered and once the library is closed."""
    sys.path.insert(0, str(tree))
    import time

    from app.backend import LibraryHandle
    from app.groupview import GroupView
    from killfile import session
    from nntp.models import Overview
    from nntp.address import ServerAddress
    from nntp.client import NNTPClient
    from nntp.connect import ConnectOptions
    from store.cache import Store, store_path
    from store.library import Library
    from store.paths import config_dir, data_dir

    parsed = ServerAddress.parse(address)
    path = store_path(data_dir(), parsed.identity)
    handle = LibraryHandle(lambda: Library(Store(path), lambda: NNTPClient(parsed, options=ConnectOptions())))
    killfile = session.load(config_dir())
    model = GroupView(GROUP)
    firsts = []  # held, as the screen holds the first screen's rows until the whole list is in

    def early(records: list[Overview]) -> None:
        firsts.append(model.first_screen(records, lambda: killfile))

    start = time.perf_counter()
    result = model.enter(handle, lambda: killfile, early=early)
    if result is None:
        raise SystemExit("entering was cancelled")
    model.entered(result, None, False)
    model.scores_changed(True)
    seconds, entered = time.perf_counter() - start, high_water_mb()
    handle.close()
    print(f"{seconds:.3f} {entered:.1f} {high_water_mb():.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=150_000)
    parser.add_argument("--server", metavar="HOST:PORT", help="a server that already holds local.big")
    parser.add_argument("--before", type=Path, metavar="DIR", help="also measure the pith in DIR")
    parser.add_argument("--entry-only", action="store_true", help="measure only the reader's entry")
    parser.add_argument("--enter-child", type=Path, metavar="TREE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.enter_child:
        run_entry(args.enter_child.resolve(), args.server)
        return 0
    trees = ({"before": args.before.resolve()} if args.before else {}) | {"now": REPO}
    if args.server:
        measure(args.server, trees, args.entry_only)
        return 0
    sys.path.insert(0, str(REPO))
    from bench.big_group import start_big_server

    print(f"loading {args.count:,} articles into a private INN2 ...", flush=True)
    server, load_seconds = start_big_server(args.count, GROUP)
    try:
        print(f"loaded in {load_seconds:.1f} s; server {server.address}\n")
        measure(f"{server.host}:{server.port}", trees, args.entry_only)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
