"""`pith sync` of a big group, side by side with a bare socket reading the same OVER ranges.

Prints figures (no pass/fail), in one run, each the median of ``--runs`` rounds
(the rounds interleave the phases, so a busy stretch of the machine weighs on all
alike): a bare socket reading ``OVER`` in the ranges pith uses (OVER_CHUNK
articles a command, two commands in flight; the floor), ``pith sync GROUP`` on a
fresh store (cold) and again on the store it left (warm: nothing new), and a
``pith`` process that starts and stops (``sync --help``: what start-up costs).
Each phase runs as its own process: wall time, CPU time (user + system, steadier
than wall time on a busy machine) and peak RSS (``os.wait4``'s rusage); pith's
bytecode is written once first (under the bench's temporary directory, even with
PYTHONDONTWRITEBYTECODE set), as an installed pith has it. The bare
socket's wall time counts from its connect (the figure issue 17 quotes); pith's
is the whole process, start-up included.
The issue 17 target: ``pith sync local.big`` cold <= 1.5x the socket.

    .venv/bin/python bench/sync_bench.py [--count 150000] [--runs 3] [--server HOST:PORT] [--before DIR]

Without ``--server`` it starts a private INN2 with the generated group (needs root
and ../shared, see bench/big_group.py); with it, it uses that server's local.big. ``--before DIR`` (a checkout of an
older pith, e.g. ``git worktree add /tmp/before REV``) adds its cold sync to each round.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntp.client import OVER_CHUNK  # noqa: E402
from nntp.quickack import quick_ack  # noqa: E402

GROUP = "local.big"
Figures = dict[str, float]


class Answers:
    """NNTP answers off a bare socket, inflated after COMPRESS DEFLATE: status lines, dot-terminated blocks."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buf = bytearray()
        self.inflate: Any = None
        self.deflate: Any = None

    def send(self, data: bytes) -> None:
        """Send, then acknowledge the answer at once, as pith does (nntp/quickack.py)."""
        if self.deflate is not None:
            data = self.deflate.compress(data) + self.deflate.flush(zlib.Z_SYNC_FLUSH)
        self.sock.sendall(data)
        quick_ack(self.sock)

    def compress(self) -> None:
        """COMPRESS DEFLATE (RFC 8054): from here on both ways are raw deflate."""
        self.send(b"COMPRESS DEFLATE\r\n")
        if not self.line().startswith(b"206"):
            raise SystemExit("the server refused COMPRESS DEFLATE")
        self.inflate, self.deflate = zlib.decompressobj(-15), zlib.compressobj(6, zlib.DEFLATED, -15)

    def _fill(self) -> None:
        chunk = self.sock.recv(1 << 18)
        if not chunk:
            raise EOFError("server closed the connection")
        self.buf += self.inflate.decompress(chunk) if self.inflate is not None else chunk

    def line(self) -> bytes:
        while (end := self.buf.find(b"\r\n")) < 0:
            self._fill()
        line = bytes(self.buf[:end])
        del self.buf[:end + 2]
        return line

    def block(self) -> int:
        """Skip one block (after its status line); -> its bytes."""
        searched = 0
        while True:
            if self.buf[:3] == b".\r\n":
                del self.buf[:3]
                return 0
            end = self.buf.find(b"\r\n.\r\n", max(0, searched - 4))
            if end >= 0:
                del self.buf[:end + 5]
                return end + 2
            searched = len(self.buf)
            self._fill()


def over_ranges(host: str, port: int, group: str, last: int, compress: bool = False) -> Figures:
    """The floor: OVER 1-last in pith's ranges, two in flight; each answer read to its end, nothing parsed."""
    ranges = [f"OVER {s}-{min(last, s + OVER_CHUNK - 1)}\r\n".encode() for s in range(1, last + 1, OVER_CHUNK)]
    t0 = time.perf_counter()
    total = 0
    with socket.create_connection((host, port)) as sock:
        answers = Answers(sock)
        answers.line()
        if compress:
            answers.compress()
        answers.send(f"GROUP {group}\r\n".encode() + b"".join(ranges[:2]))
        answers.line()
        for index in range(len(ranges)):
            if answers.line().startswith(b"224"):
                total += answers.block()
            if index + 2 < len(ranges):  # as pith does: the next command once an answer is in
                answers.send(ranges[index + 2])
        answers.send(b"QUIT\r\n")
    return {"seconds": time.perf_counter() - t0, "bytes": total}


def run_phase(*args: str) -> Figures:
    """The bare socket in a process of its own: its own figures plus the process's CPU and peak RSS."""
    child = subprocess.Popen([sys.executable, __file__, "--phase", *args], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    out = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bare socket phase failed: {out[-500:]}")
    return {**json.loads(out.strip().splitlines()[-1]), "cpu": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024}


def run_pith(argv: list[str], home: Path, data: Path, tree: Path = REPO) -> Figures:
    """One ``pith`` process of ``tree`` (config in ``home``, store in ``data``): wall, CPU, peak RSS; stdout kept."""
    env = {**os.environ, "XDG_DATA_HOME": str(data), **{f"XDG_{kind}_HOME": str(home / kind.lower())
                                                         for kind in ("CONFIG", "STATE", "CACHE")}}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed pith has its bytecode: so does this one,
    env["PYTHONPYCACHEPREFIX"] = str(home / "pycache")  # kept out of the tree (a warm-up run writes it)
    data.mkdir(parents=True, exist_ok=True)
    errors = data / "stderr.txt"
    with open(data / f"stdout{len(list(data.glob('stdout*')))}.txt", "wb") as out, open(errors, "wb") as err:
        t0 = time.perf_counter()
        child = subprocess.Popen([sys.executable, str(tree / "main.py"), *argv], stdout=out, stderr=err, env=env,
                                 cwd=tree)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - t0
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        raise SystemExit(f"pith {' '.join(argv)} exited {code}: {errors.read_text(errors='replace')[-500:]}")
    return {"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mb": usage.ru_maxrss / 1024}


PHASES = {
    "socket": "bare socket, pith's OVER ranges",
    "cold": "pith sync, cold (fresh store)",
    "warm": "pith sync, warm (nothing new)",
    "start": "pith start-up (sync --help)",
    "socket-z": "bare socket, COMPRESS DEFLATE",
    "cold-z": "pith sync, cold, COMPRESS",
    "cold-before": "--before's pith sync, cold",
}


def rounds(address: str, count: int, runs: int, home: Path, before: Path | None) -> dict[str, list[Figures]]:
    """``runs`` rounds of every phase, interleaved (``before``: also that tree's cold sync)."""
    host, port = address.rsplit(":", 1)
    config = home / "config" / "pith" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'[servers.plain]\nhost = "{host}"\nport = {port}\ncompress = false\n\n'
                      f'[servers.z]\nhost = "{host}"\nport = {port}\ncompress = true\n')
    sync = ["sync", GROUP, "--quiet"]
    results: dict[str, list[Figures]] = {name: [] for name in PHASES}
    run_pith(["--server", "plain", "sync", "--help"], home, home / "start")  # bytecode written once
    for index in range(runs):
        results["socket"].append(run_phase(host, port, str(count), "plain"))
        results["cold"].append(run_pith(["--server", "plain", *sync], home, home / f"plain{index}"))
        results["warm"].append(run_pith(["--server", "plain", *sync], home, home / f"plain{index}"))
        results["start"].append(run_pith(["--server", "plain", "sync", "--help"], home, home / "start"))
        results["socket-z"].append(run_phase(host, port, str(count), "deflate"))
        results["cold-z"].append(run_pith(["--server", "z", *sync], home, home / f"z{index}"))
        if before is not None:
            results["cold-before"].append(run_pith(["--server", "plain", *sync], home, home / f"b{index}", before))
        print(f"  round {index + 1}: " + ", ".join(f"{name} {results[name][-1]['seconds']:.2f} s"
                                                   for name in PHASES if results[name]), flush=True)
    said = [(home / "plain0" / f"stdout{i}.txt").read_text().strip() for i in range(2)]
    print(f"  pith said: {said[0]!r}, then {said[1]!r}")
    return results


def median(results: list[Figures], key: str) -> float:
    return statistics.median(r[key] for r in results)


def report(results: dict[str, list[Figures]], count: int) -> None:
    floors = {"": median(results["socket"], "seconds"), "-z": median(results["socket-z"], "seconds")}
    print(f"\n{GROUP} ({count:,} articles, {median(results['socket'], 'bytes') / 1e6:.1f} MB of OVER), "
          f"medians of {len(results['socket'])}; each against the bare socket of its kind:")
    for name, label in PHASES.items():
        if not results[name]:
            continue
        wall = median(results[name], "seconds")
        floor = floors["-z" if name.endswith("-z") else ""]
        print(f"  {label:<34} {wall:6.2f} s  ({wall / floor:4.2f}x)  "
              f"cpu {median(results[name], 'cpu'):5.2f} s  peak RSS {median(results[name], 'rss_mb'):4.0f} MB")
    print("  (issue 17 target: pith sync cold <= 1.5x the bare socket)")


def measure(address: str, count: int, runs: int, before: Path | None = None) -> None:
    home = Path(tempfile.mkdtemp(prefix="pith-sync-bench-"))
    try:
        report(rounds(address, count, runs, home, before), count)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--count", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--server", metavar="HOST:PORT", help="a server that already holds local.big")
    parser.add_argument("--before", type=Path, metavar="DIR", help="also time the cold sync of this tree's pith")
    parser.add_argument("--phase", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        host, port, last, kind = args.phase
        print(json.dumps(over_ranges(host, int(port), GROUP, int(last), compress=kind == "deflate")))
        return 0
    if args.server:
        measure(args.server, args.count, args.runs, args.before)
        return 0
    from bench.big_group import start_big_server

    print(f"loading {args.count:,} articles into a private INN2 ...", flush=True)
    server, load_seconds = start_big_server(args.count, GROUP)
    try:
        print(f"loaded in {load_seconds:.1f} s; server {server.address}\n")
        measure(f"{server.host}:{server.port}", args.count, args.runs, args.before)
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
