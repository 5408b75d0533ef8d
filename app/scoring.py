"""Scores in the thread view: which articles show, which fold into "N hidden", and the digest.

Everything here is pure (no textual, no rich) and runs in a worker: it takes the
thread trees and a ScoreTable and returns display rows plus a small map of the
rows whose score, state or tags are worth drawing. Killed articles never show;
hidden ones fold into one "N hidden" row per thread until that thread is
expanded (or "show hidden" is on); a hidden or filtered article that still has
shown replies stays as a placeholder so the tree keeps its shape.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from datetime import datetime, timezone
from typing import TYPE_CHECKING, NamedTuple

from killfile.result import ScoreTable
from killfile.session import Killfile
from killfile.states import ScoreState
from nntp.gcpause import gc_paused
from nntp.columns import Columns
from nntp.models import Article, Overview
from nntp.threads import Forest, ThreadNode
from store.library import Library
from app.nodes import is_article, message_ids_of, numbers_of, with_children
from app.rootindex import RootIndex, root_reader
from app.rootindex import roots_of as roots_of  # where tests and tui import it from
from app.rows import ThreadRow, flatten, flatten_into
from app.threadrows import ThreadRows

if TYPE_CHECKING:
    from app.backend import LibraryHandle

HIDDEN_ID = "\x00hidden:"
"""Prefix of the message_id of an "N hidden" row; the rest is the thread root's Message-ID."""
DIGEST_SIZE = 30


class RowScore(NamedTuple):
    score: int
    state: ScoreState
    tags: tuple[str, ...]


NORMAL = RowScore(0, ScoreState.NORMAL, ())


@dataclass(frozen=True)
class Filter:
    """What the reader asked to see."""

    show_hidden: bool = False
    include: frozenset[str] = frozenset()
    """Show only articles carrying one of these tags (empty: no restriction)."""
    exclude: frozenset[str] = frozenset()
    expanded: frozenset[str] = frozenset()
    """Thread roots whose hidden articles are shown."""

    def describe(self) -> str:
        parts = [f"+{t}" for t in sorted(self.include)] + [f"-{t}" for t in sorted(self.exclude)]
        if self.show_hidden:
            parts.append("showing hidden")
        return " ".join(parts)


@dataclass
class Scored:
    """Rows of the threaded view after scoring, and what the UI needs to act on them."""

    rows: Sequence[ThreadRow]
    """A ``ThreadRows`` when the trees are a ``Forest`` (rows made on demand), else a list."""
    scores: dict[str, RowScore]
    root_of: Mapping[str, str]
    hidden: dict[str, list[str]] = field(default_factory=dict)
    """Thread root -> Message-IDs of its hidden articles (also when shown)."""
    best: dict[str, int] = field(default_factory=dict)
    """Thread root -> best score among its shown articles, for threads with a scored article (absent: 0)."""
    roots: Sequence[ThreadNode] = field(default_factory=list)
    """The unpruned thread trees, to arrange again when the filter changes."""


def score_group(library: LibraryHandle | None, killfile: Killfile, overviews: Sequence[Overview],
                roots: Sequence[ThreadNode] | Callable[[], Sequence[ThreadNode]], group: str,
                view: Filter) -> tuple[Scored, ScoreTable]:
    """Score a group's overviews and arrange its threads (thread workers only).

    ``library`` None scores a provisional first screen: no cached bodies are read
    (the session thread is busy fetching) and no rule's last match is recorded.
    ``roots`` may be what threads the group: called once the scores stand, a big
    group's trees never sit beside the scoring's working set (local.big: ~4 MB of peak).
    """
    full, body_hits = None, None
    if library is not None and killfile.needs_articles:
        full, body_hits = library.call(Library.articles_for_scoring, killfile.rules, bool(killfile.plugins),
                                       overviews, group, local=True)
    with gc_paused():  # 150,000 rows and map entries: see nntp.gcpause
        table = killfile.score(overviews, group, datetime.now(timezone.utc), full, body_hits)
        if library is not None:
            killfile.remember(table)
            if body_hits is not None and body_hits.fresh:  # kept, so the next entry scans new bodies only;
                hits = body_hits                          # a failed write only means scanning them again
                library.send(Library.remember_body_hits, lambda exc: None, hits, killfile.rules)
        trees = roots() if callable(roots) else roots
        index = RootIndex(trees)
        index.build()  # here, on the worker: never on the event loop
        scores, indices = scored_articles(table)
        threaded_from = indices if isinstance(overviews, Columns) and index.indexes(overviews) else None
        return arrange_scored(trees, scores, view, index, threaded_from), table


def cached_articles(library: Library, overviews: Sequence[Overview], killfile: Killfile) -> dict[str, Article]:
    """Whole articles already in the store, for rules on headers beyond the overview (never fetched).

    Empty when none of ``killfile``'s rules needs more than the overview, so a big
    group is not read from the body store for nothing (``pith rules try`` uses it).
    """
    if not killfile.needs_articles:
        return {}
    from nntp.article import parse_article  # late: the email package, ~10 ms of start-up

    full: dict[str, Article] = {}
    for number, message_id in zip(numbers_of(overviews), message_ids_of(overviews)):
        raw = library.body(message_id)
        if raw is not None:
            full[message_id] = parse_article(raw, number)
    return full


def parse_tags(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """``"+linux -flame"`` -> (include, exclude); a bare word includes."""
    include, exclude = set(), set()
    for word in text.lower().replace(",", " ").split():
        if word.startswith("-"):
            exclude.add(word[1:])
        else:
            include.add(word.lstrip("+"))
    return frozenset(include - {""}), frozenset(exclude - {""})


def score_map(table: ScoreTable) -> dict[str, RowScore]:
    """Message-ID -> RowScore, only for articles that are not plain "normal, 0, untagged"."""
    return scored_articles(table)[0]


def scored_articles(table: ScoreTable) -> tuple[dict[str, RowScore], list[int]]:
    """``score_map``, and the indices of the articles in it (what finds their threads without a string).

    Only articles with a score, a forced state or a tag can be anything else (unless the
    thresholds make 0 itself non-normal), so on a big quiet group this visits a few.
    """
    if table.limits.state(0) != ScoreState.NORMAL:
        candidates: Iterable[int] = range(len(table.articles))
    else:
        candidates = sorted(set(compress(range(len(table.scores)), table.scores))
                            .union(table.forced, *table.tag_index.values()))
    out: dict[str, RowScore] = {}
    indices: list[int] = []
    message_id = _message_id_at(table.articles)
    for i in candidates:
        score, tags = table.scores[i], table.tags(i)
        state = table.state(i)
        if score or tags or state != ScoreState.NORMAL:
            out[message_id(i)] = RowScore(score, state, tuple(tags))
            indices.append(i)
    return out, indices


def _message_id_at(articles: Sequence[Overview]) -> Callable[[int], str]:
    """Article i's Message-ID, read from the columns when ``articles`` is Columns (no record built)."""
    if isinstance(articles, Columns):
        return articles.message_id
    return lambda i: articles[i].message_id





def arrange_scored(roots: Sequence[ThreadNode], scores: Mapping[str, RowScore], view: Filter,
                   root_of: Mapping[str, str], indices: Collection[int] | None = None) -> Scored:
    """Prune every thread for ``view`` and flatten it, with one "N hidden" row per thread that has some.

    Threads of a ``Forest`` that lose nothing stay runs of its slots (``ThreadRows``): no node or row is made
    for them; only the threads holding a scored article are made into nodes, pruned and flattened.
    ``indices``: the scored articles' indices in the Columns the trees were threaded from, if known (their
    threads are then found by index, not by Message-ID)."""
    rows, whole = _rows_for(roots)
    result = Scored(rows, dict(scores), root_of, roots=roots)
    done = 0
    for position in _touched(roots, scores, view, root_of, indices):
        whole(done, position)  # best 0: left out of ``best`` (56,000 entries on local.big)
        done = position + 1
        root = roots[position]
        pruned, hidden, best = _prune(root, scores, view)
        if hidden:
            result.hidden[root.message_id] = hidden
        if pruned is not None:
            rows.extend(flatten([pruned]))
            result.best[root.message_id] = best
        folded = len(hidden) if not (view.show_hidden or root.message_id in view.expanded) else 0
        if folded:
            depth = 0 if pruned is None else 1
            rows.append(ThreadRow(None, HIDDEN_ID + root.message_id, "", True, depth))
    whole(done, len(roots))
    return result


def _rows_for(roots: Sequence[ThreadNode]) -> tuple[ThreadRows | list[ThreadRow], Callable[[int, int], None]]:
    """The rows to arrange into, and how the threads from one position to another that show whole join them:
    as a run of slots of a Forest, else flattened."""
    if isinstance(roots, Forest):
        starts, runs = roots.starts, ThreadRows(roots)
        return runs, lambda start, stop: runs.add_slots(starts[start], starts[stop])
    rows: list[ThreadRow] = []
    keys: dict[str, str] = {}

    def flattened(start: int, stop: int) -> None:
        for position in range(start, stop):
            flatten_into(roots[position], rows, keys)
    return rows, flattened


def _touched(roots: Sequence[ThreadNode], scores: Mapping[str, RowScore], view: Filter,
             root_of: Mapping[str, str], indices: Collection[int] | None) -> list[int]:
    """The positions of the threads holding an article with a score entry, ascending: the others show whole
    (unless only some tags show). By position when ``root_of`` indexes these very trees: no root's
    Message-ID decoded; by the scored articles' indices when they are given."""
    if view.include:
        return list(range(len(roots)))
    if isinstance(root_of, RootIndex) and root_of.covers(roots):
        if indices is not None and root_of.by_index:
            return sorted(root_of.positions_of_indices(indices))
        return sorted(root_of.positions_holding(scores.keys()))
    if isinstance(root_of, RootIndex):
        ids = root_of.threads_holding(scores.keys())
    else:
        ids = {top for message_id in scores if (top := root_of.get(message_id)) is not None}
    root_id = roots.root_id if isinstance(roots, Forest) else (lambda position: roots[position].message_id)
    return [position for position in range(len(roots)) if root_id(position) in ids]


def _prune(root: ThreadNode, scores: Mapping[str, RowScore],
           view: Filter) -> tuple[ThreadNode | None, list[str], int]:
    """(the thread with only what shows, or None; its hidden Message-IDs; best shown score).

    A thread where everything shows (the usual case) is returned as it is; only a thread
    that loses articles is rebuilt, bottom-up, keeping placeholders for shown replies.
    """
    open_hidden = view.show_hidden or root.message_id in view.expanded
    order: list[ThreadNode] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        stack.extend(reversed(node.children))
    hidden: list[str] = []
    gone: set[int] = set()
    best: int | None = None
    for node in order:
        if not is_article(node):
            continue
        info = scores.get(node.message_id, NORMAL)
        # a tag filter leaves no "N hidden" of other threads
        if info.state == ScoreState.HIDDEN and _passes_tags(info, view):
            hidden.append(node.message_id)
        if _shows(info, view, open_hidden):
            best = info.score if best is None else max(best, info.score)
        else:
            gone.add(id(node))
    if not gone:
        return root, hidden, best if best is not None else 0
    kept: dict[int, ThreadNode] = {}
    for node in reversed(order):
        children = tuple(kept[id(c)] for c in node.children if id(c) in kept)
        shows = id(node) not in gone and is_article(node)
        if shows or children:
            kept[id(node)] = with_children(node, children, shows)
    return kept.get(id(root)), hidden, best if best is not None else 0


def _shows(info: RowScore, view: Filter, open_hidden: bool) -> bool:
    if info.state == ScoreState.KILLED or (info.state == ScoreState.HIDDEN and not open_hidden):
        return False
    return _passes_tags(info, view)


def _passes_tags(info: RowScore, view: Filter) -> bool:
    """Whether the tag filter (+tag -tag) lets this article through."""
    if view.include and not view.include.intersection(info.tags):
        return False
    return not view.exclude.intersection(info.tags)


def digest(scored: Scored, size: int = DIGEST_SIZE) -> list[ThreadRow]:
    """The first row of the ``size`` threads with the best scores (ties keep thread order)."""
    firsts: list[ThreadRow] = []
    seen: set[str] = set()
    roots: list[str] = []
    root_of = root_reader(scored.root_of)
    for row in scored.rows:
        if row.number is None:
            continue
        root = root_of(row)
        if root is not None and root not in seen:
            seen.add(root)
            roots.append(root)
            firsts.append(row._replace(tree="", show_subject=True, depth=0))
    order = sorted(range(len(firsts)), key=lambda k: -scored.best.get(roots[k], 0))
    return [firsts[k] for k in order[:size]]


def hidden_root(row: ThreadRow) -> str | None:
    """The thread root of an "N hidden" row, else None."""
    return row.message_id[len(HIDDEN_ID):] if row.message_id.startswith(HIDDEN_ID) else None
