"""Threading a big group from Columns and from records: seconds and memory (issue 17).

    .venv/bin/python bench/threads_bench.py --server 127.0.0.1:PORT   # a server that holds local.big
    .venv/bin/python bench/threads_bench.py                            # starts a private INN with local.big

Reads the group's overviews once (as records, then ``from_records`` makes the
Columns), then threads them four ways: compiled (nntp/_threading.pyx: the layout, and
the nodes from Columns) and pure (nntp/jwz_pure.py), each from Columns (columns-mode nodes, no
record per article) and from records, and the record path as it was before
(tests/nntp/jwz_oracle.py) beside them. Prints the best of --runs seconds, the
traced peak while threading and what the finished trees hold (MB and bytes per
article; the articles themselves are not counted). Figures to read side by side,
not assertions: a busy machine makes them slower, not wrong.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from nntp import threads  # noqa: E402
from nntp.columns import from_records  # noqa: E402
from nntp.models import Overview  # noqa: E402

GROUP = "local.big"


def fetch(address: str) -> list[Overview]:
    """Every overview of GROUP on the server at HOST:PORT, as records."""
    from nntp.address import ServerAddress
    from nntp.client import NNTPClient
    from nntp.connect import ConnectOptions

    client = NNTPClient(ServerAddress.parse(address), options=ConnectOptions(timeout=120))
    try:
        info = client.select_group(GROUP)
        return [o for batch in client.iter_overviews(GROUP, info.low, info.high) for o in batch.overviews]
    finally:
        client.close()


def measure(label: str, articles: Sequence[Overview], runs: int,
            threader: Callable[[Sequence[Overview]], Sequence[object]] = threads.thread) -> None:
    """One line: best seconds of ``runs``, traced peak while threading, and what the trees keep."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        roots = threader(articles)
        times.append(time.perf_counter() - started)
        del roots
    tracemalloc.start()
    try:
        roots = threader(articles)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    count = len(articles)
    print(f"{label:<28} {min(times):7.3f} s   peak {peak / 1e6:6.1f} MB   trees {held / 1e6:6.1f} MB"
          f"   {held / max(count, 1):5.0f} B/article   {len(roots):,} threads")


def with_layout(compiled: bool, label: str, articles: Sequence[Overview], runs: int) -> None:
    """``measure`` with the compiled layout or with the pure one."""
    saved = threads._compiled, threads._compiled_nodes
    if not compiled:
        threads._compiled = threads._compiled_nodes = None
    try:
        measure(f"{label} ({'compiled' if compiled else 'pure'})", articles, runs)
    finally:
        threads._compiled, threads._compiled_nodes = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", metavar="HOST:PORT", help="a server that already holds local.big")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if args.server:
        records = fetch(args.server)
    else:
        from bench.big_group import start_big_server

        server, _ = start_big_server()
        try:
            records = fetch(f"127.0.0.1:{server.port}")
        finally:
            server.stop()
    columns = from_records(records)
    records = list(columns)  # the same whole-second dates the columns hold: the same trees both ways
    print(f"{GROUP}: {len(records):,} articles, {len(columns.ids):,} Message-IDs, "
          f"{len(columns.ref_codes):,} references; compiled layout built: {threads.COMPILED}")
    for compiled in (True, False) if threads.COMPILED else (False,):
        with_layout(compiled, "from Columns", columns, args.runs)
        with_layout(compiled, "from records", records, args.runs)
    from tests.nntp import jwz_oracle

    measure("records, before (oracle)", records, args.runs, jwz_oracle.thread)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
