"""A private INN2 holding one big group (default 150,000 articles), for the benchmarks.

The articles come from ../shared/nntp-server/make-biggroup.py (realistic threads
resampled from the real 20 Newsgroups corpus); it is run as a data generator only.
The server is the test harness's own private INN (tests/integration/inn_server.py).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.integration.inn_server import NEWSBIN, InnServer, start_server  # noqa: E402

MAKE_BIGGROUP = REPO.parent / "shared" / "nntp-server" / "make-biggroup.py"
CORPUS = REPO.parent / "shared" / "corpus" / "20news-19997.tar.gz"
HISTORY_SIZED_FOR = 100_000
"""The entries start_server's history index is made for (makedbz -s in tests/integration/inn_server.py)."""


def rnews_articles(batch: Path) -> Iterator[bytes]:
    """Articles of an rnews batch file (``#! rnews N`` + N bytes, repeated)."""
    with open(batch, "rb") as f:
        while header := f.readline():
            if not header.startswith(b"#! rnews "):
                raise ValueError(f"{batch}: not an rnews batch at offset {f.tell()}")
            yield f.read(int(header.split()[2]))


def start_big_server(count: int = 150_000, group: str = "local.big") -> tuple[InnServer, float]:
    """Start INN, create ``group`` and load ``count`` generated articles; returns (server, load s)."""
    if not MAKE_BIGGROUP.exists() or not CORPUS.exists():
        raise SystemExit(f"needs {MAKE_BIGGROUP} and {CORPUS} (the shared corpus)")
    server = start_server(corpus=False)
    try:
        return server, load_group(server, count, group)
    except BaseException:
        server.stop()
        raise


def load_group(server: InnServer, count: int, group: str) -> float:
    """Create ``group`` on a running server and feed it ``count`` generated articles; -> seconds loading."""
    if count > HISTORY_SIZED_FOR:
        size_history(server, count)
    server.ctlinnd("newgroup", group, "y", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "big.rnews"
        subprocess.run([sys.executable, str(MAKE_BIGGROUP), "--count", str(count), "--group", group,
                        "--out", str(batch), "--corpus", str(CORPUS)], check=True, capture_output=True)
        t0 = time.perf_counter()
        server.rnews(rnews_articles(batch))
        server.ctlinnd("flush", "", check=False)
        return time.perf_counter() - t0


def size_history(server: InnServer, more: int) -> None:
    """Make the history index again for ``more`` articles beyond those it holds, with room to spare (innd
    throttled meanwhile; readers are still served): the test server makes it for 100,000 entries
    (tests/integration/inn_server.py), and a million-article load should not run ten times past that."""
    size = history_entries(server) + more + more // 2
    server.ctlinnd("throttle", "bench: sizing history")
    try:
        subprocess.run([str(NEWSBIN / "makedbz"), "-i", "-o", "-s", str(size)], check=True,
                       capture_output=True, **{**server._as_news(), "cwd": server.root / "db"})
    finally:
        server.ctlinnd("go", "bench: sizing history")


def history_entries(server: InnServer) -> int:
    """Lines of the server's history file: one an article it has seen."""
    with open(server.root / "db" / "history", "rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(partial(f.read, 1 << 20), b""))


def add_articles(server: InnServer, group: str, count: int, tag: str) -> None:
    """Post ``count`` small new articles (for warm re-entry: "100 new on the server")."""
    articles = []
    for i in range(count):
        articles.append(
            f"Path: bench\nFrom: Bench <bench@example.org>\nNewsgroups: {group}\n"
            f"Subject: new article {i}\nMessage-ID: <{tag}.{i}@bench.invalid>\n"
            f"Date: Thu, 01 Jan 2026 12:00:00 +0000\n\nbody {i}\n".encode()
        )
    server.rnews(articles)
    server.ctlinnd("flush", "", check=False)
