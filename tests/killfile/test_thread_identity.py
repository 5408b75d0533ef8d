"""One thread identity: References trimmed from the front (as 1993 clients did) still make one thread
for the detectors, per-thread caps, thread kills and plugin fields; hiding caps spare thread starters."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from killfile import session
from killfile.facts import Facts
from killfile.model import Origin, ThreadRule, UserState
from killfile.session import explain_text
from nntp.models import Overview
from nntp.threads import thread
from tests.killfile.helpers import NOW, ov, run


def mid(k: int) -> str:
    return f"<{k}@example.org>"


def trimmed_chain(n: int, authors: tuple[str, ...] = ("a@x", "b@x"), keep: int = 2) -> list[Overview]:
    """Article k answers k - 1; each keeps only its last ``keep`` References (the front trimmed)."""
    return [ov(k, "Re: argument", authors[(k - 1) % len(authors)],
               refs=tuple(mid(j) for j in range(max(1, k - keep), k))) for k in range(1, n + 1)]


def tagged(table, name: str) -> set[int]:  # type: ignore[no-untyped-def]
    return {a.number for i, a in enumerate(table.articles) if name in table.tags(i)}


def test_trimmed_chains_are_one_thread() -> None:
    arts = trimmed_chain(10) + [ov(50, "other")]
    facts = Facts(arts)
    assert len(set(facts.thread_ids[:10])) == 1 and facts.thread_ids[10] != facts.thread_ids[0]
    assert facts.thread_sizes[facts.thread_ids[0]] == 10
    assert set(facts.thread_keys[:10]) == {mid(1)}  # the root, not the first ID each fragment names


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.lists(st.integers(0, 15), max_size=4)), max_size=25))
def test_every_jwz_thread_is_one_engine_thread(shapes: list[tuple[int, list[int]]]) -> None:
    """Whatever the References (trimmed, absent, looping, duplicated IDs), a JWZ tree never spans two threads."""
    arts = [ov(n, msgid=mid(own), refs=tuple(mid(r) for r in refs)) for n, (own, refs) in enumerate(shapes, 1)]
    facts = Facts(arts)
    thread_of = {a.number: t for a, t in zip(arts, facts.thread_ids)}
    for root in thread(arts):
        assert len({thread_of[a.number] for a in root.articles()}) == 1


def test_an_in_reply_to_in_the_overview_joins_the_thread() -> None:
    arts = [ov(1), ov(2, extra=(("In-Reply-To", mid(1)),)), ov(3, extra=(("X-Other", mid(1)),))]
    assert Facts(arts).thread_ids == [0, 0, 1]


def test_pingpong_finds_an_exchange_whose_references_were_trimmed() -> None:
    assert tagged(run(trimmed_chain(8)), "pingpong") == set(range(1, 9))


def test_dominated_judges_the_whole_thread_not_a_fragment() -> None:
    # a wrote 4 of the first 9 (not over half); the whole thread is 20 with a writing 14 of them.
    authors = ("a@x", "b@x", "c@x", "d@x") * 2 + ("b@x",) + ("a@x",) * 11
    arts = [ov(k, "Re: t", authors[k - 1], refs=tuple(mid(j) for j in range(max(1, k - 1), k)))
            for k in range(1, 21)]
    assert tagged(run(arts), "dominated") == set(range(1, 21))
    few = arts[:9]
    assert tagged(run(few), "dominated") == set()


def test_a_per_thread_cap_counts_across_trimmed_fragments() -> None:
    arts = trimmed_chain(6, ("r@x", "a@x", "b@x"), keep=1)  # a wrote 2 and 5, in different fragments
    table = run(arts, '[[cap]]\nname = "one each"\nper = "thread"\nmax = 1\n')
    assert [a.number for i, a in enumerate(table.articles) if table.state(i) == "hidden"] == [4, 5, 6]


def test_a_thread_kill_covers_articles_joined_only_through_an_absent_reply() -> None:
    # 3 (absent) answered 2; 4 names 1, 2, 3; 5 was cut to name 3 only; 6 answers 5.
    arts = [ov(1), ov(2, refs=(mid(1),)), ov(4, refs=(mid(1), mid(2), mid(3))), ov(5, refs=(mid(3),)),
            ov(6, refs=(mid(3), mid(5))), ov(9, "unrelated")]
    state = UserState(thread_rules=(ThreadRule(mid(1), "kill", Origin("actions", 1)),))
    table = run(arts, state=state)
    assert [a.number for i, a in enumerate(table.articles) if table.state(i) == "killed"] == [1, 2, 4, 5, 6]
    # A whole-thread kill named by a reply still takes the thread; a subthread kill only what is below.
    middle = UserState(thread_rules=(ThreadRule(mid(2), "kill", Origin("actions", 1)),))
    assert sum(run(arts, state=middle).state(i) == "killed" for i in range(6)) == 5
    below = UserState(thread_rules=(ThreadRule(mid(5), "kill", Origin("actions", 1), subthread=True),))
    assert [a.number for i, a in enumerate(run(arts, state=below).articles)
            if run(arts, state=below).state(i) == "killed"] == [5, 6]


def test_plugin_fields_use_the_whole_thread(tmp_path: Path) -> None:
    (tmp_path / "p.py").write_text("def score(article):\n"
                                   "    return (article.thread_size * 100 + article.author_posts_in_thread,"
                                   " [article.thread_root.strip('<>').replace('@', '-')])\n")
    (tmp_path / "score.toml").write_text('[[plugin]]\npath = "p.py"\n')
    killfile = session.load(tmp_path, tmp_path / "score.toml", with_state=False)
    table = killfile.score(trimmed_chain(6), "comp.test", NOW)
    assert table.scores == [603] * 6
    assert all(table.tags(i) == ["1-example.org"] for i in range(6))


def at(hour: int) -> datetime:
    return datetime(2024, 3, 1, hour, tzinfo=timezone.utc)


def day_of_posts(replied: str) -> list[Overview]:
    """a@x posts 4 times on 1 March; the 4th roots a thread, answered by ``replied``."""
    return [ov(k, f"post {k}", "a@x", date=at(k)) for k in range(1, 5)] + [
        ov(10, "Re: post 4", replied, refs=(mid(4),), date=at(10))]


CAP = '[[cap]]\nname = "3 a day"\nper = "day"\nmax = 3\n'


def test_a_hiding_cap_spares_a_thread_starter_others_replied_to() -> None:
    table = run(day_of_posts("b@x"), CAP)
    assert table.state(3) == "normal" and table.state(4) == "normal"
    assert "cap 3 a day waived" in explain_text(table, 3) and "starts a thread" in explain_text(table, 3)
    assert run(day_of_posts("b@x"), CAP + 'spare = "none"\n').state(3) == "hidden"
    assert run(day_of_posts("a@x"), CAP).state(3) == "hidden"  # only the author's own reply: nothing to keep


def test_a_scoring_cap_spares_no_one_unless_asked() -> None:
    table = run(day_of_posts("b@x"), CAP + "score = -7\n")
    assert table.scores[3] == -7
    assert run(day_of_posts("b@x"), CAP + 'score = -7\nspare = "starters"\n').scores[3] == 0


def test_a_bad_spare_value_is_one_clear_error() -> None:
    from killfile.rules import parse_rules

    _, problems = parse_rules(CAP + 'spare = "roots"\n', "score.toml")
    assert [str(p) for p in problems if p.severity == "error"] == [
        'score.toml:5: error: "spare" must be "starters" or "none", not \'roots\'']
