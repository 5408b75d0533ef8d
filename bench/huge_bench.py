"""Issue 17's figures for one big group on a running server, side by side in one run.

Prints figures (no pass/fail; the issue's targets beside them), each measured in a
fresh process:
a bare socket reading the whole group's OVER (the floor, best and median of
``--runs``); the reader opened straight into the group (``pith read GROUP``) and
driven by Textual's Pilot on a 120x36 screen, timed from its process's start to
the first rows and to the complete threaded, scored list, with its peak RSS and
key-to-repaint while scrolling (median, 95th percentile), on an empty store (cold)
and again on the store that left (warm, nothing new on the server); then the
scripting CLI with its own XDG directories: ``pith sync GROUP`` (cold, fills the
store) and ``pith threads GROUP --json`` on that store (``--threads-runs`` times;
warm), wall and CPU seconds, output size and peak RSS. Each of those runs is
preceded by one more bare-socket read, and its seconds are also given as a ratio to
that read: on a shared machine whose load changes by the minute, a ratio to a floor
read just before is steadier than one to a floor read minutes apart. The load
average is printed at the start and end: the figures of a busy machine are not
those of an idle one.

    .venv/bin/python bench/huge_bench.py --server HOST:PORT [--group local.huge] [--tree DIR ...]

The server must already hold the group (bench/big_group.py load_group, or
../shared/nntp-server/make-biggroup.py --load). ``--tree DIR``: a pith to measure
(default: this one), repeatable for before and after in one run: a git archive of
another commit, compiled in place, with this bench/ copied in (its own
bench/tui_bench.py drives its reader).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.entry_bench import run_phase  # noqa: E402
from bench.launch import private_dirs  # noqa: E402
from bench.tui_bench import run_entry  # noqa: E402

Figures = dict[str, float]
RATIOS = ("first_rows_s", "complete_s", "seconds")
"""The figures also given as a ratio to the bare-socket read made just before their run."""
TARGETS = {
    "local.huge": "first screen < 1 s, complete list <= 2x raw OVER, peak RSS < 300 MB, scroll median < 16 ms",
    "local.big": "launch to complete list <= 2x raw OVER, warm < 0.8 s, peak RSS <= 100 MB",
}


def socket_floor(address: str, group: str, runs: int) -> list[Figures]:
    """``runs`` bare-socket reads of the group's whole OVER, each in its own process."""
    host, port = address.rsplit(":", 1)
    return [run_phase("socket", host, port, "0", group) for _ in range(runs)]


def beside_floor(address: str, group: str, measure: Callable[[], Figures]) -> Figures:
    """``measure()``'s figures with ``floor_s``, a bare-socket read of the group just before, and their ratios
    to it (``NAME_x``): on a machine whose load changes from minute to minute, a ratio to a read made just
    before is steadier than one to a read made minutes apart."""
    floor = socket_floor(address, group, 1)[0]["seconds"]
    figures = measure()
    return figures | {"floor_s": floor} | {f"{name}_x": figures[name] / floor for name in RATIOS if figures.get(name)}


def reader(address: str, group: str, tree: Path, tmp: Path, limit: float, keys: int,
           runs: int) -> dict[str, list[Figures]]:
    """The reader launched into ``group``: ``runs`` times on an empty store (cold), then ``runs`` times on
    the store the first of those left (warm)."""

    def entry(mode: str, store: Path) -> Figures:
        return beside_floor(address, group, lambda: run_entry(address, store, mode, tree, group, launch=True,
                                                              limit=limit, keys=keys, timeout=limit + 300))

    cold = [entry("cold", tmp / f"store{i}.sqlite3") for i in range(runs)]
    return {"cold": cold, "warm": [entry("warm", tmp / "store0.sqlite3") for _ in range(runs)]}


def median_figures(results: list[Figures]) -> Figures:
    """Each figure's median over the runs (a run that lacks one, cut off before it, does not count)."""
    names = {name for result in results for name in result}
    return {name: statistics.median([r[name] for r in results if name in r]) for name in names}


def run_pith(tree: Path, address: str, argv: list[str], home: Path) -> Figures:
    """One ``pith`` process with ``home``'s XDG directories: wall and CPU seconds, output bytes, peak RSS."""
    target, errors = home / "out.json", home / "stderr.txt"
    command = [sys.executable, str(tree / "main.py"), "--server", address, *argv, "--quiet"]
    with open(target, "wb") as out, open(errors, "wb") as err:
        t0 = time.perf_counter()
        child = subprocess.Popen(command, stdout=out, stderr=err, env=os.environ | private_dirs(home), cwd=tree)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
    child.returncode = code = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
    if code != 0:
        raise SystemExit(f"pith {' '.join(argv)} exited {code}: {errors.read_text(errors='replace')[-500:]}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "bytes": target.stat().st_size,
            "rss_mb": usage.ru_maxrss / 1024}


def scripting(address: str, group: str, tree: Path, home: Path, runs: int) -> dict[str, Figures]:
    """``pith sync GROUP`` on an empty store, then ``threads GROUP --json`` on it ``runs`` times."""
    home.mkdir(parents=True, exist_ok=True)
    commands = {"sync": ["sync", group]} | {f"threads {i + 1}": ["threads", group, "--json"] for i in range(runs)}
    return {name: beside_floor(address, group, partial(run_pith, tree, address, argv, home))
            for name, argv in commands.items()}


def commit_of(tree: Path) -> str:
    """The tree's commit: git's, or the COMMIT file a copied archive carries, or 'unknown'."""
    done = subprocess.run(["git", "-C", str(tree), "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    if done.returncode == 0 and done.stdout.strip():
        return done.stdout.strip()[:100]
    marker = tree / "COMMIT"
    return marker.read_text().strip() if marker.is_file() else "unknown"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def seconds(f: Figures, name: str) -> str:
    """Figure ``name`` in seconds and its ratio to the socket read beside it; a 0 (never reached) says so."""
    value = f.get(name, 0.0)
    return f"{value:7.2f} s ({f[name + '_x']:4.1f}x)" if value else "    never       "


def reader_lines(figures: dict[str, list[Figures]], limit: float) -> list[str]:
    lines = [f"  {'':<6} {'first screen':>18} {'complete list':>18} {'its cpu':>8} {'peak RSS':>9} "
             f"{'scroll median/p95':>18} {'started':>8} {'quit':>7}"]
    for mode, runs in figures.items():
        f = median_figures(runs)
        keys = f"{f['key_median_ms']:5.1f}/{f['key_p95_ms']:.1f} ms" if "key_median_ms" in f else "-"
        lines.append(f"  {mode:<6} {seconds(f, 'first_rows_s'):>18} "
                     f"{seconds(f, 'complete_s'):>18} {f.get('complete_cpu_s', 0):6.2f} s "
                     f"{f.get('peak_mb', 0):6.0f} MB {keys:>18} {f.get('app_s', 0):6.2f} s {f.get('quit_s', 0):5.1f} s")
        lines += [f"         {note}" for note in run_notes(runs, limit)]
    return lines


def run_notes(runs: list[Figures], limit: float) -> list[str]:
    """What the medians hide: runs that never showed the complete list, or were ended while quitting."""
    notes = []
    if missing := sum(1 for f in runs if not f.get("complete_s")):
        notes.append(f"({missing} of {len(runs)} runs had no complete list after {limit:.0f} s)")
    if ended := sum(1 for f in runs if f.get("cut_off")):
        notes.append(f"({ended} of {len(runs)} runs ended {limit + 300:.0f} s after the start, quitting: "
                     "no quit figure)")
    return notes


def scripting_lines(figures: dict[str, Figures]) -> list[str]:
    lines = []
    for name, f in figures.items():
        label = "pith sync GROUP (cold store)" if name == "sync" else f"pith threads GROUP --json, run {name[-1]}"
        lines.append(f"  {label:<36} {seconds(f, 'seconds')}  cpu {f['cpu']:6.2f} s  "
                     f"{f['bytes'] / 1e6:6.1f} MB out  peak RSS {f['rss_mb']:5.0f} MB")
    return lines


def socket_line(group: str, sockets: list[Figures]) -> str:
    times = sorted(s["seconds"] for s in sockets)
    return (f"bare socket OVER of {group} (each a fresh process): best {times[0]:.2f} s, median "
            f"{times[len(times) // 2]:.2f} s of {len(times)} ({int(sockets[0]['lines']):,} lines, "
            f"{sockets[0]['bytes'] / 1e6:.1f} MB)")


def tree_lines(args: argparse.Namespace, tree: Path, entries: dict[str, list[Figures]],
               cli: dict[str, Figures]) -> list[str]:
    """The figures of one pith tree; ratios to the socket reads made beside its runs."""
    return [f"== pith {tree} ({commit_of(tree)}); ratios (x) are to one more bare-socket read made just before "
            f"each run (their median: {statistics.median(floors(entries, cli)):.2f} s)",
            "reader opened straight into the group (pith read GROUP; Pilot, 120x36), from its process's start, "
            f"median of {args.reader_runs}; {args.keys} scroll keys after the complete list; "
            "warm = same store, nothing new on the server:",
            *reader_lines(entries, args.limit),
            "scripting CLI, own XDG dirs (sync fills the store, threads --json reads it):",
            *scripting_lines(cli)]


def floors(entries: dict[str, list[Figures]], cli: dict[str, Figures]) -> list[float]:
    """The socket reads made beside the runs."""
    return [f["floor_s"] for runs in entries.values() for f in runs] + [f["floor_s"] for f in cli.values()]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", required=True, metavar="HOST:PORT", help="a server that holds the group")
    parser.add_argument("--group", default="local.huge")
    parser.add_argument("--tree", type=Path, action="append",
                        help="a pith to measure (default: this one); repeat it for before and after in one run")
    parser.add_argument("--runs", type=int, default=3, help="bare-socket reads (default 3)")
    parser.add_argument("--reader-runs", type=int, default=1,
                        help="reader entries, cold and warm each (default 1: a million-article entry takes minutes)")
    parser.add_argument("--threads-runs", type=int, default=2, help="threads --json runs after sync (default 2)")
    parser.add_argument("--limit", type=float, default=600.0,
                        help="seconds a reader entry may take to its complete list (default 600)")
    parser.add_argument("--keys", type=int, default=200, help="scroll keys per reader entry (default 200)")
    parser.add_argument("--save", type=Path, metavar="FILE", help="also write every figure as JSON to FILE")
    args = parser.parse_args()
    if ":" not in args.server or not args.server.rsplit(":", 1)[1].isdigit():
        parser.error(f"--server {args.server!r}: expected HOST:PORT")
    args.tree = [tree.resolve() for tree in args.tree or [REPO]]
    for tree in args.tree:
        if not (tree / "main.py").is_file() or not (tree / "bench" / "tui_bench.py").is_file():
            parser.error(f"--tree {tree}: no main.py and bench/tui_bench.py there")
    return args


def measure(args: argparse.Namespace, tree: Path) -> dict[str, object]:
    """Every run of one pith tree: the reader's entries, then the CLI's."""
    with tempfile.TemporaryDirectory(prefix="pith-huge-bench-") as tmp:
        entries = reader(args.server, args.group, tree, Path(tmp), args.limit, args.keys, args.reader_runs)
        print(f"after the reader: {load_average()}", flush=True)
        cli = scripting(args.server, args.group, tree, Path(tmp) / "cli", args.threads_runs)
    print("\n".join(tree_lines(args, tree, entries, cli)), flush=True)
    return {"commit": commit_of(tree), "reader": entries, "cli": cli}


def main() -> int:
    args = parse_args()
    print(f"{args.group} on {args.server}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
          f"at the start: {load_average()}", flush=True)
    sockets = socket_floor(args.server, args.group, args.runs)
    print(socket_line(args.group, sockets), flush=True)
    figures = {str(tree): measure(args, tree) for tree in args.tree}
    if args.group in TARGETS:
        print(f"targets (issue 17, {args.group}): {TARGETS[args.group]}")
    print(f"at the end: {load_average()}")
    if args.save:
        args.save.write_text(json.dumps({"socket": sockets, "trees": figures}, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
