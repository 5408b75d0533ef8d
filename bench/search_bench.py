"""Full-text search over ~20,000 cached articles: the real 20 Newsgroups corpus, bodies and all.

Builds a store from ../shared/corpus/20news-19997.tar.gz (as an archive import, so
every body is cached and indexed), then times ``Library.search`` (the function
behind ``pith search`` and the reader's ``/``: 50 hits, newest first, snippets) for
a seeded mix of queries: single words, two words, phrases, prefixes, and the same
with --group / --from filters. Prints figures; target: median under 50 ms.

    .venv/bin/python bench/search_bench.py [--queries 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntp.archive import ArchiveSource  # noqa: E402
from store.cache import Store  # noqa: E402
from store.library import Library  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "20news-19997.tar.gz"
_ESCAPE = re.compile(rb"(?m)^(>*From )")
_WORD = re.compile(r"[a-z]{4,12}")


def corpus_mbox(target: Path) -> int:
    """The corpus as one mboxrd file (each article once per file in the tar; crossposts dedupe on import)."""
    count = 0
    with tarfile.open(CORPUS) as tar, open(target, "wb") as out:
        for member in tar:
            if not member.isfile():
                continue
            raw = tar.extractfile(member).read()  # type: ignore[union-attr]
            out.write(b"From bench Thu Jan  1 00:00:00 1970\n" + _ESCAPE.sub(rb">\1", raw.rstrip(b"\n")) + b"\n\n")
            count += 1
    return count


def make_queries(library: Library, count: int, seed: int) -> list[tuple[str, dict[str, str]]]:
    rng = random.Random(seed)
    groups = [g.name for g in library.store.group_table.all()]
    rows = library.store.db.execute("SELECT o.grp, o.subject, o.author, b.raw FROM overview o "
                                    "JOIN bodies b ON b.message_id = o.message_id").fetchall()
    out: list[tuple[str, dict[str, str]]] = []
    while len(out) < count:
        group, subject, author, raw = rng.choice(rows)
        body = bytes(raw).split(b"\n\n", 1)[-1].decode("latin-1")
        words = _WORD.findall((subject + " " + body).lower())
        if len(words) < 3:
            continue
        at = rng.randrange(len(words) - 1)
        kind = rng.random()
        if kind < 0.45:
            query = words[at]
        elif kind < 0.70:
            query = f"{words[at]} {rng.choice(words)}"
        elif kind < 0.82:
            query = f'"{words[at]} {words[at + 1]}"'
        else:
            query = words[at][:4] + "*"
        filters: dict[str, str] = {}
        if rng.random() < 0.2:
            filters["group"] = rng.choice(groups) if rng.random() < 0.5 else group
        elif rng.random() < 0.1:
            filters["author"] = author.split("@")[-1].strip(" >)")[:20]
        out.append((query, filters))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if not CORPUS.is_file():
        raise SystemExit(f"needs {CORPUS}")
    with tempfile.TemporaryDirectory(prefix="pith-search-") as tmp:
        mbox = Path(tmp) / "20news.mbox"
        files = corpus_mbox(mbox)
        t0 = time.perf_counter()
        library = Library(Store(Path(tmp) / "store.sqlite3"), lambda: ArchiveSource(mbox))
        library.groups()
        imported = time.perf_counter() - t0
        articles = library.store.db.execute("SELECT COUNT(*) FROM overview").fetchone()[0]
        docs = library.store.db.execute("SELECT COUNT(*) FROM search_doc").fetchone()[0]
        print(f"corpus: {files:,} files -> {articles:,} cached articles ({docs:,} distinct, bodies indexed) "
              f"in {imported:.1f} s; store {(Path(tmp) / 'store.sqlite3').stat().st_size / 1e6:.0f} MB")
        queries = make_queries(library, args.queries, args.seed)
        library.search("warm up the page cache")
        times, matches = [], []
        for query, filters in queries:
            t = time.perf_counter()
            hits = library.search(query, limit=50, **filters)  # type: ignore[arg-type]
            times.append((time.perf_counter() - t) * 1000)
            matches.append(len(hits))
        report(times, matches, queries)
        library.close()
    return 0


def report(times: list[float], matches: list[int], queries: list[tuple[str, dict[str, str]]]) -> None:
    ordered = sorted(times)
    print(f"{len(times)} queries (limit 50, newest first, with snippets):")
    print(f"  median {statistics.median(times):6.1f} ms   (target < 50 ms)")
    print(f"  p90    {ordered[int(len(ordered) * 0.9)]:6.1f} ms")
    print(f"  max    {ordered[-1]:6.1f} ms   mean {statistics.fmean(times):.1f} ms")
    print(f"  queries with hits: {sum(1 for m in matches if m)}/{len(matches)}")
    slowest = sorted(zip(times, queries), reverse=True)[:3]
    for ms, (query, filters) in slowest:
        print(f"  slowest: {ms:6.1f} ms  {query!r} {filters or ''}")


if __name__ == "__main__":
    sys.exit(main())
