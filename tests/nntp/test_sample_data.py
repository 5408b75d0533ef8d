"""The shipped sample (sample/sample.mbox): framing, headers INN needs, and what it promises.

tests/data/make_sample.py builds the file from ../shared/corpus; these tests read only the
committed file, so they run where the corpora are absent. The last test rebuilds it and
compares bytes when the corpora are there.
"""

from __future__ import annotations

import email
import importlib.util
import re
import sys
from collections import Counter
from email import policy
from email.message import Message
from functools import cache
from pathlib import Path

import pytest

from nntp.archive import ArchiveSource, iter_mbox
from nntp.article import parse_article
from nntp.threads import thread

DATA = Path(__file__).resolve().parents[1] / "data"
SAMPLE = DATA / "sample.mbox"
FROM_LINE = b"From pith-sample Thu Jan  1 00:00:00 1970\n"
NEWS_GROUPS = ("sample.comp.graphics", "sample.comp.os.ms-windows.misc", "sample.comp.sys.ibm.pc.hardware",
               "sample.rec.motorcycles", "sample.sci.space")
ALL_GROUPS = {*NEWS_GROUPS, "sample.linux-media", "sample.misc"}
REQUIRED = ("Path", "From", "Newsgroups", "Subject", "Message-ID", "Date")
ID = re.compile(r"<[^<>\s]+>")
# RFC 5536 msg-id: dot-atom-text "@" (dot-atom-text / no-fold-literal), as INN checks it
_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
VALID_ID = re.compile(rf"<{_ATOM}(?:\.{_ATOM})*@(?:{_ATOM}(?:\.{_ATOM})*|\[[^\[\]\\\s]*\])>\Z")


@cache
def raw_messages() -> tuple[bytes, ...]:
    return tuple(iter_mbox(SAMPLE))


@cache
def messages() -> tuple[Message, ...]:
    return tuple(email.message_from_bytes(raw, policy=policy.compat32) for raw in raw_messages())


def unfold(value: object) -> str:
    return re.sub(r"\r?\n[ \t]", " ", str(value or ""))


def mid(message: Message) -> str:
    return unfold(message["Message-ID"]).strip()


def groups_of(message: Message) -> list[str]:
    return [g.strip() for g in unfold(message["Newsgroups"]).split(",") if g.strip()]


def in_group(name: str) -> list[Message]:
    return [m for m in messages() if name in groups_of(m)]


def by_id(message_id: str) -> Message:
    found = [m for m in messages() if mid(m) == message_id]
    assert len(found) == 1, message_id
    return found[0]


def refs(message: Message) -> list[str]:
    return ID.findall(unfold(message["References"]))


# ---------------------------------------------------------------- the file


def test_file_is_mboxrd_with_fixed_from_lines_and_lf_line_ends() -> None:
    data = SAMPLE.read_bytes()
    assert data.startswith(FROM_LINE)
    assert b"\r" not in data
    assert len(data) < 1_500_000
    assert data.count(b"\n" + FROM_LINE) == data.count(FROM_LINE) - 1  # every other one after a newline...
    assert data.count(b"\n\n" + FROM_LINE) == len(raw_messages()) - 1  # ...that ends a blank line
    assert data.endswith(b"\n\n")
    assert not re.search(rb"(?m)^From (?!pith-sample Thu Jan  1 00:00:00 1970$)", data)


def test_iter_mbox_gives_back_every_message_unescaped() -> None:
    data = SAMPLE.read_bytes()
    assert 300 <= len(raw_messages()) <= 400
    rebuilt = b"".join(FROM_LINE + re.sub(rb"(?m)^(>*From )", rb">\1", raw) + b"\n" for raw in raw_messages())
    assert rebuilt == data
    body = by_id("<mbox-framing.sample@pith.invalid>").get_payload()
    assert "\nFrom the desk of the sample" in body
    assert "\n>From a line that was already quoted once\n>>From a line quoted twice\n.\n..\n" in body


def test_archive_source_lists_the_sample_groups_with_their_counts() -> None:
    counts = {g.name: g.count for g in ArchiveSource(SAMPLE).list_groups()}
    assert set(counts) == ALL_GROUPS
    assert 60 <= counts["sample.linux-media"] <= 100
    assert 10 <= counts["sample.misc"] <= 15
    assert all(counts[name] >= 30 for name in NEWS_GROUPS)


# ---------------------------------------------------------------- what INN needs


def test_every_article_has_the_headers_inn_requires_and_no_xref() -> None:
    for raw, message in zip(raw_messages(), messages(), strict=True):
        head, _, body = raw.partition(b"\n\n")
        names = Counter(k.lower() for k in message.keys())
        assert all(names[h.lower()] == 1 for h in REQUIRED), message["Message-ID"]
        assert names["xref"] == 0
        assert max(len(line) for line in head.split(b"\n")) <= 998
        assert len(body) < 100_000
        assert b"\0" not in raw


def test_message_ids_are_unique_valid_and_rewritten_away_from_the_corpora() -> None:
    ids = [mid(m) for m in messages()]
    assert len(set(ids)) == len(ids)
    assert all(VALID_ID.match(i) and ".sample@" in i for i in ids)
    for message in messages():
        for field in ("References", "In-Reply-To"):
            assert all(".sample@" in i for i in ID.findall(unfold(message[field])) if "@" in i)


def test_newsgroups_name_only_sample_groups_and_crossposts_are_there() -> None:
    assert all(g in ALL_GROUPS for m in messages() for g in groups_of(m))
    crossposted = [m for m in messages() if len(groups_of(m)) > 1]
    assert len(crossposted) >= 10
    assert all(set(groups_of(m)) <= set(NEWS_GROUPS) for m in crossposted)


def test_every_message_parses_with_pith() -> None:
    for number, (raw, message) in enumerate(zip(raw_messages(), messages(), strict=True), 1):
        assert parse_article(raw, number).message_id == unfold(message["Message-ID"]).strip()


# ---------------------------------------------------------------- real threads


def depth(message_id: str, parents: dict[str, str | None]) -> int:
    level, seen = 0, {message_id}
    while (parent := parents.get(message_id)) is not None and parent not in seen:
        level, message_id = level + 1, parent
        seen.add(parent)
    return level


def thread_sizes(articles: list[Message]) -> list[int]:
    """Sizes of the groups of articles linked through any shared Message-ID (union-find)."""
    parent: dict[str, str] = {}

    def find(key: str) -> str:
        while parent.setdefault(key, key) != key:
            key = parent[key]
        return key

    for article in articles:
        for ref in refs(article):
            parent[find(mid(article))] = find(ref)
    return list(Counter(find(mid(a)) for a in articles).values())


def test_news_groups_hold_long_deep_threads_and_missing_roots() -> None:
    news = [m for m in messages() if set(groups_of(m)) & set(NEWS_GROUPS)]
    present = {mid(m) for m in news}
    parents = {mid(m): next((r for r in reversed(refs(m)) if r in present), None) for m in news}
    assert max(depth(mid, parents) for mid in parents) >= 10
    assert max(thread_sizes(news)) >= 20
    orphans = Counter(refs(m)[-1] for m in news if refs(m) and parents[mid(m)] is None)
    assert any(n >= 2 for n in orphans.values())  # siblings whose parent is missing
    re_without_refs = [m for m in news if unfold(m["Subject"]).lower().startswith("re:") and not refs(m)]
    assert len(re_without_refs) >= 3


def test_pith_threading_shows_a_dummy_parent_in_rec_motorcycles() -> None:
    source = ArchiveSource(SAMPLE)
    info = source.select_group("sample.rec.motorcycles")
    batches = source.iter_overviews(info.name, info.low, info.high)
    roots = thread(o for batch in batches for o in batch.overviews)
    dummies = [r for r in roots if r.article is None]
    assert dummies and max(len(r.children) for r in dummies) >= 2


# ---------------------------------------------------------------- linux-media


def test_linux_media_has_mime_charsets_encoded_words_and_a_patch_series() -> None:
    mails = in_group("sample.linux-media")
    assert all(m["Path"] and m["List-Id"] for m in mails)
    assert any(m.is_multipart() for m in mails)
    encodings = {str(p.get("Content-Transfer-Encoding", "")).lower().strip() for m in mails for p in m.walk()}
    assert {"base64", "quoted-printable"} <= encodings
    charsets = {c.lower() for m in mails for c in m.get_charsets() if c}
    assert {"utf-8", "iso-8859-1", "iso-2022-jp"} <= charsets
    assert any("=?utf-8?" in unfold(m["Subject"]).lower() for m in mails)
    assert any("=?" in unfold(m["From"]) for m in mails)
    cover = [m for m in mails if re.match(r"\[PATCH 0/(\d+)\]", unfold(m["Subject"]))]
    assert cover
    for letter in cover:
        total = re.match(r"\[PATCH 0/(\d+)\]", unfold(letter["Subject"])).group(1)  # type: ignore[union-attr]
        letter_id = mid(letter)
        numbers = {found.group(1) for m in mails if letter_id in refs(m)
                   if (found := re.match(rf"\[PATCH ([1-9]\d*)/{total}\]", unfold(m["Subject"])))}
        assert len(numbers) == int(total)  # every patch of the series answers its cover letter


def test_linux_media_mails_with_in_reply_to_have_references() -> None:
    mails = [m for m in in_group("sample.linux-media") if m["In-Reply-To"]]
    assert mails
    for mail in mails:
        assert refs(mail), mail["Message-ID"]
        assert ID.findall(unfold(mail["In-Reply-To"]))[-1] in refs(mail)


# ---------------------------------------------------------------- hand-made edge cases


def misc(slug: str) -> Message:
    return by_id(f"<{slug}.sample@pith.invalid>")


def misc_body(slug: str) -> bytes:
    payload = misc(slug).get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload


def test_misc_hostile_text() -> None:
    assert "\x1b[31m" in misc("ansi-osc-bidi")["Subject"]
    body = misc_body("ansi-osc-bidi").decode("utf-8")
    assert "\x1b]0;pwned\x07" in body and "\u202e" in body


def test_misc_charsets() -> None:
    assert misc("latin1-body").get_content_charset() == "iso-8859-1"
    assert "Grüße aus Köln" in misc_body("latin1-body").decode("latin-1")
    assert misc("koi8r-subject")["Subject"].startswith("=?KOI8-R?B?")
    assert misc("iso2022jp")["Subject"].startswith("=?ISO-2022-JP?B?")
    assert "\nSubject: Raw UTF-8 in a header: naïve café".encode() in raw_messages()[-1]


def test_misc_references_loop_and_a_references_header_over_2048_bytes() -> None:
    assert refs(misc("loop-a")) == ["<loop-b.sample@pith.invalid>"]
    assert refs(misc("loop-b")) == ["<loop-a.sample@pith.invalid>"]
    long_refs = misc("long-references")
    assert len(unfold(long_refs["References"])) > 2048
    assert refs(long_refs)[-1] == "<latin1-body.sample@pith.invalid>"


def test_misc_junk_date_spoiler_and_flowed() -> None:
    assert misc("junk-date")["Lines"] == "dog"
    assert "+2500" in misc("junk-date")["Date"]
    assert misc("spoiler")["Subject"].startswith("[SPOILER]")
    assert b"\n\f\n" in misc_body("spoiler")
    assert misc("format-flowed").get_param("format") == "flowed"
    assert b" \n" in misc_body("format-flowed") and b"\n-- \n" in misc_body("format-flowed")


# ---------------------------------------------------------------- reproducible


def test_make_sample_rebuilds_the_same_bytes_when_the_corpora_are_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location("make_sample", DATA / "make_sample.py")
    assert spec and spec.loader
    make_sample = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_sample", make_sample)  # dataclasses look it up there
    spec.loader.exec_module(make_sample)
    if not (make_sample.DEFAULT_CORPUS / make_sample.NEWS_TAR).is_file():
        pytest.skip("../shared/corpus is not here")
    out = tmp_path / "sample.mbox"
    assert make_sample.main(["--out", str(out)]) == 0
    assert out.read_bytes() == SAMPLE.read_bytes()
