"""Entering a big group: pith against the bare socket, cold and warm, in one run.

Prints figures (no pass/fail): the time a bare socket needs to read ``OVER 1-N``
(the floor), pith fetching and storing the same overviews cold (with and without
COMPRESS, bytes on the wire; the answers are stored as raw chunks and parsed a
block at a time), the deferred work done when the Library closes (rows, search
queue, packs), warm re-entry with 100 new articles on the server, threading
time, and the peak RSS of each phase (each runs in its own process).

    .venv/bin/python bench/entry_bench.py [--count 150000] [--runs 3]

Needs root (INN runs as news) and ../shared (corpus + make-biggroup.py).
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import cast

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

GROUP = "local.big"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_socket(host: str, port: int, count: int | None, group: str = GROUP) -> dict[str, float]:
    """The floor: one OVER for the whole group, lines split, nothing parsed."""
    t0 = time.perf_counter()
    with socket.create_connection((host, port)) as sock:
        f = cast(io.BufferedRWPair, sock.makefile("rwb", buffering=1 << 16))
        f.readline()
        request_over(f, count, group)
        data = bytearray()
        while not data.endswith(b"\r\n.\r\n"):
            chunk = f.read1(1 << 16)
            if not chunk:
                break
            data += chunk
        lines = data.split(b"\r\n")
    return {"seconds": time.perf_counter() - t0, "lines": len(lines) - 2, "bytes": len(data)}


def request_over(f: io.BufferedRWPair, count: int | None, group: str) -> None:
    """GROUP, then OVER, both status lines read. ``count``: OVER 1-(count + 1000), sent with GROUP in one
    write; None: the range the GROUP reply gives (one round trip more, well under a millisecond on loopback)."""
    f.write(f"GROUP {group}\r\n".encode())
    if count is None:
        f.flush()
        f.write(f"OVER {over_range(f.readline(), group)}\r\n".encode())
    else:
        f.write(f"OVER 1-{count + 1000}\r\n".encode())
        f.flush()
        f.readline()
    f.flush()
    if not (status := f.readline()).startswith(b"224"):
        raise SystemExit(f"OVER in {group}: the server answered {status.decode(errors='replace').strip()!r}")


def over_range(reply: bytes, group: str) -> str:
    """``low-high`` of a ``211 count low high group`` reply; anything else ends the bench with why."""
    fields = reply.split()
    if len(fields) < 4 or fields[0] != b"211":
        raise SystemExit(f"GROUP {group}: the server answered {reply.decode(errors='replace').strip()!r}")
    return f"{int(fields[2])}-{int(fields[3])}"


def phase_pith(host: str, port: int, store: str, compress: bool) -> dict[str, float]:
    """pith's own path: connect, OVER in ranges, parse, store; then thread."""
    from nntp.address import ServerAddress
    from nntp.client import NNTPClient
    from nntp.connect import ConnectOptions
    from nntp.threads import thread
    from store.cache import Store
    from store.library import Library

    address = ServerAddress(host, port)
    source: list[NNTPClient] = []

    def connect() -> NNTPClient:
        source.append(NNTPClient(address, options=ConnectOptions(timeout=120, compress=compress)))
        return source[0]

    t0 = time.perf_counter()
    library = Library(Store(store), connect)
    load = library.enter_group(GROUP)
    fetched = time.perf_counter() - t0
    t1 = time.perf_counter()
    roots = thread(load.overviews)
    threaded = time.perf_counter() - t1
    stats = source[0].stats if source else None
    entry_rss = peak_rss_mb()
    t2 = time.perf_counter()
    library.close()  # the close itself: since schema 5 nothing is left to settle (store/packs.py)
    settled = time.perf_counter() - t2
    return {
        "fetch_store_seconds": fetched, "thread_seconds": threaded, "fetched": load.fetched,
        "articles": len(load.overviews), "threads": len(roots), "settle_seconds": settled,
        "wire_in": stats.wire_in if stats else 0, "plain_in": stats.plain_in if stats else 0,
        "peak_rss_mb": entry_rss, "peak_rss_settled_mb": peak_rss_mb(),
    }


def run_phase(*args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--phase", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def best(results: list[dict[str, float]], key: str) -> dict[str, float]:
    return min(results, key=lambda r: r[key])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=150_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        kind, host, port, *rest = args.phase
        if kind == "socket":  # count [group]; a count of 0: the group's whole range, from its GROUP reply
            result = phase_socket(host, int(port), int(rest[0]) or None, *rest[1:2])
        else:
            result = phase_pith(host, int(port), rest[0], compress=kind == "compress")
        print(json.dumps(result))
        return 0

    from bench.big_group import add_articles, start_big_server

    print(f"loading {args.count:,} articles into a private INN2 ...", flush=True)
    server, load_seconds = start_big_server(args.count, GROUP)
    tmp = Path(tempfile.mkdtemp(prefix="pith-bench-"))
    try:
        host, port = server.host, str(server.port)
        print(f"loaded in {load_seconds:.1f} s; server {server.address}\n")
        sock = [run_phase("socket", host, port, str(args.count)) for _ in range(args.runs)]
        cold = [run_phase("plain", host, port, str(tmp / f"cold{i}.sqlite3")) for i in range(args.runs)]
        comp = [run_phase("compress", host, port, str(tmp / f"comp{i}.sqlite3")) for i in range(args.runs)]
        add_articles(server, GROUP, 100, "warm")
        warm = []
        for i in range(args.runs):
            shutil.copy(tmp / "cold0.sqlite3", tmp / f"warm{i}.sqlite3")
            warm.append(run_phase("plain", host, port, str(tmp / f"warm{i}.sqlite3")))
        report(args.count, best(sock, "seconds"), best(cold, "fetch_store_seconds"),
               best(comp, "fetch_store_seconds"), best(warm, "fetch_store_seconds"))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def report(count: int, sock: dict[str, float], cold: dict[str, float], comp: dict[str, float],
           warm: dict[str, float]) -> None:
    floor = sock["seconds"]
    print(f"group {GROUP}: {cold['articles']:,} articles in {cold['threads']:,} threads (best of runs)")
    print(f"  bare socket OVER 1-{count}:          {floor:6.2f} s  ({sock['bytes'] / 1e6:.1f} MB)")
    print(f"  pith cold fetch+parse+store:         {cold['fetch_store_seconds']:6.2f} s  "
          f"({cold['fetch_store_seconds'] / floor:.2f}x the socket; target <= 1.5x)  peak RSS {cold['peak_rss_mb']:.0f} MB")
    print(f"  rows+index queue+packs at close:     {cold['settle_seconds']:6.2f} s  "
          f"(deferred off the path to the list)  peak RSS {cold['peak_rss_settled_mb']:.0f} MB")
    print(f"  pith cold with COMPRESS:             {comp['fetch_store_seconds']:6.2f} s  "
          f"wire {comp['wire_in'] / 1e6:.1f} MB for {comp['plain_in'] / 1e6:.1f} MB "
          f"(ratio {comp['plain_in'] / max(1, comp['wire_in']):.2f})")
    print(f"  threading {cold['articles']:,} articles:         {cold['thread_seconds']:6.2f} s")
    print(f"  warm re-entry, 100 new on server:    {warm['fetch_store_seconds']:6.2f} s  "
          f"(fetched {warm['fetched']:.0f}; target < 0.5 s to data)  peak RSS {warm['peak_rss_mb']:.0f} MB")
    print(f"  cold entry to a threaded list:       {cold['fetch_store_seconds'] + cold['thread_seconds']:6.2f} s  "
          "(slrn 5.7 s, tin 4.6 s)")


if __name__ == "__main__":
    sys.exit(main())
