"""List archives into the store: the real linux-media archive (10,000 mails, 97 MB as mboxrd).

Times, each in a fresh process-free run of the importer:
  cold   first open of the .xz (decompress, split, parse headers, store bodies, index text)
  reopen the same file again (nothing new: a stat per file)
  grown  an uncompressed copy with 100 more mails appended (prefix check, then only the new)
  edited the copy with one early mail changed (clean re-import of that file, numbers kept)
  enter  entering the 10,000-mail group afterwards (overviews from packs)
and the same for a pipermail directory made from it (monthly .txt.gz, ` at ` addresses).

    .venv/bin/python bench/archive_bench.py
"""

from __future__ import annotations

import gzip
import lzma
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nntp.archive import ArchiveSource, iter_mbox, parse_message  # noqa: E402
from nntp.pipermail import MONTHS  # noqa: E402
from store.cache import Store  # noqa: E402
from store.library import Library  # noqa: E402

_MANGLE = re.compile(rb"(?m)^(From )")
CORPUS = REPO.parent / "shared" / "corpus" / "linux-media-2018-08_2019-03.mbox.xz"
GROUP = "linux-media.vger.kernel.org"


def timed(label: str, action: Callable[[], object]) -> object:
    t0 = time.perf_counter()
    result = action()
    print(f"  {label:<58} {time.perf_counter() - t0:7.2f} s")
    return result


def open_library(store: Path, *paths: Path) -> Library:
    library = Library(Store(store), lambda: ArchiveSource(*paths))
    library.groups()
    return library


def extra_mails(count: int) -> bytes:
    return b"".join(
        b"From bench Thu Jan  1 00:00:00 1970\nFrom: Bench <bench@example.org>\nSubject: appended %d\n"
        b"Message-ID: <appended.%d@bench.invalid>\nDate: Thu, 28 Mar 2019 10:00:00 +0000\n"
        b"List-Id: <linux-media.vger.kernel.org>\n\nbody %d\n\n" % (i, i, i) for i in range(count))


def mbox_runs(tmp: Path) -> None:
    store = tmp / "mbox.sqlite3"
    print(f"mbox: {CORPUS.name} ({CORPUS.stat().st_size / 1e6:.1f} MB xz)")
    lib = timed("cold import of the .xz (10,000 mails)", lambda: open_library(store, CORPUS))
    assert isinstance(lib, Library)
    print(f"    -> {lib.imported:,} messages; store {store.stat().st_size / 1e6:.0f} MB")
    lib.close()
    again = timed("reopen, nothing new", lambda: open_library(store, CORPUS))
    assert isinstance(again, Library) and again.imported == 0
    load = timed("enter the 10,000-mail group (first time: packs written)", lambda: again.enter_group(GROUP))
    timed("enter it again", lambda: again.enter_group(GROUP))
    print(f"    -> {len(load.overviews):,} overviews")  # type: ignore[attr-defined]
    again.close()

    plain = tmp / "linux-media.mbox"
    with lzma.open(CORPUS) as src, open(plain, "wb") as dst:
        shutil.copyfileobj(src, dst)
    store2 = tmp / "plain.sqlite3"
    timed("cold import of the uncompressed copy (97 MB)", lambda: open_library(store2, plain).close())
    with open(plain, "ab") as handle:
        handle.write(extra_mails(100))
    grown = timed("reopen after 100 mails were appended", lambda: open_library(store2, plain))
    assert isinstance(grown, Library) and grown.imported == 100, grown.imported
    grown.close()
    data = plain.read_bytes()
    plain.write_bytes(data.replace(b"media", b"MEDIA", 1))
    edited = timed("reopen after an early mail was edited (clean re-import)", lambda: open_library(store2, plain))
    assert isinstance(edited, Library)
    print(f"    -> {edited.store.overview_store.count(GROUP):,} articles, numbers kept for unchanged Message-IDs")
    edited.close()


def pipermail_runs(tmp: Path) -> None:
    root = tmp / "linux-media"
    root.mkdir()
    months: dict[tuple[int, int], list[bytes]] = defaultdict(list)
    for raw in iter_mbox(CORPUS):
        message = parse_message(raw, "x")
        date = message.overview.date
        if date is None:
            continue
        head, _, body = raw.partition(b"\n\n")
        sender = message.overview.author.split("<")[-1].strip("> ").replace("@", " at ")
        stamp = date.strftime("%a %b %d %H:%M:%S %Y").encode()
        months[(date.year, date.month)].append(
            b"From " + sender.encode() + b"  " + stamp + b"\nFrom: " + sender.encode() + b"\n"
            + b"\n".join(line for line in head.split(b"\n") if line[:5].lower() != b"from:") + b"\n\n"
            + _MANGLE.sub(rb">\1", body.rstrip(b"\n")) + b"\n\n")  # Mailman mangles From_ lines
    for (year, month), mails in months.items():
        (root / f"{year}-{MONTHS[month - 1]}.txt.gz").write_bytes(gzip.compress(b"".join(mails), 6))
    size = sum(p.stat().st_size for p in root.iterdir())
    print(f"pipermail: {len(months)} monthly .txt.gz files ({size / 1e6:.1f} MB)")
    store = tmp / "pipermail.sqlite3"
    lib = timed("cold import of the directory", lambda: open_library(store, root))
    assert isinstance(lib, Library)
    print(f"    -> {lib.imported:,} messages in {[g.name for g in lib.store.group_table.all()]}")
    lib.close()
    timed("reopen, nothing new", lambda: open_library(store, root).close())


def main() -> int:
    if not CORPUS.is_file():
        raise SystemExit(f"needs {CORPUS}")
    with tempfile.TemporaryDirectory(prefix="pith-archive-") as tmp:
        mbox_runs(Path(tmp))
        pipermail_runs(Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
