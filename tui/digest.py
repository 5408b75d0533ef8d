"""The digest "since the last visit": the best threads among those that grew since the reader was here.

``tui.scoring.digest`` ranks every thread; here the threads are first narrowed
to those holding an article numbered above the high-water mark of the last
visit (store/visits.py), and ranked by the best score among those new articles,
so an old high-scoring thread does not crowd out what is new. A first visit, or
a visit with nothing new, falls back to every thread, and the note says which.
Pure Python: no textual, no rich.
"""

from __future__ import annotations

from datetime import datetime, timezone

from store.visits import Visit
from tui.rows import ThreadRow
from tui.scoring import DIGEST_SIZE, NORMAL, Scored, digest


def best_new(scored: Scored, since: int) -> dict[str, int]:
    """Thread root -> best score among its shown articles numbered above ``since``."""
    best: dict[str, int] = {}
    for row in scored.rows:
        article = row.article
        if article is None or article.number <= since:
            continue
        root = scored.root_of.get(row.message_id)
        if root is not None:
            score = scored.scores.get(row.message_id, NORMAL).score
            best[root] = max(best.get(root, score), score)
    return best


def digest_since(scored: Scored, visit: Visit | None, size: int = DIGEST_SIZE) -> tuple[list[ThreadRow], str]:
    """(the digest rows, one line saying what they are) for a group last visited at ``visit``."""
    if visit is None:
        return digest(scored, size), "digest: first visit, so all threads"
    best = best_new(scored, visit.high)
    when = datetime.fromtimestamp(visit.visited, timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    if not best:
        return digest(scored, size), f"digest: nothing new since your last visit ({when}), so all threads"
    rows = [row for row in scored.rows if scored.root_of.get(row.message_id) in best]
    narrowed = Scored(rows, scored.scores, scored.root_of, best=best)
    return digest(narrowed, size), f"digest since your last visit ({when}): {len(best):,} threads with new articles"
