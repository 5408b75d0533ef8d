"""How long `pith rules suggest` takes on a 10,000-article group (issue 18 asks < 2 s).

The group is synthetic but shaped like a busy flame group: 1,500 threads of power-law size,
400 authors of power-law activity (some posting 5-20 a day), replies chained to earlier
articles of their thread, a few crosspost sprays, a quarter of the articles read, and a few
thread kills in the actions file. The whole use case runs as the CLI runs it (store, read
marks, actions file, rules file) and the best of three runs is reported.

    .venv/bin/python bench/suggest_bench.py [COUNT]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from killfile import actions  # noqa: E402
from app.suggest_group import suggest_group  # noqa: E402
from nntp.models import Overview  # noqa: E402
from store.cache import Store  # noqa: E402
from store.library import Library  # noqa: E402
from store.readstate import ReadState  # noqa: E402

GROUP = "talk.politics.misc"
START = datetime(1993, 4, 1, tzinfo=timezone.utc)
RULES = """[[rule]]
name = "no flame wars"
score = -9999
all = [{ header = "Subject", contains = "flame war" }]

[[cap]]
name = "30 a month"
per = "month"
max = 30
"""


def group(count: int, rng: random.Random) -> list[Overview]:
    authors = [f"Poster {k} <p{k}@site{k % 37}.example.edu>" for k in range(400)]
    weights = [1 / (k + 1) ** 1.1 for k in range(400)]
    threads: list[list[Overview]] = []
    out: list[Overview] = []
    for n in range(1, count + 1):
        when = START + timedelta(minutes=n * 4 + rng.randint(0, 3))
        author = rng.choices(authors, weights)[0]
        xref = f"news.example {GROUP}:{n}" + ("".join(f" alt.g{k}:{n}" for k in range(6)) if n % 97 == 0 else "")
        if not threads or rng.random() < 0.15:
            art = Overview(n, f"Topic {len(threads)} of the day", author, when, f"<{n}@news.example>", (),
                           2000, 40, xref)
            threads.append([art])
        else:
            thread = threads[min(int(rng.paretovariate(1.2)) - 1, len(threads) - 1) * -1 - 1]
            parent = rng.choice(thread[-5:])
            refs = (parent.references + (parent.message_id,))[-8:]
            art = Overview(n, "Re: " + thread[0].subject, author, when, f"<{n}@news.example>", refs, 2000, 40, xref)
            thread.append(art)
        out.append(art)
    return out


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rng = random.Random(18)
    arts = group(count, rng)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp)
        (config / "score.toml").write_text(RULES)
        store = Store(config / "store.sqlite")
        store.overview_store.save(GROUP, arts, count)
        ReadState(store.db).mark_read(GROUP, [a.number for a in arts if rng.random() < 0.25])
        for a in arts[:3000:600]:
            actions.add_action(config / actions.ACTIONS, "thread-kill", START, message_id=a.message_id)
        now = START + timedelta(days=30)
        times, found = [], []
        for _ in range(3):
            t0 = time.perf_counter()
            found = suggest_group(Library(store, None), GROUP, config, now)
            times.append(time.perf_counter() - t0)
        store.close()
    kinds = sorted({s.proposal.kind for s in found})
    print(f"rules suggest on {count:,} articles: best {min(times):.2f} s of 3 "
          f"({len(found)} suggestions: {', '.join(kinds)})")


if __name__ == "__main__":
    main()
