"""The store side of the Body-rule cache (killfile/bodycache.py): (test key, Message-ID) -> matched.

Only results for bodies still cached are handed out, so an expired body is judged
as before (not at all); rows of tests no rule has any more are dropped when
results are saved, so the table never outgrows the rules and bodies in use.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from killfile.bodycache import BodyHits, all_body_keys, body_leaves, leaf_key, only_bodies_needed
from killfile.model import RuleSet
from nntp.columns import Columns
from nntp.models import Article, Overview
from store.cache import Store

_SCHEMA = """CREATE TABLE IF NOT EXISTS body_rule_hits (
    rule TEXT NOT NULL, message_id TEXT NOT NULL, hit INTEGER NOT NULL,
    PRIMARY KEY (rule, message_id)
) WITHOUT ROWID"""


def ensure_schema(db: sqlite3.Connection) -> None:
    db.execute(_SCHEMA)


def load(store: Store, keys: Iterable[str]) -> BodyHits:
    """What is known for these test keys, for bodies still in the store."""
    db = store.db
    ensure_schema(db)
    known: dict[str, dict[str, bool]] = {}
    for key in set(keys):
        rows = db.execute("SELECT h.message_id, h.hit FROM body_rule_hits h JOIN bodies b "
                          "ON b.message_id = h.message_id WHERE h.rule=?", (key,))
        known[key] = {str(m): bool(h) for m, h in rows}
    return BodyHits(known)


def forget(db: sqlite3.Connection, message_ids: Sequence[str]) -> None:
    """Drop the results of bodies that are gone (expiry; the caller holds the transaction): never handed
    out again (``load`` joins the bodies), they would only keep their pages."""
    if db.execute("SELECT 1 FROM sqlite_master WHERE name='body_rule_hits'").fetchone():
        for start in range(0, len(message_ids), 500):
            chunk = message_ids[start : start + 500]
            db.execute(f"DELETE FROM body_rule_hits WHERE message_id IN ({','.join('?' * len(chunk))})", chunk)


def save(store: Store, hits: BodyHits, live_keys: Iterable[str]) -> int:
    """Store ``hits.fresh`` in one transaction; drop rows of keys not in ``live_keys``. Returns rows written."""
    ensure_schema(store.db)
    live = sorted(set(live_keys))
    rows = [(key, mid, int(hit)) for key, table in hits.fresh.items() for mid, hit in table.items()]
    with store.transaction() as db:
        db.execute(f"DELETE FROM body_rule_hits WHERE rule NOT IN ({','.join('?' * len(live))})", live)
        db.executemany("INSERT OR REPLACE INTO body_rule_hits VALUES (?, ?, ?)", rows)
    hits.fresh.clear()
    return len(rows)


def articles_for_scoring(store: Store, rules: RuleSet, has_plugins: bool, overviews: Sequence[Overview],
                         group: str) -> tuple[dict[str, Article], BodyHits | None]:
    """Cached whole articles for the rules that need them, and the Body results known so far.

    When Body tests are all that need whole articles, a body whose every test
    result is known is neither read nor parsed: re-entering a group costs the new
    bodies only. Run on the thread that owns the store.
    """
    keys = [leaf_key(leaf) for leaf in body_leaves(rules, group)]
    hits = load(store, keys) if keys else None
    ids, numbers = _ids_and_numbers(overviews)
    skip = hits.complete(keys, ids) if hits and only_bodies_needed(rules, has_plugins) else set()
    cached = _with_bodies(store, [m for m in ids if m not in skip])
    from nntp.article import parse_article  # late: the email package, ~10 ms of start-up (issue 17)

    full: dict[str, Article] = {}
    for message_id, number in zip(ids, numbers):
        if message_id in cached:
            raw = store.body_store.get(message_id)
            if raw is not None:
                full[message_id] = parse_article(raw, number)
    return full, hits


def _ids_and_numbers(overviews: Sequence[Overview]) -> tuple[list[str], Sequence[int]]:
    """The articles' Message-IDs and numbers, read from the columns when they are Columns: a record made
    per article (three times) cost a re-entry with a Body rule 0.2 s on a 10,000-article list."""
    if isinstance(overviews, Columns):
        return overviews.message_id_column(), overviews.numbers
    return [o.message_id for o in overviews], [o.number for o in overviews]


def _with_bodies(store: Store, message_ids: list[str]) -> set[str]:
    """Which of these Message-IDs have a cached body (a few queries, not one per article)."""
    found: set[str] = set()
    for start in range(0, len(message_ids), 500):
        chunk = message_ids[start : start + 500]
        rows = store.db.execute(f"SELECT message_id FROM bodies WHERE message_id IN ({','.join('?' * len(chunk))})",
                                chunk)
        found.update(str(m) for (m,) in rows)
    return found


def remember(store: Store, hits: BodyHits | None, rules: RuleSet) -> None:
    """Keep what this scoring found (on the thread that owns the store)."""
    if hits is not None and hits.fresh:
        save(store, hits, all_body_keys(rules))
