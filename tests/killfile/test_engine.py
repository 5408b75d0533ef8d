"""The engine: each rule kind, thresholds, thread and author rules, tags, expiry, explain."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from killfile.model import AuthorRule, Origin, ThreadRule, UserState
from killfile.session import explain_text
from nntp.models import Article
from tests.killfile.helpers import NOW, T0, by_number, explained_sum, ov, run

ORIGIN = Origin("actions.v1.toml", 3)


def rule(condition: str, score: int = -100, extra: str = "") -> str:
    return f'[[rule]]\nname = "r"\nscore = {score}\n{extra}all = [{condition}]\n'


def matched_numbers(articles: list, text: str, **kwargs: object) -> set[int]:
    table = run(articles, text, **kwargs)  # type: ignore[arg-type]
    return {a.number for i, a in enumerate(table.articles) if table.scores[i]}


ARTS = [
    ov(1, "Gizmo news", "Troll <TROLL@example.com>", lines=300, size=30000, xref="h comp.test:1 alt.flame:9"),
    ov(2, "gizmos again", "Ann <ann@example.org>", lines=5),
    ov(3, "Re: gizmo news", "Bob <bob@example.net>", refs=("<1@example.org>",), lines=50),
    ov(4, "Exact Subject", "Cy <cy@example.org>", lines=1, date=False),
]


def test_text_match_kinds_and_case() -> None:
    assert matched_numbers(ARTS, rule('{ header = "Subject", contains = "gizmo" }')) == {1, 2, 3}
    assert matched_numbers(ARTS, rule('{ header = "Subject", contains = "Gizmo", case = true }')) == {1}
    assert matched_numbers(ARTS, rule('{ header = "Subject", equals = "exact subject" }')) == {4}
    assert matched_numbers(ARTS, rule('{ header = "Subject", equals = "exact subject", case = true }')) == set()
    assert matched_numbers(ARTS, rule('{ header = "Subject", regex = "^gizmos?\\\\b" }')) == {1, 2}
    assert matched_numbers(ARTS, rule('{ header = "From", contains = ["troll@", "bob@"] }')) == {1, 3}
    assert matched_numbers(ARTS, rule('{ header = "Address", equals = "troll@example.com" }')) == {1}
    assert matched_numbers(ARTS, rule('{ header = "Message-ID", contains = "<3@" }')) == {3}
    assert matched_numbers(ARTS, rule('{ header = "References", contains = "<1@example.org>" }')) == {3}
    assert matched_numbers(ARTS, rule('{ header = "Xref", contains = "alt.flame" }')) == {1}
    assert matched_numbers(ARTS, rule('{ header = "Newsgroups", contains = "alt.flame" }')) == {1}
    assert matched_numbers(ARTS, rule('{ header = "Group", equals = "comp.test" }')) == {1, 2, 3, 4}


def test_numbers_and_dates() -> None:
    assert matched_numbers(ARTS, rule('{ header = "Lines", gt = 100 }')) == {1}
    assert matched_numbers(ARTS, rule('{ header = "Lines", le = 5 }')) == {2, 4}
    assert matched_numbers(ARTS, rule('{ header = "Bytes", ge = 30000 }')) == {1}
    # NOW is 2024-03-10; article n is dated T0 (2024-03-01 12:00) + n hours; 4 has no date.
    assert matched_numbers(ARTS, rule('{ header = "Age", gt = 8.4 }')) == {1, 2}
    assert matched_numbers(ARTS, rule('{ header = "Age", lt = 8.4 }')) == {3}
    assert matched_numbers(ARTS, rule('{ header = "Date", before = 2024-03-01T14:30:00Z }')) == {1, 2}
    assert matched_numbers(ARTS, rule('{ header = "Date", after = 2024-03-01T14:30:00Z }')) == {3}


def test_and_or_not_combinations() -> None:
    text = ('[[rule]]\nname = "r"\nscore = -1\nall = [{ header = "Subject", contains = "gizmo" }]\n'
            'none = [{ header = "From", contains = "troll" }]\n'
            'any = [{ header = "Lines", gt = 40 }, { header = "Lines", lt = 6 }]\n')
    assert matched_numbers(ARTS, text) == {2, 3}
    nested = rule('{ any = [{ header = "Lines", lt = 2 }, { all = [{ header = "Lines", gt = 2 }, '
                  '{ header = "From", contains = "ann" }] }] }')
    assert matched_numbers(ARTS, nested) == {2, 4}
    assert matched_numbers(ARTS, rule('{ header = "Subject", contains = "gizmo", not = true }')) == {4}


def test_set_stops_later_file_rules_and_thresholds_decide_state() -> None:
    text = ('[[rule]]\nname = "kill gizmo"\nscore = -9999\nall = [{ header = "Subject", contains = "gizmo" }]\n'
            '[[rule]]\nname = "but bob is fine"\nset = 10\nall = [{ header = "From", contains = "bob" }]\n'
            '[[rule]]\nname = "never reached for bob"\nscore = -50\nall = [{ header = "Subject", contains = "news" }]\n')
    result = by_number(run(ARTS, text))
    assert result[1] == (-10049, "killed", [])
    assert result[3] == (10, "high", [])
    assert result[2][:2] == (-9999, "killed")
    scoped = text + '[[thresholds]]\ngroups = ["comp.*"]\nkill = -20000\nhide = -5000\n'
    assert by_number(run(ARTS, scoped))[2][1] == "hidden"
    assert by_number(run(ARTS, scoped, group="rec.test"))[2][1] == "killed"


def test_rule_scope_limits_groups() -> None:
    text = rule('{ header = "Subject", contains = "gizmo" }', extra='groups = ["rec.*"]\n')
    assert matched_numbers(ARTS, text) == set()
    assert matched_numbers(ARTS, text, group="rec.gizmos") == {1, 2, 3}


def test_thread_kill_covers_subject_changes_and_late_arrivals() -> None:
    thread = [ov(1, "original topic"), ov(2, "Re: original topic", refs=("<1@example.org>",)),
              ov(3, "totally new subject (was: original topic)", refs=("<1@example.org>", "<2@example.org>")),
              ov(4, "unrelated"), ov(5, "truncated refs", refs=("<3@example.org>",))]
    state = UserState(thread_rules=(ThreadRule("<1@example.org>", "kill", ORIGIN),))
    first = by_number(run(thread, state=state))
    assert {n for n, (_, s, _) in first.items() if s == "killed"} == {1, 2, 3, 5}
    late = thread + [ov(6, "Re: something else entirely", refs=("<1@example.org>", "<3@example.org>"))]
    assert by_number(run(late, state=state))[6][1] == "killed"
    sub = UserState(thread_rules=(ThreadRule("<2@example.org>", "kill", ORIGIN, subthread=True),))
    assert {n for n, (_, s, _) in by_number(run(thread, state=sub)).items() if s == "killed"} == {2, 3, 5}


def test_thread_kill_with_missing_root_and_watch_and_expiry() -> None:
    orphans = [ov(1, "Re: x", refs=("<gone@x>",)), ov(2, "Re: x", refs=("<gone@x>", "<1@example.org>")), ov(3)]
    watch = UserState(thread_rules=(ThreadRule("<gone@x>", "watch", ORIGIN),))
    assert [by_number(run(orphans, state=watch))[n][1] for n in (1, 2, 3)] == ["high", "high", "normal"]
    expired = UserState(thread_rules=(ThreadRule("<gone@x>", "kill", ORIGIN, expires=NOW - timedelta(days=1)),))
    assert by_number(run(orphans, state=expired))[1][1] == "normal"


def test_author_plonk_and_boost_by_normalised_address() -> None:
    arts = [ov(1, author="Troll <Troll@Example.COM>"), ov(2, author="troll@example.com (The Troll)"),
            ov(3, author="Friend <friend@example.org>")]
    state = UserState(author_rules=(AuthorRule("troll@example.com", 0, ORIGIN, action="plonk"),
                                    AuthorRule("friend@example.org", 0, ORIGIN, action="boost")))
    result = by_number(run(arts, state=state))
    assert result[1][:2] == result[2][:2] == (-9999, "killed")
    assert result[3][:2] == (100, "high")
    text = '[[author]]\naddress = "Friend <FRIEND@example.org>"\nscore = 7\n'
    assert by_number(run(arts, text))[3][0] == 7


def test_tags_from_rules_prefixes_keywords_users_and_filters() -> None:
    arts = [ov(1, "[PATCH v2 3/7] mm: fix"), ov(2, "Re: [Foundation-l] [SPOILER] the end"),
            ov(3, "plain", extra=(("Keywords", "Linux, kernel patch"),)), ov(4, "quiet")]
    state = UserState(message_tags={"<4@example.org>": frozenset({"mine"})})
    text = ('[[rule]]\nname = "t"\ntags = ["flagged"]\nall = [{ header = "Subject", contains = "plain" }]\n'
            '[[tag]]\nname = "spoiler"\nhide = true\n[[tag]]\nname = "patch"\nscore = 5\n')
    result = by_number(run(arts, text, state=state))
    assert result[1] == (5, "high", ["patch"])
    assert result[2] == (0, "hidden", ["foundation-l", "spoiler"])
    assert result[3][2] == ["flagged", "kernel-patch", "linux"]
    assert result[4][2] == ["mine"]
    only = by_number(run(arts, '[[tag]]\nname = "patch"\nonly = true\n'))
    assert [only[n][1] for n in (1, 2, 3, 4)] == ["normal", "hidden", "hidden", "hidden"]


def test_thread_tags_apply_to_descendants() -> None:
    arts = [ov(1), ov(2, refs=("<1@example.org>",)), ov(3)]
    state = UserState(thread_tags={"<1@example.org>": frozenset({"project"})})
    result = by_number(run(arts, state=state))
    assert result[1][2] == result[2][2] == ["project"] and result[3][2] == []


def test_tag_conditions_see_earlier_tags() -> None:
    arts = [ov(1, "[PATCH] x"), ov(2, "y")]
    text = rule('{ tag = "patch" }', score=-3)
    assert by_number(run(arts, text))[1][0] == -3


def test_expiry_by_date_and_by_idle_days() -> None:
    arts = [ov(1, "gizmo")]  # dated 2024-03-01
    expired = rule('{ header = "Subject", contains = "gizmo" }', extra="expires = 2024-03-05\n")
    table = run(arts, expired)
    assert table.scores == [0] and "expired" in table.notes[0]
    idle = rule('{ header = "Subject", contains = "gizmo" }', extra="expire_after_days = 5\n")
    assert run(arts, idle).scores == [0]  # last match 2024-03-01, now 2024-03-10
    fresh = run(arts, idle, now=T0 + timedelta(days=2))
    assert fresh.scores == [-100] and fresh.last_match["r"] == arts[0].date
    remembered = UserState(last_match={"r": NOW - timedelta(days=1)})
    assert run(arts, idle, state=remembered).scores == [-100]


def test_headers_beyond_the_overview_need_the_cached_article() -> None:
    arts = [ov(1), ov(2), ov(3, extra=(("Organization", "Spam Inc"),))]
    text = rule('{ header = "Organization", contains = "spam" }') + rule(
        '{ header = "Body", regex = "(?m)^buy now" }', score=-7)
    full = {"<1@example.org>": Article(1, "<1@example.org>", (("Organization", "SPAM Inc."),), "hello\nbuy now\n")}
    table = run(arts, text, full=full)
    assert table.scores == [-107, 0, -100]
    notes = table.verdict(1).notes
    assert len(notes) == 2 and all("needs the article" in n for n in notes)
    assert table.verdict(0).notes == ()
    assert "needs the article" in explain_text(table, 1)


def test_explain_lists_everything_in_order_and_sums_to_the_score() -> None:
    arts = [ov(n, "[LIST] busy", "Busy <busy@example.org>", refs=() if n == 1 else ("<1@example.org>",))
            for n in range(1, 6)]
    text = (rule('{ header = "From", contains = "busy" }', score=-5)
            + '[[cap]]\nname = "two per thread"\nper = "thread"\nmax = 2\nscore = -30\n')
    state = UserState(author_rules=(AuthorRule("busy@example.org", 3, ORIGIN),))
    table = run(arts, text, state=state)
    for i in range(len(arts)):
        assert explained_sum(table, i) == table.scores[i]
    last = table.verdict(4)
    assert [(m.rule, m.source, m.delta) for m in last.matched] == [
        ("r", "score.toml:1", -5), ("score busy@example.org", "actions.v1.toml:3", 3),
        ("cap two per thread", "score.toml:5", -30)]
    assert last.state == "read" and last.tags == ("list",)
    text_out = explain_text(table, 4)
    assert "score.toml:5" in text_out and "final score: read" in text_out and "-32" in text_out


def test_forced_states_and_cap_default_hides() -> None:
    arts = [ov(n, author="A <a@x>") for n in range(1, 5)]
    table = run(arts, '[[cap]]\nper = "day"\nmax = 3\n')
    assert [table.state(i) for i in range(4)] == ["normal", "normal", "normal", "hidden"]
    assert table.scores == [0, 0, 0, 0] and table.verdict(3).matched[0].force == "hidden"


def test_empty_inputs() -> None:
    assert run([], rule('{ header = "Subject", contains = "x" }')).counts()["normal"] == 0
    table = run([ov(1)])
    assert table.verdict(0).state == "normal" and table.verdict(0).matched == ()


def test_pure_function_of_now() -> None:
    arts = [ov(1, "gizmo", date=datetime(2024, 1, 1, tzinfo=timezone.utc))]
    text = rule('{ header = "Age", le = 30 }')
    assert run(arts, text, now=datetime(2024, 1, 20, tzinfo=timezone.utc)).scores == [-100]
    assert run(arts, text, now=datetime(2024, 3, 20, tzinfo=timezone.utc)).scores == [0]
