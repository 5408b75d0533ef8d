"""Read marks at scale: mark a 1,000,000-article group alternating read/unread, export it.

    .venv/bin/python bench/newsrc_bench.py
Prints figures; the issue's target is "well under a second".
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.newsrc import NewsrcEntry, read_newsrc, write_newsrc  # noqa: E402
from store.ranges import RangeSet  # noqa: E402


def main() -> int:
    t0 = time.perf_counter()
    marks = RangeSet()
    for number in range(1, 1_000_001, 2):
        marks.add(number)
    marked = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "newsrc"
        t1 = time.perf_counter()
        write_newsrc(path, [NewsrcEntry("big.group", True, marks)])
        exported = time.perf_counter() - t1
        t2 = time.perf_counter()
        back = read_newsrc(path)
        imported = time.perf_counter() - t2
        size = path.stat().st_size
    assert back[0].read == marks
    print(f"mark 500,000 of 1,000,000 (alternating): {marked:.3f} s")
    print(f"export .newsrc ({size / 1e6:.1f} MB):            {exported:.3f} s")
    print(f"import it back:                          {imported:.3f} s")
    print(f"mark + export:                           {marked + exported:.3f} s  (target: well under 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
