"""A Mailman/pipermail archive made from the real linux-media mails: monthly .txt.gz files, ` at ` addresses."""

from __future__ import annotations

import gzip
import re
from collections import defaultdict
from email.utils import parseaddr
from functools import cache
from itertools import islice
from pathlib import Path

import pytest

from nntp.archive import ArchiveSource, iter_mbox, parse_message
from nntp.article import parse_article
from nntp.pipermail import MONTHS, undo_obfuscation
from store.cache import Store
from store.library import Library

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "linux-media-2018-08_2019-03.mbox.xz"
SAMPLE = REPO / "tests" / "data" / "sample.mbox"
WANTED = 600


@cache
def source_mails() -> tuple[bytes, ...]:
    """Every 16th mail of the linux-media corpus, all eight months (else the sample's linux-media ones)."""
    path = CORPUS if CORPUS.is_file() else SAMPLE
    step = 16 if path == CORPUS else 1
    out, seen = [], set()
    for raw in islice(iter_mbox(path), 0, None, step):
        message = parse_message(raw, "x")
        if path == SAMPLE and "sample.linux-media" not in message.groups:
            continue
        if message.overview.date is None or message.message_ids[0] in seen:
            continue
        seen.add(message.message_ids[0])
        out.append(raw)
        if len(out) == WANTED:
            break
    return tuple(out)


def pipermail_entry(raw: bytes) -> tuple[tuple[int, int], bytes, str]:
    """One mail as pipermail's .txt archive has it: ((year, month), text, the real address)."""
    article = parse_article(raw)
    message = parse_message(raw, "x")
    name, address = parseaddr(article.header("From"))
    hidden = address.replace("@", " at ")
    date = message.overview.date
    assert date is not None
    lines = [f"From {hidden}  {date.strftime('%a %b %d %H:%M:%S %Y')}",
             f"From: {hidden} ({name or address})", f"Date: {article.header('Date')}",
             f"Subject: {article.header('Subject')}"]
    if message.overview.references:
        lines.append(f"In-Reply-To: {message.overview.references[-1]}")
        lines.append(f"References: {' '.join(message.overview.references)}")
    lines.append(f"Message-ID: {message.overview.message_id}")
    body = article.body.replace("\r\n", "\n").rstrip("\n")
    text = "\n".join(lines) + "\n\n" + body + "\n\n"
    return (date.year, date.month), text, address


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """linux-media/<year>-<Month>.txt.gz, plus the expected author address of every Message-ID."""
    root = tmp_path_factory.mktemp("pipermail") / "linux-media"
    root.mkdir()
    months: dict[tuple[int, int], list[str]] = defaultdict(list)
    addresses = {}
    for raw in source_mails():
        month, text, address = pipermail_entry(raw)
        months[month].append(text)
        addresses[parse_message(raw, "x").overview.message_id] = address
    for (year, month), texts in months.items():
        name = f"{year}-{MONTHS[month - 1]}.txt.gz"
        (root / name).write_bytes(gzip.compress("".join(texts).encode("utf-8")))
    return root, addresses


def library(tmp_path: Path, path: Path) -> Library:
    return Library(Store(tmp_path / "store.sqlite3"), lambda: ArchiveSource(path))


def test_pipermail_directory_is_one_group_with_every_mail(archive: tuple[Path, dict[str, str]],
                                                          tmp_path: Path) -> None:
    root, addresses = archive
    lib = library(tmp_path, root)
    assert [g.name for g in lib.groups()] == ["linux-media"]
    load = lib.enter_group("linux-media")
    assert len(load.overviews) == len(addresses) == len(source_mails())
    assert {o.message_id for o in load.overviews} == set(addresses)
    for overview in load.overviews:
        assert " at " not in overview.author and addresses[overview.message_id] in overview.author
    months = [(o.date.year, o.date.month) for o in load.overviews if o.date]
    assert months == sorted(months)  # month files in calendar order, not name order
    assert len(set(months)) >= (8 if CORPUS.is_file() else 1)
    replies = [o for o in load.overviews if o.references]
    assert replies and all(o.references[-1].startswith("<") for o in replies)
    first = load.overviews[0]
    article = lib.article("linux-media", first.number)
    assert addresses[first.message_id] in article.header("From")


def test_pipermail_reopen_and_new_month(archive: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, addresses = archive
    lib = library(tmp_path, root)
    lib.groups()
    assert lib.imported == len(addresses)
    lib.close()
    again = library(tmp_path, root)
    again.groups()
    assert again.imported == 0
    again.close()
    later = root.parent / "later"
    later.mkdir()
    for path in root.iterdir():
        (later / path.name).write_bytes(path.read_bytes())
    extra = ("From jdoe at example.com  Thu Nov  5 10:00:00 2020\nFrom: jdoe at example.com (J Doe)\n"
             "Date: Thu, 05 Nov 2020 10:00:00 +0000\nSubject: new month\nMessage-ID: <new@example.com>\n\n"
             "From the start of a line, unescaped, as pipermail leaves it.\n\n")
    (later / "2020-November.txt").write_text(extra)
    (later / "2020-November.txt.gz").write_bytes(gzip.compress(b""))  # the plain file wins
    grown = Library(Store(tmp_path / "later.sqlite3"), lambda: ArchiveSource(later))
    grown.groups()
    newest = grown.enter_group("later").overviews[-1]
    assert (newest.message_id, newest.author) == ("<new@example.com>", "jdoe@example.com (J Doe)")
    assert "From the start" in grown.article("later", newest.number).body


def test_undo_obfuscation_only_touches_address_headers() -> None:
    raw = (b"From: jdoe at example.com (J Doe)\nCc: a at b.org, c at d.example.net\nSubject: meet at noon.com\n\n"
           b"mail me: x at y.com\n")
    fixed = undo_obfuscation(raw)
    assert fixed.startswith(b"From: jdoe@example.com (J Doe)\nCc: a@b.org, c@d.example.net\n")
    assert b"Subject: meet at noon.com" in fixed and fixed.endswith(b"x at y.com\n")


def test_search_finds_pipermail_bodies(archive: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    root, _ = archive
    lib = library(tmp_path, root)
    lib.groups()
    words = re.findall(r"[a-z]{6,}", parse_article(source_mails()[0]).body.lower())
    hits = lib.search(words[0], limit=None)
    assert hits and all(h.group == "linux-media" for h in hits)
