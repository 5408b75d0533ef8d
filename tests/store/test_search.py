"""Full-text search checked against a plain scan of the same cached articles; query syntax; upkeep."""

from __future__ import annotations

import random
import re
import unicodedata
from datetime import datetime, timezone
from functools import cache
from itertools import islice
from pathlib import Path

import pytest

from nntp.archive import ArchiveSource
from nntp.article import parse_article
from store.cache import Store
from store.library import Library
from store.search import HIGHLIGHT, INDEX_LIMIT, match_expression

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "tests" / "data" / "sample.mbox"
CORPUS = REPO.parent / "shared" / "corpus" / "linux-media-2018-08_2019-03.mbox.xz"
_WORD = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """What FTS5's unicode61 tokenizer (remove_diacritics 2) makes of a text, near enough."""
    folded = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c))
    return _WORD.findall(folded)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """The sample, plus the first 2,000 linux-media mails when the corpus is there."""
    paths = [SAMPLE]
    root = tmp_path_factory.mktemp("search")
    if CORPUS.is_file():
        from nntp.archive import iter_mbox

        part = root / "linux-media.mbox"
        with open(part, "wb") as out:
            for raw in islice(iter_mbox(CORPUS), 2000):
                escaped = re.sub(rb"(?m)^(>*From )", rb">\1", raw)
                out.write(b"From mboxrd@z Thu Jan  1 00:00:00 1970\n" + escaped + b"\n")
        paths.append(part)
    lib = Library(Store(root / "store.sqlite3"), lambda: ArchiveSource(*paths))
    lib.groups()
    return lib


@cache
def documents(library: Library) -> dict[tuple[str, int], tuple[list[str], frozenset[str], list[str], str, int | None]]:
    """(group, number) -> (subject tokens, all tokens, body tokens, author text, date), reading every article."""
    out = {}
    for group in library.store.group_table.all():
        for o in library.store.overview_store.all(group.name):
            body = parse_article(library.store.body_store.get(o.message_id) or b"").body[:INDEX_LIMIT]  # documented cap
            stamp = int(o.date.timestamp()) if o.date else None
            words = tokens(body)
            every = frozenset(tokens(o.subject) + tokens(o.author) + words)
            out[(group.name, o.number)] = (tokens(o.subject), every, words, o.author, stamp)
    return out


def scan(library: Library, words: list[str], prefix: bool = False, group: str | None = None,
         author: str | None = None, since: int | None = None) -> set[tuple[str, int]]:
    found = set()
    for key, (_, every, _, author_text, stamp) in documents(library).items():
        if prefix:
            ok = all(any(t.startswith(w) for t in every) for w in words)
        else:
            ok = all(w in every for w in words)
        if ok and (group is None or key[0] == group) and (author is None or author.lower() in author_text.lower()) \
                and (since is None or (stamp is not None and stamp >= since)):
            found.add(key)
    return found


def queries(library: Library, count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    docs = list(documents(library).values())
    out = []
    for _ in range(count):
        subject, _, body, _, _ = rng.choice(docs)
        pool = [t for t in subject + body if len(t) > 3 and t.isascii()] or ["pith"]
        out.append(rng.sample(pool, min(len(pool), rng.choice((1, 1, 2)))))
    return out


def hits(library: Library, query: str, **filters: object) -> set[tuple[str, int]]:
    return {(h.group, h.number) for h in library.search(query, limit=None, **filters)}  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(4))
def test_search_equals_a_plain_scan(library: Library, seed: int) -> None:
    for words in queries(library, 15, seed):
        assert hits(library, " ".join(words)) == scan(library, words), words


def test_prefix_and_filters_equal_a_plain_scan(library: Library) -> None:
    groups = [g.name for g in library.store.group_table.all()]
    for words in queries(library, 10, 99):
        stem = [w[:4] for w in words]
        assert hits(library, " ".join(s + "*" for s in stem)) == scan(library, stem, prefix=True), stem
        for group in groups[:3]:
            assert hits(library, " ".join(words), group=group) == scan(library, words, group=group)
    since = datetime(2018, 12, 1, tzinfo=timezone.utc)
    assert hits(library, "media", since=since) == scan(library, ["media"], since=int(since.timestamp()))
    assert hits(library, "the", author="kernel.org") == scan(library, ["the"], author="kernel.org")


def test_hits_carry_what_the_cli_prints(library: Library) -> None:
    (hit, *_) = library.search("space", limit=5)
    assert hit.group and hit.number and hit.message_id.startswith("<") and hit.subject and hit.author
    assert HIGHLIGHT[0] + "space" in hit.snippet.lower() or HIGHLIGHT[0] in hit.snippet
    assert "\n" not in hit.snippet and "\x1b" not in hit.snippet
    dates = [h.date for h in library.search("the", limit=50) if h.date]
    assert dates == sorted(dates, reverse=True)
    assert len(library.search("the", limit=7)) == 7


def test_only_filters_and_strange_queries_never_fail(library: Library) -> None:
    assert library.search("", author="ann", limit=None) is not None
    for query in ['"unbalanced', "AND OR NOT", "-", "a:b", "subject:", "(", "*", 'from:"x', "NEAR(a b)"]:
        library.search(query)
    assert match_expression('v4l2-ctl "a phrase" pre* subject:hello from:ann') == (
        '"v4l2-ctl" AND "a phrase" AND "pre"* AND subject : "hello" AND author : "ann"')


def test_new_bodies_enter_the_index_in_the_same_transaction(tmp_path: Path) -> None:
    from tests.fakes.source import FakeSource, make_overview

    source = FakeSource({"g": [make_overview(1), make_overview(2, parent=1)]})
    lib = Library(Store(tmp_path / "s.sqlite3"), lambda: source)
    lib.enter_group("g")
    assert hits(lib, "topic") == {("g", 1), ("g", 2)} and hits(lib, "body") == set()
    lib.article("g", 2)
    assert hits(lib, "body") == {("g", 2)}
    assert lib.store.db.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
