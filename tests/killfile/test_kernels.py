"""The compiled kernels (killfile/_kernels.pyx) against the reference ones, on random input.

The engine calls whichever ``killfile.kernels`` picked; these properties pin that
the choice never changes an answer. Where the helper is not built the comparisons
are skipped, unless PITH_REQUIRE_COMPILED is set (CI sets it): there a missing
helper is a failed build, not a slow pith.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import NamedTuple
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import killfile.kernels_pure as pure
from killfile import kernels

try:
    from killfile import _kernels as compiled
except ImportError:
    compiled = None

needs_compiled = pytest.mark.skipif(compiled is None, reason="the compiled helper is not built here")

small_text = st.text(alphabet="abc<>@", max_size=3)
refs = st.lists(st.lists(small_text, max_size=3).map(tuple), max_size=40)


def test_the_compiled_helper_is_in_use_where_required() -> None:
    if os.environ.get("PITH_REQUIRE_COMPILED"):
        assert compiled is not None and kernels.COMPILED, "killfile/_kernels.pyx was not built"
    assert kernels.COMPILED == (compiled is not None)


@needs_compiled
def test_the_compiled_helper_is_not_older_than_its_source() -> None:
    """pip hides a failed build and an editable install keeps the old module: catch that here."""
    source = Path(kernels.__file__).with_name("_kernels.pyx")
    if source.exists() and Path(compiled.__file__).parent == source.parent:
        assert Path(compiled.__file__).stat().st_mtime >= source.stat().st_mtime, (
            "killfile/_kernels.pyx changed since the helper was built: `pip install -e .` again "
            "(with -v to see why the build failed)")


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(small_text, max_size=60), st.sets(small_text, max_size=5), st.sampled_from([set, frozenset, dict, list]))
def test_indices_in(values: list[str], wanted: set[str], kind: type) -> None:
    container = dict.fromkeys(wanted) if kind is dict else kind(wanted)
    assert compiled.indices_in(values, container) == pure.indices_in(values, container)


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(refs, st.sets(small_text, max_size=4))
def test_indices_naming(seqs: list[tuple[str, ...]], wanted: set[str]) -> None:
    assert compiled.indices_naming(seqs, wanted) == pure.indices_naming(seqs, wanted)


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(small_text, max_size=60))
def test_codes(values: list[str]) -> None:
    assert compiled.codes(values) == pure.codes(values)


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-2, 6), max_size=40), st.lists(st.none() | st.sampled_from("xyz"), max_size=6))
def test_gather_codes_and_lookup(codes: list[int], table: list[str | None]) -> None:
    assert compiled.gather_codes(codes, table) == pure.gather_codes(codes, table)
    try:
        expected = pure.lookup(codes, table)
    except IndexError:
        with pytest.raises(IndexError):
            compiled.lookup(codes, table)
    else:
        assert compiled.lookup(codes, table) == expected


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.lists(small_text, max_size=3).map(tuple), small_text), max_size=40))
def test_thread_codes(pairs: list[tuple[tuple[str, ...], str]]) -> None:
    references, ids = [p[0] for p in pairs], [p[1] for p in pairs]
    assert compiled.thread_codes(references, ids) == pure.thread_codes(references, ids)


header_text = st.text(alphabet=st.sampled_from("ab <>@\n\r\x00é€\ud800"), max_size=6)


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.lists(header_text, max_size=12))
def test_join_lines(values: list[str]) -> None:
    """ASCII, non-ASCII, lone surrogates (replaced) and line breaks inside a value (spaces)."""
    assert compiled.join_lines(values) == pure.join_lines(values)


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(header_text, max_size=3).map(tuple), max_size=12))
def test_join_references(refs: list[tuple[str, ...]]) -> None:
    assert compiled.join_references(refs) == pure.join_references(refs)


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=40), st.integers(-50, 50), st.integers(-50, 50))
def test_count_newlines(buffer: bytes, start: int, end: int) -> None:
    buffer = buffer.replace(b"a", b"\n")
    assert compiled.count_newlines(buffer, start, end) == pure.count_newlines(buffer, start, end)


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5) | st.integers(1 << 31, 1 << 33), st.integers(-3, 3)), max_size=60),
       st.sampled_from([1, 7, 1 << 32, 1 << 70]), st.integers(0, 4))
def test_counts_over(pairs: list[tuple[int, int]], times: int, limit: int) -> None:
    major, minor = [p[0] for p in pairs], [p[1] for p in pairs]
    got = compiled.counts_over(major, times, minor, limit)
    want = pure.counts_over(major, times, minor, limit)
    assert got == want and list(got) == list(want)


T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
big = st.integers(-(1 << 70), 1 << 70)


@needs_compiled
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(-3, 3) | big, st.sampled_from([None, T0, T0 + timedelta(microseconds=1), T0 + timedelta(days=1)]),
                          st.integers(0, 3), st.sampled_from(["<a@x>", "<b@x>", "<a@y>"]), st.integers(0, 2)), max_size=50),
       st.integers(0, 4), st.booleans(), st.sampled_from([1, 3, 1 << 40]))
def test_beyond(rows: list[tuple[int, int, datetime | None, int, str, int]], limit: int, best: bool, times: int) -> None:
    """Ties in every column but the index are allowed: both keep the earlier index first."""
    major, minor = [r[0] for r in rows], [r[5] for r in rows]
    dates, numbers, ids = [r[2] for r in rows], [r[3] for r in rows], [r[4] for r in rows]
    scores = [r[1] for r in rows] if best else None
    keys = pure.combine(major, times, minor)
    full = {k for k in set(keys) if keys.count(k) > limit and k % 2 == 0}
    assert compiled.beyond(major, times, minor, full, limit, dates, numbers, ids, scores) == pure.beyond(
        major, times, minor, full, limit, dates, numbers, ids, scores)


utc_dates = st.datetimes(timezones=st.just(timezone.utc))
any_dates = st.none() | st.datetimes() | utc_dates | st.datetimes(timezones=st.timezones())


@needs_compiled
@settings(max_examples=500, deadline=None)
@given(st.lists(any_dates, min_size=2, max_size=6))
def test_stamps_order_dates_as_they_compare(dates: list[datetime | None]) -> None:
    """The compiled fast path for UTC dates gives the reference's microseconds, whatever the year."""
    n = len(dates)
    zeros, ids = [0] * n, ["<same@x>"] * n
    for limit in range(n):
        assert compiled.beyond(zeros, 1, zeros, {0}, limit, dates, zeros, ids) == pure.beyond(
            zeros, 1, zeros, {0}, limit, dates, zeros, ids)
    known = [d for d in dates if d is not None and d.tzinfo is not None]
    assert sorted(known) == sorted(known, key=pure.stamp)


@needs_compiled
@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 9), st.text(max_size=3), any_dates), max_size=20))
def test_columns_and_day_ordinals(rows: list[tuple[int, str, datetime | None]]) -> None:
    from nntp.models import Overview

    arts = [Overview(n, s, "a@x", d, f"<{n}@x>", ()) for n, s, d in rows]
    names = ("date", "number", "subject")
    assert compiled.columns(arts, names) == pure.columns(arts, names)
    dates = [a.date for a in arts]
    assert compiled.day_ordinals(dates) == pure.day_ordinals(dates)


class Other(NamedTuple):
    number: int
    subject: str


def test_columns_of_other_records_fall_back() -> None:
    """Plain objects, or records of two kinds mixed, are read by name as the reference does."""
    from nntp.models import Overview

    class Plain:
        def __init__(self, number: int) -> None:
            self.number = number

    assert kernels.columns([Plain(3), Plain(4)], ["number"]) == [[3, 4]]
    mixed = [Overview(1, "s", "a@x", None, "<1@x>", ()), Other(2, "t")]
    assert kernels.columns(mixed, ["subject", "number"]) == [["s", "t"], [1, 2]]


ENGINE_RUN = """
import json, sys
from datetime import timedelta
from bench.score_bench import make_articles, make_rules, thread_kills
from killfile import kernels
from killfile.engine import score
from killfile.result import verdict_json
from killfile.rules import parse_rules
arts = make_articles(4000)
rules, problems = parse_rules(make_rules(arts), "bench.toml")
table = score(arts, rules, "list.0", arts[-1].date + timedelta(days=1), thread_kills(arts))
json.dump({"compiled": kernels.COMPILED, "verdicts": [verdict_json(v) for v in table.verdicts()]}, sys.stdout)
"""


@needs_compiled
def test_the_engine_gives_the_same_verdicts_on_either_kernels() -> None:
    """The bench's 200 rules, 20 thread kills and 3 caps on 4,000 articles: every score, state, tag
    and explain entry is the same whether the compiled helper or the reference does the passes."""
    root = Path(__file__).resolve().parents[2]
    runs = {}
    for pure_kernels in ("", "1"):
        env = {**os.environ, "PITH_PURE_KERNELS": pure_kernels}
        done = subprocess.run([sys.executable, "-c", ENGINE_RUN], cwd=root, env=env, capture_output=True,
                              text=True, check=True, timeout=300)
        runs[pure_kernels] = json.loads(done.stdout)
    assert runs[""]["compiled"] and not runs["1"]["compiled"]
    assert runs[""]["verdicts"] == runs["1"]["verdicts"]
    assert sum(v["state"] != "normal" for v in runs[""]["verdicts"]) > 500  # the rules did bite


def test_reference_examples() -> None:
    """What each kernel computes, spelled out (runs on whichever implementation is in use)."""
    assert kernels.indices_in(["a", "b", "a"], {"a"}) == [0, 2]
    assert kernels.indices_naming([("x", "y"), (), ("z",)], {"y", "z"}) == [0, 2]
    assert kernels.codes(["b", "a", "b"]) == ([0, 1, 0], ["b", "a"])
    assert kernels.gather_codes([0, 1, 0, 2], ["s", None, "t"]) == {"s": [0, 2], "t": [3]}
    assert kernels.lookup([1, 0, 1], ["x", "y"]) == ["y", "x", "y"]
    assert kernels.thread_codes([(), ("<r>",), ("<r>", "<a>")], ["<r>", "<a>", "<b>"]) == [0, 0, 0]
    # References trimmed from the front (1993 clients): chains joined through a shared ID are one thread.
    assert kernels.thread_codes([("<r>", "<a>"), ("<a>", "<b>"), ("<x>",), (), ("<b>",)],
                                ["<b>", "<c>", "<y>", "<z>", "<d>"]) == [0, 0, 1, 2, 0]
    assert kernels.counts_over([1, 2, 1, 1], 10, [3, 4, 3, 5], 1) == {13: 2}
    assert kernels.join_lines(["a\nb", "é"]) == "a b\né".encode()
    assert kernels.join_references([("<a>", "<b>"), ()]) == b"<a> <b>\n"
    assert kernels.count_newlines(b"a\nb\nc", 0, 3) == 1
    stamps = [T0 + timedelta(hours=h) for h in (2, 0, 1, 0)]
    keys, numbers, ids = [7, 7, 7, 8], [1, 2, 3, 4], ["<a>", "<b>", "<c>", "<d>"]
    zeros = [0, 0, 0, 0]
    assert kernels.beyond(keys, 1, zeros, {7}, 1, stamps, numbers, ids) == [0, 2]  # bucket 7 keeps its earliest
    # keep = "best": the highest score, the earlier of the two -5s (index 2, at 1.0)
    assert kernels.beyond(keys, 1, zeros, {7}, 1, stamps, numbers, ids, [-5, -9, -5, 0]) == [0, 1]


def test_articles_of_one_thread_share_one_thread_number_object() -> None:
    """One int per thread, not per article: local.big's 150,000 ints were 5 MB of the scoring peak."""
    ids = [f"<{i}>" for i in range(600)]
    references = [()] * 300 + [(f"<{i}>",) for i in range(300)]  # article 300 + i replies to article i
    found = kernels.thread_codes(references, ids)
    assert found[299] == 299 and found[599] is found[299]


class _Colliding(str):
    """A Message-ID whose hash collides with every other one's: the index must compare, not trust hashes."""

    def __hash__(self) -> int:
        return 7


def test_thread_codes_tell_colliding_ids_apart_and_join_equal_ones() -> None:
    ids = [_Colliding(f"<{i}>") for i in range(200)]
    references = [()] * 100 + [(_Colliding("".join(["<", str(i), ">"])),) for i in range(100)]  # equal, not the same
    assert kernels.thread_codes(references, ids) == list(range(100)) * 2


@needs_compiled
def test_compiled_thread_codes_keep_no_python_object_per_id() -> None:
    """The ID index is C memory: a dict of ID -> int object was 10 MB of local.big's scoring peak."""
    import tracemalloc

    ids = [f"<{i}@x>" for i in range(50_000)]
    references = [(f"<{i - 1}@x>",) if i % 2 else () for i in range(50_000)]
    tracemalloc.start()
    try:
        compiled.thread_codes(references, ids)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_500_000  # the output list (400 kB) and one int per thread (25,000: 800 kB)
