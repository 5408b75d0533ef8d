"""The scripting CLI's JSON on a big group, side by side with a bare socket reading the same OVER.

Prints figures (no pass/fail), in one run: the time a bare socket needs for
``OVER 1-N`` (the floor), then ``pith threads GROUP --json``, ``threads --jsonl``,
``score --json`` and ``score --jsonl``, each as its own process writing to a file:
wall time, CPU time (user + system: steadier than wall time on a busy machine),
output size and the child's peak RSS (``os.wait4``'s rusage). The first
``threads --json`` runs on an empty store (cold: fetch, store, thread, score,
write); the rest on the store it left (warm: what the output itself costs).
The issue 17 target is ``threads --json`` and ``score --json`` <= 3x the socket.

    .venv/bin/python bench/json_bench.py [--count 150000] [--runs 3] [--server HOST:PORT]
                                         [--only "threads --json" ...] [--no-cold]

Without ``--server`` it starts a private INN2 with the generated group (needs root
and ../shared, see bench/big_group.py); with it, it uses that server's local.big.
``--only`` keeps the named commands (the targets are "threads --json" and
"score --json"); ``--no-cold`` fills the store without timing it (a cold run
measures fetching, which is not the writers' cost).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.entry_bench import GROUP, phase_socket  # noqa: E402

COMMANDS = {
    "threads --json": ["threads", GROUP, "--json"],
    "threads --jsonl": ["threads", GROUP, "--jsonl"],
    "score --json": ["score", GROUP, "--json"],
    "score --jsonl": ["score", GROUP, "--jsonl"],
}


def run_pith(address: str, argv: list[str], home: Path) -> dict[str, float]:
    """One ``pith`` process with its own XDG directories; wall time, output bytes, peak RSS (MB)."""
    env = {**os.environ, **{f"XDG_{kind}_HOME": str(home / kind.lower()) for kind in ("DATA", "CONFIG", "STATE",
                                                                                       "CACHE")}}
    target, errors = home / "out.json", home / "stderr.txt"
    with open(target, "wb") as out, open(errors, "wb") as err:
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(REPO / "main.py"), "--server", address, *argv, "--quiet"],
                                 stdout=out, stderr=err, env=env, cwd=REPO)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
    child.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"pith {' '.join(argv)} exited {code}: {errors.read_text(errors='replace')[-500:]}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "bytes": target.stat().st_size,
            "rss_mb": usage.ru_maxrss / 1024}


def measure(address: str, count: int, runs: int, only: list[str] | None = None, cold: bool = True) -> None:
    host, port = address.rsplit(":", 1)
    sockets = [phase_socket(host, int(port), count)["seconds"] for _ in range(runs)]
    floor = statistics.median(sockets)
    print(f"bare socket OVER 1-{count} ({GROUP}): {floor:6.2f} s (median of {runs})")
    home = Path(tempfile.mkdtemp(prefix="pith-json-bench-"))
    try:
        first = run_pith(address, COMMANDS["threads --json"], home)
        if cold:
            report("threads --json, cold store", first, floor)
        for name, argv in COMMANDS.items():
            if only and name not in only:
                continue
            results = [run_pith(address, argv, home) for _ in range(runs)]
            best = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
            report(f"{name}, warm store", best, floor)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def report(name: str, result: dict[str, float], floor: float) -> None:
    print(f"  {name:<28} {result['seconds']:6.2f} s  ({result['seconds'] / floor:4.1f}x the socket)  "
          f"cpu {result['cpu']:5.2f} s  {result['bytes'] / 1e6:5.1f} MB out  peak RSS {result['rss_mb']:4.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server", metavar="HOST:PORT", help="a server that already holds local.big")
    parser.add_argument("--only", action="append", choices=list(COMMANDS), metavar="COMMAND",
                        help="time only this command (repeatable): " + ", ".join(COMMANDS))
    parser.add_argument("--no-cold", dest="cold", action="store_false", help="do not report the cold first run")
    args = parser.parse_args()
    if args.server:
        measure(args.server, args.count, args.runs, args.only, args.cold)
        return 0
    from bench.big_group import start_big_server

    print(f"loading {args.count:,} articles into a private INN2 ...", flush=True)
    server, load_seconds = start_big_server(args.count, GROUP)
    try:
        print(f"loaded in {load_seconds:.1f} s; server {server.address}\n")
        measure(f"{server.host}:{server.port}", args.count, args.runs, args.only, args.cold)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
