"""Scoring ``nntp.columns.Columns`` gives exactly what scoring the same articles as records gives (issue 17).

Every test scores one set of articles twice, as ``list(columns)`` (records, with the
dates in whole seconds as the columns keep them) and as the Columns themselves, and
compares every score, state, tag, explanation, note and the per-article facts the
engine works from (thread ids, parents, thread roots, days). The thread identity on
integer codes (``kernels.code_threads``) is checked against ``thread_codes`` on random
reference forests, and its compiled version against the reference.
"""

from __future__ import annotations

import random
import tarfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import killfile.kernels_pure as pure
from killfile import kernels
from killfile.bodycache import BodyHits
from killfile.columnfacts import ColumnFacts, find_codes
from killfile.engine import score
from killfile.facts import Facts
from killfile.model import AuthorRule, Cap, Origin, ThreadRule, UserState
from killfile.result import ScoreTable
from nntp.columns import Columns, StringTable, from_records
from nntp.models import Article, Overview
from tests.killfile.helpers import NOW, T0, rules

compiled: Any
try:
    from killfile import _kernels as compiled
except ImportError:
    compiled = None

needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled helper is not built here")
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "20news-19997.tar.gz"
GNUS_SCORE = Path(__file__).parent / "data" / "talk.politics.misc.SCORE"

BROAD_RULES = r'''
[[rule]]
name = "subject words"
score = -40
tags = ["noisy"]
any = [{ header = "Subject", contains = ["flame", "spam"] }, { header = "Subject", regex = '^\[ann\]' }]

[[rule]]
name = "from"
score = 25
all = [{ header = "From", contains = "bob@" }, { header = "Lines", gt = 5 }]

[[rule]]
name = "ids and refs"
score = -15
any = [{ header = "Message-ID", contains = "3@x" }, { header = "References", contains = "<1@x>" },
       { header = "Xref", regex = 'b\.c:\d' }, { header = "Parent", equals = "<2@x>" }]

[[rule]]
name = "groups"
score = 7
any = [{ header = "Newsgroups", contains = "b.c" }, { header = "Group", equals = "comp.test" }]

[[rule]]
name = "address and date text"
score = 3
any = [{ header = "Address", equals = "cy@example.org" }, { header = "Date", contains = "Mar 2024" }]

[[rule]]
name = "numbers"
score = -5
any = [{ header = "Bytes", le = 300 }, { header = "Age", lt = 8.5 }, { header = "Date", before = 2024-03-02 }]

[[rule]]
name = "after"
score = 2
all = [{ header = "Date", after = 2024-03-03 }, { tag = "noisy", not = true }]

[[rule]]
name = "slow"
score = -11
any = [{ header = "Organization", contains = "Spam" }, { header = "Body", contains = "buy now" }]

[[rule]]
name = "pinned"
set = 50
all = [{ header = "Subject", contains = "pinned" }]

[[rule]]
name = "idle"
score = -1
expire_after_days = 3
all = [{ header = "From", contains = "ann@" }]

[[cap]]
name = "2 a day"
per = "day"
max = 2

[[cap]]
name = "3 a week in Berlin"
per = "week"
max = 3
timezone = "Europe/Berlin"
keep = "best"
score = -3

[[cap]]
name = "4 a month"
per = "month"
max = 4
spare = "none"
score = -2

[[cap]]
name = "2 per thread"
per = "thread"
max = 2

[[tag]]
name = "noisy"
score = -1

[[tag]]
name = "spoiler"
hide = true

[detectors.pingpong]
replies = 2

[detectors.dominated]
percent = 40
min_articles = 3
'''

STATE = UserState(
    thread_rules=(ThreadRule("<1@x>", "kill", Origin("state", 1)), ThreadRule("<5@x>", "watch", Origin("state", 2)),
                  ThreadRule("<7@x>", "kill", Origin("state", 3), subthread=True),
                  ThreadRule("<gone@x>", "kill", Origin("state", 4))),
    author_rules=(AuthorRule("dee@example.org", -300, Origin("state", 5), action="plonk"),),
    message_tags={"<4@x>": frozenset({"mine"}), "<9@x>": frozenset({"later", "mine"})},
    thread_tags={"<2@x>": frozenset({"watched"}), "<absent@x>": frozenset({"never"})},
    caps=(Cap("bob 1 a day", Origin("state", 6), "day", 1, authors=frozenset({"bob@example.org"})),),
)

AUTHORS = ["Ann <ann@example.org>", "bob@example.org (Bob)", "Cy <CY@example.org>", "Dee <dee@example.org>",
           "Eve <eve@example.org>"]
SUBJECTS = ["topic", "Re: topic", "[ANN] release", "flame war", "Re: flame war", "[list] pinned", "Spoiler: end",
            "spam spam", "other"]
EXTRAS = [(), (), (), (("In-Reply-To", "<3@x>"),), (("Keywords", "patch, Review"),),
          (("Newsgroups", "a.b,b.c"),), (("Organization", "Spam Inc"), ("In-Reply-To", "<zz@x> <8@x>"))]


def compare(articles: list[Overview] | Columns, *, text: str = BROAD_RULES, state: UserState = STATE,
            full: dict[str, Article] | None = None, body: bool = False, group: str = "comp.test",
            now: datetime = NOW) -> ScoreTable:
    """Score the articles as records and as Columns; assert every outcome is the same; give the columns' table."""
    columns = articles if isinstance(articles, Columns) else from_records(articles)
    records = list(columns)
    parsed = rules(text)
    hits = [BodyHits(), BodyHits()] if body else [None, None]
    by_records = score(records, parsed, group, now, state, full, body_hits=hits[0])
    by_columns = score(columns, parsed, group, now, state, full, body_hits=hits[1])
    assert outcome(by_columns) == outcome(by_records)
    if body:
        assert hits[0].fresh == hits[1].fresh  # type: ignore[union-attr]
    return by_columns


def outcome(table: ScoreTable) -> dict[str, Any]:
    """Everything a reader or a script can see of a scoring."""
    ids = [table.articles[i].message_id for i in range(len(table))]
    return {"verdicts": list(table.verdicts()), "states": [table.state(i) for i in range(len(table))],
            "notes": table.notes, "problems": table.problems, "last_match": table.last_match,
            "unevaluated": [(rule.key, sorted(judged)) for rule, judged in table.unevaluated],
            "counts": table.counts(), "index_of": [table.index_of(m) for m in ids], "group": table.group}


def same_facts(columns: Columns, addresses: bool = True) -> None:
    """The engine's per-article facts agree on records and on Columns (ColumnFacts)."""
    by_records, by_columns = Facts(list(columns)), Facts(columns)
    assert isinstance(by_columns, ColumnFacts) and not isinstance(by_records, ColumnFacts)
    names = ["thread_ids", "parents", "thread_keys", "utc_days", "timestamps", "by_id", "numbers", "lines", "sizes",
             "xrefs", "extras", "message_ids", "references", "addresses", "subjects", "authors", "dates",
             "thread_sizes"]
    for name in names + (["address_ids", "author_count"] if addresses else []):
        assert getattr(by_columns, name) == getattr(by_records, name), name
    assert by_columns.days("America/New_York") == by_records.days("America/New_York")
    for i in range(len(columns)):
        assert by_columns.subject(i) == by_records.subject(i) and by_columns.date(i) == by_records.date(i)


# -- random groups --------------------------------------------------------------------------------
ids = st.integers(0, 11).map(lambda k: f"<{k}@x>")
article = st.tuples(ids, st.lists(ids, max_size=5).map(tuple), st.sampled_from(AUTHORS), st.sampled_from(SUBJECTS),
                    st.one_of(st.none(), st.integers(0, 14 * 24 * 3600)), st.integers(0, 40), st.integers(100, 5000),
                    st.sampled_from(["", "host a.b:1 b.c:2", "host b.c:7"]), st.sampled_from(EXTRAS))


def make(rows: list[tuple[Any, ...]]) -> list[Overview]:
    return [Overview(n + 1, subject, author, None if when is None else T0 + timedelta(seconds=when), msgid, refs,
                     size, lines, xref, extra)
            for n, (msgid, refs, author, subject, when, lines, size, xref, extra) in enumerate(rows)]


@settings(max_examples=150, deadline=None)
@given(st.lists(article, max_size=40))
def test_random_groups_score_the_same_as_records_and_as_columns(rows: list[tuple[Any, ...]]) -> None:
    """Duplicated and self-referencing Message-IDs, loops, missing dates, In-Reply-To, Keywords and
    Newsgroups extras: every rule kind, thread and author rule, tag, cap and detector agrees."""
    columns = from_records(make(rows))
    compare(columns)
    same_facts(columns)


@settings(max_examples=60, deadline=None)
@given(st.lists(article, min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_columns_taken_out_of_order_score_as_their_records(rows: list[tuple[Any, ...]], rng: random.Random) -> None:
    """``take`` keeps the shared string tables (with entries no article uses, codes not in first-seen order)."""
    whole = from_records(make(rows))
    order = list(range(len(whole)))
    rng.shuffle(order)
    taken = whole.take(order[: rng.randint(1, len(order))])
    compare(taken)
    same_facts(taken, addresses=False)  # address ids number the distinct Froms in table order: same grouping


def test_cached_articles_and_known_body_results_agree() -> None:
    """Rules that need the article (an Organization header, the Body) judged on cached articles."""
    arts = make([(f"<{k}@x>", (), AUTHORS[k % 5], SUBJECTS[k % 9], k * 3600, k, 200 * k, "", EXTRAS[k % 7])
                  for k in range(12)])
    full = {a.message_id: Article(a.number, a.message_id, (("Organization", "Spam Co" if a.number % 2 else "Ok"),
                                                           ("Keywords", "cached")),
                                  "buy now\n\fspoiler" if a.number % 3 else "hello") for a in arts[::2]}
    table = compare(arts, full=full, body=True)
    assert any(table.unevaluated) and any("spoiler" in table.tags(i) for i in range(len(table)))


def test_rules_bite_on_the_random_mix() -> None:
    """The broad rule set is not vacuous: every kind of outcome shows up on a bigger random group."""
    rng = random.Random(5)
    refs: list[tuple[str, ...]] = []
    for k in range(400):  # threads of replies to recent articles, References trimmed to three
        parent = rng.randrange(max(0, k - 12), k) if k and rng.random() < 0.7 else -1
        refs.append((*refs[parent], f"<{parent}@x>")[-3:] if parent >= 0 else ())
    rows = [(f"<{k if rng.random() < 0.97 else rng.randrange(400)}@x>", refs[k], rng.choice(AUTHORS),
             rng.choice(SUBJECTS), rng.choice([None, rng.randrange(10 * 86400)]), rng.randrange(40),
             rng.randrange(100, 900), rng.choice(["", "host a.b:1 b.c:2"]), rng.choice(EXTRAS)) for k in range(400)]
    table = compare(make(rows))
    kinds = {m.kind for i in range(len(table)) for m in table.entries(i)}
    assert kinds >= {"rule", "author", "thread", "cap", "tag", "usertag", "detector"}
    assert {table.state(i).value for i in range(len(table))} >= {"killed", "hidden", "high", "read"}


def test_a_hostile_1200_deep_chain() -> None:
    """A reply chain 1,200 deep (each reply naming its last three ancestors): one thread, same verdicts."""
    chain = [Overview(n, "Re: chain", AUTHORS[n % 2], T0 + timedelta(seconds=n), f"<{n}@chain>",
                      tuple(f"<{k}@chain>" for k in range(max(0, n - 3), n))) for n in range(1200)]
    columns = from_records(chain)
    table = compare(columns, state=UserState(thread_rules=(ThreadRule("<600@chain>", "kill", Origin("s", 1),
                                                                      subthread=True),)))
    assert Facts(columns).thread_ids == [0] * 1200
    assert sum(table.state(i).value == "killed" for i in range(1200)) == 600
    same_facts(columns)


@pytest.fixture(scope="module")
def politics() -> list[Overview]:
    """talk.politics.misc of the 20 Newsgroups corpus (../shared), as the archive reader makes overviews."""
    if not CORPUS.exists():
        pytest.skip("the 20 Newsgroups corpus (../shared/corpus) is not here")
    from nntp.archive import parse_message

    out: list[Overview] = []
    with tarfile.open(CORPUS) as tar:
        for member in tar:
            if member.isfile() and "/talk.politics.misc/" in member.name:
                raw = tar.extractfile(member).read()  # type: ignore[union-attr]
                out.append(parse_message(raw, "talk.politics.misc").overview._replace(number=len(out) + 1))
    return out


def test_the_20_newsgroups_politics_group_with_its_gnus_score_file(politics: list[Overview]) -> None:
    """1,000 real 1993 articles (trimmed References, real threads) with the broad rules and a converted Gnus
    score file: the same verdicts both ways, and the rules and detectors did bite."""
    from killfile.import_gnus import convert_gnus

    gnus, _ = convert_gnus(GNUS_SCORE, now=datetime(2026, 12, 1, tzinfo=timezone.utc))
    roots = [a.message_id for a in politics if not a.references][:5]
    state = UserState(thread_rules=tuple(ThreadRule(m, "kill", Origin("s", k), subthread=bool(k % 2))
                                         for k, m in enumerate(roots)),
                      thread_tags={roots[0]: frozenset({"t"})})
    now = datetime(1993, 6, 1, tzinfo=timezone.utc)
    for text in (BROAD_RULES, gnus):
        table = compare(politics, text=text, state=state, group="talk.politics.misc", now=now)
        assert sum(table.state(i).value != "normal" for i in range(len(table))) > 50
    same_facts(from_records(politics))


# -- thread identity on codes ---------------------------------------------------------------------
forest = st.lists(st.tuples(st.integers(0, 15), st.lists(st.integers(0, 19), max_size=6)), max_size=50)


def coded(rows: list[tuple[int, list[int]]]) -> tuple[Columns, list[str], list[tuple[str, ...]]]:
    ids = [f"<{own}@f>" for own, _ in rows]
    refs = [tuple(f"<{r}@f>" for r in named) for _, named in rows]
    arts = [Overview(n, "s", "a", None, m, r) for n, (m, r) in enumerate(zip(ids, refs))]
    return from_records(arts), ids, refs


@settings(max_examples=300, deadline=None)
@given(forest)
def test_code_threads_numbers_threads_as_thread_codes(rows: list[tuple[int, list[int]]]) -> None:
    """Random reference forests (duplicates, self-references, loops, trimmed chains): same ids, same numbering."""
    columns, ids, refs = coded(rows)
    expected = kernels.thread_codes(refs, ids)
    args = (columns.id_codes, columns.ref_starts, columns.ref_codes, len(columns.ids))
    assert kernels.code_threads(*args) == expected
    assert pure.code_threads(*args) == expected
    assert pure.code_threads(list(columns.id_codes), list(columns.ref_starts), list(columns.ref_codes),
                             len(columns.ids)) == expected


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(forest, st.lists(st.tuples(st.integers(0, 49), st.integers(0, 25)), max_size=5), st.sets(st.integers(0, 25)))
def test_the_compiled_code_kernels_agree_with_the_reference(rows: list[tuple[int, list[int]]],
                                                            links: list[tuple[int, int]], wanted: set[int]) -> None:
    columns, _, _ = coded(rows)
    nodes = len(columns.ids) + 6
    links = [(i, c) for i, c in links if i < len(columns) and c < nodes]
    args = (columns.id_codes, columns.ref_starts, columns.ref_codes, nodes)
    assert compiled.code_threads(*args, links) == pure.code_threads(*args, links)
    for codes, starts in ((columns.id_codes, None), (columns.ref_codes, columns.ref_starts)):
        assert compiled.naming_codes(codes, starts, wanted) == pure.naming_codes(codes, starts, wanted)
    stamps = from_records([Overview(1, "s", "a", T0 - timedelta(days=800, seconds=7), "<a>", ()),
                           Overview(2, "s", "a", None, "<b>", ())]).stamps
    assert compiled.stamp_days(stamps) == pure.stamp_days(stamps) == [(T0 - timedelta(days=800)).toordinal(), -1]


def test_codes_outside_the_table_are_refused_clearly() -> None:
    from array import array

    for kernel in [pure.code_threads] + ([compiled.code_threads] if compiled else []):
        with pytest.raises(ValueError, match="outside the table"):
            kernel(array("i", [0, 3]), array("q", [0, 0, 0]), array("i"), 2)
        with pytest.raises(ValueError, match="do not fit"):
            kernel(array("i", [0]), array("q", [0, 2]), array("i", [1]), 2)


def test_in_reply_to_ids_missing_from_the_table_still_join() -> None:
    """Two articles whose only link is an In-Reply-To naming an ID nobody has: one thread, as with records."""
    arts = [Overview(1, "s", "a", None, "<a>", (), extra=(("In-Reply-To", "<ghost>"),)),
            Overview(2, "s", "a", None, "<b>", (), extra=(("in-reply-to", "<ghost>"),)),
            Overview(3, "s", "a", None, "<c>", ())]
    assert Facts(from_records(arts)).thread_ids == Facts(arts).thread_ids == [0, 0, 1]


def test_find_codes_matches_whole_strings_only() -> None:
    table = StringTable()
    for value in ("<ab>", "", "<a>", "x<a>y", "<a>b"):
        table.code(value)
    table.freeze()
    assert find_codes(table, {"<a>", "", "<a", "nope"}) == {2: "<a>", 1: ""}
    many = {f"<{k}>" for k in range(20)} | {"<ab>"}
    assert find_codes(table, many) == {0: "<ab>"}


# -- text scans straight from the string tables -----------------------------------------------------
table_text = st.text(alphabet=st.sampled_from("ab <>@é\n\r\ud800"), max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(table_text, st.lists(table_text, max_size=3).map(tuple), table_text), max_size=12))
def test_coded_texts_join_as_the_decoded_lines_do(rows: list[tuple[str, tuple[str, ...], str]]) -> None:
    """Message-ID, References and Xref lines joined from the table's bytes are ``join_lines`` of the decoded
    lines, line breaks and lone surrogates included (those take the decoded way); each line decodes alone."""
    from killfile.kernels import join_lines
    from killfile.matchers import CodedTexts

    columns = from_records([Overview(n, "s", "a", None, m, r, xref=x) for n, (m, r, x) in enumerate(rows)])
    for texts, lines in ((CodedTexts(columns.ids, columns.id_codes), [m for m, _, _ in rows]),
                         (CodedTexts(columns.ids, columns.ref_codes, columns.ref_starts), [" ".join(r) for _, r, _ in rows]),
                         (CodedTexts(columns.xrefs), [x for _, _, x in rows])):
        assert len(texts) == len(lines) and [texts[k] for k in range(len(texts))] == lines
        assert texts.joined() == join_lines(lines)
    facts = Facts(columns)
    parents = [r[-1] if r else "" for _, r, _ in rows]
    for header, lines in (("parent", parents), ("message-id", [m for m, _, _ in rows]),
                          ("references", [" ".join(r) for _, r, _ in rows]), ("xref", [x for _, _, x in rows])):
        found = facts.texts(header)
        assert isinstance(found, CodedTexts) and list(found) == lines and found.joined() == join_lines(lines), header
    assert facts.texts("subject") is None and Facts(list(columns)).texts("parent") is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(table_text, st.lists(table_text, max_size=3).map(tuple)), max_size=12))
def test_join_and_decode_coded_compiled_and_reference_agree(rows: list[tuple[str, tuple[str, ...]]]) -> None:
    columns = from_records([Overview(n, "s", "a", None, m, r) for n, (m, r) in enumerate(rows)])
    blob, ends = columns.ids.blob, columns.ids.ends
    for codes, starts in ((columns.id_codes, None), (columns.ref_codes, columns.ref_starts), (None, None)):
        expected = pure.join_coded(blob, ends, codes, starts)
        assert kernels.join_coded(blob, ends, codes, starts) == expected
    for codes in (columns.id_codes, None):
        assert kernels.decode_coded(blob, ends, codes) == pure.decode_coded(blob, ends, codes)
    assert kernels.decode_coded(blob, ends, columns.id_codes) == [m for m, _ in rows]


def test_coded_kernels_refuse_codes_outside_the_table() -> None:
    from array import array

    with pytest.raises((ValueError, IndexError)):
        kernels.decode_coded(b"ab", array("q", [1, 2]), array("i", [2]))
    with pytest.raises((ValueError, IndexError)):
        kernels.join_coded(b"ab", array("q", [1, 2]), array("i", [0, 5]), None)


@settings(max_examples=200, deadline=None)
@given(st.lists(table_text, max_size=15), st.lists(table_text, max_size=6))
def test_find_strings_and_shared_codes_agree_with_the_reference(values: list[str], wanted: list[str]) -> None:
    table = StringTable()
    codes = [table.code(v) for v in values]
    table.freeze()
    encoded = [w.encode("utf-8", "surrogatepass") for w in wanted]
    expected = [codes[values.index(w)] if w in values else -1 for w in wanted]
    assert kernels.find_strings(table.blob, table.ends, encoded) == expected
    assert pure.find_strings(table.blob, table.ends, encoded) == expected
    from array import array

    column = array("i", codes)
    assert kernels.shared_codes(column) == pure.shared_codes(column) == codes


@needs_compiled
@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 3), st.integers(-2, 2)), max_size=30),
       st.integers(0, 2), st.booleans())
def test_beyond_ranks_column_arrays_as_it_ranks_dates_and_lists(rows: list[tuple[int, int, int, int]], limit: int,
                                                                best: bool) -> None:
    """Caps on Columns hand ``beyond`` the stamp and number arrays and lazily decoded IDs: same answer."""
    from array import array

    from killfile.matchers import CodedTexts

    arts = [Overview(k + 1 if k % 4 else 1, "s", "a", None if when == -2 else T0 + timedelta(hours=when),
                     f"<{mid}@x>", ()) for k, (_, _, mid, when) in enumerate(rows)]
    columns = from_records(arts)
    major, minor = [r[0] for r in rows], [r[1] for r in rows]
    full = set(range(0, 40))
    scores = [r[2] - r[3] for r in rows] if best else None
    expected = pure.beyond(major, 10, minor, full, limit, [a.date for a in arts], [a.number for a in arts],
                           [a.message_id for a in arts], scores)
    lazy = CodedTexts(columns.ids, columns.id_codes)
    assert compiled.beyond(major, 10, minor, full, limit, columns.stamps, columns.numbers, lazy, scores) == expected
    assert pure.beyond(major, 10, minor, full, limit, columns.stamps, array("q", columns.numbers), lazy,
                       scores) == expected


@settings(max_examples=150, deadline=None)
@given(st.lists(article, max_size=30))
def test_by_id_settles_duplicates_as_a_pass_over_every_article_does(rows: list[tuple[Any, ...]]) -> None:
    """Only the copies the first dict did not keep are compared: the same winner as comparing every article."""
    from killfile.facts import _canonical_key

    arts = make(rows)
    expected = {a.message_id: i for i, a in enumerate(arts)}
    for i, a in enumerate(arts):
        if _canonical_key(a) < _canonical_key(arts[expected[a.message_id]]):
            expected[a.message_id] = i
    assert Facts(arts).by_id == Facts(from_records(arts)).by_id == expected
