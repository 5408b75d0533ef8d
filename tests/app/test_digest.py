"""The digest as a group's front page (issue 18): only what the killfile leaves visible, ranked
by score, the reader's interests and activity, each row saying why; with nothing new, the note
says so and the best threads of the last week are shown."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from killfile.model import UserState
from nntp.models import Overview
from nntp.threads import ThreadNode
from store.visits import Visit
from app.digest import REASON_WIDTH, Interests, digest_since, reader_tags
from app.scoring import Filter, RowScore, arrange_scored, roots_of

T0 = datetime(2024, 3, 1, tzinfo=timezone.utc)


def node(number: int, author: str, *children: ThreadNode, subject: str = "", days: float = 0) -> ThreadNode:
    article = Overview(number, subject or f"topic {number}", f"{author.title()} <{author}@x.org>",
                       T0 + timedelta(days=days, hours=number), f"<{number}@x>", (), 100, 5)
    return ThreadNode(article, f"<{number}@x>", children)


def group() -> list[ThreadNode]:
    return [
        node(1, "ann", node(2, "bob"), subject="watched thread"),                   # +1000 (watch)
        node(3, "cy", node(4, "dee"), node(5, "eve"), subject="busy thread"),        # 3 articles
        node(6, "fay", node(7, "ann"), subject="read thread"),                       # reader read 6
        node(8, "gus", subject="troll thread"),                                      # killed
        node(9, "hal", subject="tagged thread"),                                     # reader's tag
        node(10, "ann", subject="by a favourite"),                                   # ann: read twice
        node(11, "ivy", subject="quiet thread"),
    ]


SCORES = {"<1@x>": RowScore(1000, "high", ()), "<2@x>": RowScore(1000, "high", ()),
          "<8@x>": RowScore(-9999, "killed", ()), "<9@x>": RowScore(0, "normal", ("later",))}
READ = {2, 6, 7}  # ann wrote 7 and ... (1 unread); bob 2; fay 6


def scored():  # type: ignore[no-untyped-def]
    roots = group()
    return arrange_scored(roots, SCORES, Filter(), roots_of(roots))


def test_first_visit_ranks_every_visible_thread_with_a_reason() -> None:
    interests = Interests(lambda n: n in READ | {1}, frozenset({"later"}))
    rows, note = digest_since(scored(), None, interests)
    subjects = [r.article.subject for r in rows]  # type: ignore[union-attr]
    assert note == "digest: first visit, so all threads"
    assert "troll thread" not in subjects  # killed: not on the front page
    assert subjects[0] == "watched thread" and rows[0].tree.startswith("watched, you read in it")
    assert subjects[1] == "read thread" and "you read in it" in rows[1].tree
    assert "#later" in rows[subjects.index("tagged thread")].tree
    assert "by Ann" in rows[subjects.index("by a favourite")].tree  # ann: 1 and 7 read
    assert subjects.index("by a favourite") < subjects.index("quiet thread")
    assert all(len(r.tree) == REASON_WIDTH + 3 and r.depth == 0 for r in rows)


def test_since_the_last_visit_only_threads_that_grew() -> None:
    rows, note = digest_since(scored(), Visit(4, 0), Interests(lambda n: n in READ))
    subjects = [r.article.subject for r in rows]  # type: ignore[union-attr]
    assert subjects[:2] == ["read thread", "busy thread"]  # read in it beats one more new article
    assert set(subjects) == {"busy thread", "read thread", "tagged thread", "by a favourite", "quiet thread"}
    assert rows[subjects.index("busy thread")].tree.startswith("1 new")
    assert "threads with new articles" in note


def test_nothing_new_says_so_and_shows_the_best_recent_threads() -> None:
    roots = group() + [node(20, "old", subject="last month", days=-30)]
    table = arrange_scored(roots, SCORES, Filter(), roots_of(roots))
    rows, note = digest_since(table, Visit(20, 0))
    subjects = [r.article.subject for r in rows]  # type: ignore[union-attr]
    assert "nothing new since your last visit" in note and "best threads of the last 7 days" in note
    assert "last month" not in subjects and subjects[0] == "watched thread"
    assert "2 recent" in rows[0].tree


def test_reader_tags_are_the_readers_own() -> None:
    state = UserState(message_tags={"<1@x>": frozenset({"keep"})}, thread_tags={"<3@x>": frozenset({"later"})})
    assert reader_tags(state) == {"keep", "later"} and reader_tags(None) == frozenset()
