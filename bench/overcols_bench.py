"""Raw OVER bytes to a group's articles: the block parser, the pure Columns path and the compiled kernel.

Prints, for one group's whole OVER answer (local.big: 150,000 articles), the
seconds (best and median of ``--runs``; CPU seconds, best: what a busy machine
disturbs least) and memory of each way, each in a fresh
process: ``block`` is ``parse_over_block`` (records, what entering a group used),
``pure`` is ``from_records(parse_over_block(...))`` (the Columns fallback where
nntp/_overcols.pyx is not built), ``compiled`` is ``over_columns`` with the
kernel, ``compiled-chunks`` the same fed as stored chunks of ``--chunk`` lines
(``over_columns_many``). Memory: the process's peak RSS above what it held with
the bytes loaded (``peak``), and what RSS still holds after the first run with
its result alive (``held``: freed memory the allocator keeps counts too); then,
from one more run under tracemalloc (the kernel allocates through PyMem, so it
is seen), the exact peak of Python allocations and the size of the result
(``traced``). The bare socket read of the same answer is printed first: the floor.

    .venv/bin/python bench/overcols_bench.py --server HOST:PORT [--group local.big] [--runs 3]
    .venv/bin/python bench/overcols_bench.py --file BYTES     # an OVER answer saved before (--save)
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sized
from pathlib import Path
from typing import cast

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

INN_FORMAT = ("Subject:", "From:", "Date:", "Message-ID:", "References:", ":bytes", ":lines", "Xref:")
WAYS = ("block", "pure", "compiled", "compiled-chunks")


def read_over(server: str, group: str) -> tuple[bytes, float]:
    """The group's whole OVER answer off a bare socket (dot line dropped) and the seconds it took."""
    host, _, port = server.rpartition(":")
    t0 = time.perf_counter()
    with socket.create_connection((host or "127.0.0.1", int(port or 119))) as sock:
        f = cast(io.BufferedRWPair, sock.makefile("rwb", buffering=1 << 16))
        f.readline()
        f.write(f"GROUP {group}\r\n".encode())
        f.flush()
        _, _, low, high, *_ = f.readline().split()
        f.write(f"OVER {int(low)}-{int(high)}\r\n".encode())
        f.flush()
        f.readline()
        data = bytearray()
        while not data.endswith(b"\r\n.\r\n"):
            chunk = f.read1(1 << 16)
            if not chunk:
                break
            data += chunk
    return bytes(data[:-3]), time.perf_counter() - t0


def rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def way(name: str, data: bytes, chunk: int) -> Callable[[bytes], tuple[Sized, int]]:
    """The way called ``name``, ready to run on ``data`` (stored chunks are cut before the clock starts)."""
    from nntp import overcols
    from nntp.overblock import parse_over_block

    if name == "block":
        return lambda data: parse_over_block(data, INN_FORMAT)
    if name == "pure":
        return lambda data: overcols.pure_columns(data, INN_FORMAT)
    if overcols.KERNEL is None:
        raise SystemExit("nntp/_overcols.pyx is not built (python setup.py build_ext --inplace)")
    if name == "compiled":
        return lambda data: overcols.over_columns(data, INN_FORMAT)
    stored = chunks(data, chunk)
    return lambda _: overcols.over_columns_many(stored, INN_FORMAT)


def chunks(data: bytes, lines: int) -> list[bytes]:
    """The answer cut after every ``lines`` lines, as the store keeps it."""
    out, start, at = [], 0, 0
    while start < len(data):
        for _ in range(lines):
            at = data.find(b"\r\n", at) + 2
            if at == 1:
                at = len(data)
                break
        out.append(data[start:at])
        start = at
    return out


def measure(name: str, path: str, runs: int, chunk: int) -> dict[str, float]:
    """In this (fresh) process: seconds of each run, peak and held memory of the first."""
    data = Path(path).read_bytes()
    run = way(name, data, chunk)
    gc.collect()
    base = rss()
    seconds, cpu = [], []
    for i in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        result = run(data)
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        if i == 0:
            held = rss() - base
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
        del result
        gc.collect()
    tracemalloc.start()
    result = run(data)
    traced_held, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"best": min(seconds), "median": statistics.median(seconds), "cpu": min(cpu), "peak_mb": peak / 1e6, "held_mb": held / 1e6,
            "traced_peak_mb": traced_peak / 1e6, "traced_held_mb": traced_held / 1e6, "articles": len(result[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", help="HOST:PORT of a server holding the group")
    parser.add_argument("--group", default="local.big")
    parser.add_argument("--file", help="raw OVER bytes saved before, instead of a server")
    parser.add_argument("--save", help="keep the bytes read from the server in this file")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chunk", type=int, default=5000, help="lines a stored chunk holds (compiled-chunks)")
    parser.add_argument("--way", choices=WAYS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.way:
        print(json.dumps(measure(args.way, args.file, args.runs, args.chunk)))
        return
    if not (args.server or args.file):
        parser.error("give --server HOST:PORT or --file BYTES")
    path = args.file
    if args.server:
        data, wire = read_over(args.server, args.group)
        lines = data.count(b"\r\n")
        print(f"bare socket OVER {args.group}: {wire:.3f} s, {len(data) / 1e6:.1f} MB, {lines:,} lines")
        path = args.save or tempfile.mkstemp(suffix=".over")[1]
        Path(path).write_bytes(data)
    from nntp.overcols import COMPILED

    print(f"compiled kernel built and in use: {COMPILED}; {args.runs} runs each, a fresh process per way")
    print(f"{'way':<16} {'best s':>8} {'median s':>9} {'cpu s':>7} {'peak MB':>8} {'held MB':>8} {'traced peak':>12} "
          f"{'traced held':>12} {'articles':>9}")
    for name in WAYS:
        done = subprocess.run([sys.executable, __file__, "--way", name, "--file", path, "--runs", str(args.runs),
                               "--chunk", str(args.chunk)], capture_output=True, text=True)
        if done.returncode:
            print(f"{name:<16} failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else '?'}")
            continue
        r = json.loads(done.stdout)
        print(f"{name:<16} {r['best']:>8.3f} {r['median']:>9.3f} {r['cpu']:>7.3f} {r['peak_mb']:>8.1f} {r['held_mb']:>8.1f} "
              f"{r['traced_peak_mb']:>12.1f} {r['traced_held_mb']:>12.1f} {r['articles']:>9,}")


if __name__ == "__main__":
    main()
