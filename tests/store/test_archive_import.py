"""Archives into the store: once, then only what was appended; damage is named by file and line."""

from __future__ import annotations

import gzip
import lzma
import sqlite3
from pathlib import Path

import pytest

from nntp.archive import ArchiveSource, iter_mbox
from nntp.mbox import ArchiveError
from store.cache import Store
from store.importer import import_archive
from store.library import Library

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample.mbox"


def mail(n: int, mid: str | None = None, extra: str = "", body: str = "") -> bytes:
    ident = f"Message-ID: {mid or f'<m{n}@example.org>'}\n" if mid != "" else ""
    return (f"From someone Thu Jan  1 00:00:00 1970\nFrom: Ann <ann@example.org>\nSubject: mail {n}\n{ident}"
            f"Date: Mon, 0{1 + n % 9} Apr 2019 10:00:00 +0000\nList-Id: Test list <test.example.org>\n{extra}\n"
            f"{body or f'body of mail {n}'}\n\n").encode()


def write(path: Path, *mails: bytes) -> Path:
    path.write_bytes(b"".join(mails))
    return path


def library(tmp_path: Path, *paths: Path) -> Library:
    return Library(Store(tmp_path / "store.sqlite3"), lambda: ArchiveSource(*paths))


def numbers(store: Store, group: str = "test.example.org") -> dict[int, str]:
    return {o.number: o.message_id for o in store.overview_store.all(group)}


def integrity(store: Store) -> None:
    assert store.db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert store.db.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')") is not None


def test_the_sample_imports_as_the_archive_source_reads_it(tmp_path: Path) -> None:
    lib = library(tmp_path, SAMPLE)
    groups = {g.name: g for g in lib.groups()}
    source = ArchiveSource(SAMPLE)
    assert {g.name: (g.low, g.high, g.count) for g in source.list_groups()} == {
        n: (g.low, g.high, g.count) for n, g in groups.items()}
    for name in groups:
        info = source.select_group(name)
        expected = [o for b in source.iter_overviews(name, info.low, info.high) for o in b.overviews]
        assert lib.enter_group(name).overviews == expected
    assert lib.imported >= 319
    integrity(lib.store)


def test_reopening_imports_nothing_and_appending_imports_only_the_new(tmp_path: Path) -> None:
    path = write(tmp_path / "list.mbox", *(mail(n) for n in range(1, 6)))
    lib = library(tmp_path, path)
    lib.groups()
    assert lib.imported == 5
    lib.close()
    again = library(tmp_path, path)
    again.groups()
    assert again.imported == 0
    again.close()
    with open(path, "ab") as handle:
        handle.write(mail(6) + mail(7))
    grown = library(tmp_path, path)
    grown.groups()
    assert grown.imported == 2
    assert numbers(grown.store) == {n: f"<m{n}@example.org>" for n in range(1, 8)}
    integrity(grown.store)


def test_a_changed_prefix_is_reimported_cleanly_keeping_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "list.mbox", *(mail(n) for n in range(1, 6)))
    lib = library(tmp_path, path)
    lib.groups()
    lib.close()
    write(path, mail(1), mail(2), mail(4), mail(5, body="edited"), mail(8))  # 3 deleted, 5 edited, 8 new
    again = library(tmp_path, path)
    again.groups()
    assert numbers(again.store) == {1: "<m1@example.org>", 2: "<m2@example.org>", 4: "<m4@example.org>",
                                    5: "<m5@example.org>", 6: "<m8@example.org>"}
    assert b"edited" in (again.store.body_store.get("<m5@example.org>") or b"")
    assert again.store.body_store.get("<m3@example.org>") is None
    assert not again.search("mail 3") and again.search("edited")
    info = again.store.group_table.get("test.example.org")
    assert info is not None and (info.low, info.high, info.count) == (1, 6, 5)
    integrity(again.store)


def test_a_truncated_last_message_is_named_and_read_once_complete(tmp_path: Path) -> None:
    good = write(tmp_path / "good.mbox", mail(1))
    bad = write(tmp_path / "bad.mbox", mail(2), mail(3), mail(4)[:-40])
    lib = library(tmp_path, good, bad)
    lib.groups()
    assert numbers(lib.store) == {n: f"<m{n}@example.org>" for n in (1, 2, 3)}  # the rest of the file is read
    assert any(w.startswith(f"{bad}:19: the last message is truncated") for w in lib.warnings)
    integrity(lib.store)
    lib.close()
    write(bad, mail(2), mail(3), mail(4))  # the writer finished it
    again = library(tmp_path, good, bad)
    again.groups()
    assert again.imported == 1 and len(numbers(again.store)) == 4


def test_not_an_mbox_is_still_a_clear_error(tmp_path: Path) -> None:
    path = write(tmp_path / "corrupt.mbox", b"Subject: no separator\n\nbody\n")
    with pytest.raises(ArchiveError, match=r"corrupt\.mbox:1: .*not an mbox"):
        library(tmp_path, path).groups()


def test_a_damaged_message_is_skipped_with_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "corrupt.mbox", mail(1), b"From x Thu Jan  1 00:00:00 1970\n\x00\x01binary junk\n\n",
                 mail(2))
    lib = library(tmp_path, path)
    lib.groups()
    assert numbers(lib.store) == {1: "<m1@example.org>", 2: "<m2@example.org>"}
    assert [w for w in lib.warnings if "damaged" in w] == [
        f"{path}:11: damaged message (no header where one should start); skipped"]


def test_nul_in_a_header_is_shown_not_fatal(tmp_path: Path) -> None:
    nul = b"From x Thu Jan  1 00:00:00 1970\nSubject: a\x00b\nMessage-ID: <nul@x>\nList-Id: <test.example.org>\n\nbody\n\n"
    path = write(tmp_path / "corrupt.mbox", mail(1), nul, mail(2))
    lib = library(tmp_path, path)
    lib.groups()
    assert sorted(numbers(lib.store).values()) == ["<m1@example.org>", "<m2@example.org>", "<nul@x>"]
    (shown,) = [o for o in lib.store.overview_store.all("test.example.org") if o.message_id == "<nul@x>"]
    assert shown.subject == "a\u2400b"
    assert any(w.startswith(f"{path}:11: NUL bytes in the header") for w in lib.warnings)
    assert list(iter_mbox(path))[1].startswith("Subject: a\u2400b".encode())


def test_truncated_xz_is_named(tmp_path: Path) -> None:
    data = lzma.compress(b"".join(mail(n) for n in range(1, 200)))
    path = tmp_path / "list.mbox.xz"
    path.write_bytes(data[: len(data) // 2])
    lib = library(tmp_path, path)
    with pytest.raises(ArchiveError, match=r"list\.mbox\.xz: .*truncated or corrupt"):
        lib.groups()
    assert lib.store.group_table.all() == []


def test_compressed_archives_read_and_resume(tmp_path: Path) -> None:
    path = tmp_path / "list.mbox.gz"
    path.write_bytes(gzip.compress(mail(1) + mail(2)))
    lib = library(tmp_path, path)
    lib.groups()
    lib.close()
    path.write_bytes(gzip.compress(mail(1) + mail(2) + mail(3)))
    again = library(tmp_path, path)
    again.groups()
    assert again.imported == 1 and len(numbers(again.store)) == 3


def test_synthetic_ids_are_stable_and_resent_copies_use_their_second_id(tmp_path: Path) -> None:
    resent = mail(2, mid="<m1@example.org>", extra="Message-ID: <resent@z>\n")
    path = write(tmp_path / "list.mbox", mail(1), resent, mail(3, mid=""), mail(1))
    first = ArchiveSource(path)
    ids = [o.message_id for o in next(first.iter_overviews("test.example.org", 1, 9)).overviews]
    assert ids[:2] == ["<m1@example.org>", "<resent@z>"] and len(ids) == 3  # the exact copy is skipped
    assert ids[2].endswith("@pith.synthetic>")
    lib = library(tmp_path, path)
    lib.groups()
    assert list(numbers(lib.store).values()) == ids
    assert [o.message_id for o in next(ArchiveSource(path).iter_overviews("test.example.org", 1, 9)).overviews] == ids


def test_maildir_with_junk_files_warns_and_imports_the_mail(tmp_path: Path) -> None:
    box = tmp_path / "Lists"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for n in (1, 2, 3):
        (box / "cur" / f"100000000{n}.M1P1.host:2,S").write_bytes(mail(n).split(b"\n", 1)[1])
    (box / "new" / "1000000004.M1P1.host").write_bytes(mail(4))  # with a From_ line: tolerated
    (box / "cur" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (box / "cur" / "1000000009.junk").write_bytes(b"\x89PNG\r\n\x1a\n")
    (box / "cur" / "1000000010.empty").write_bytes(b"")
    (box / "tmp" / "1000000011.partial").write_bytes(b"Subject: half")
    lib = library(tmp_path, box)
    lib.groups()
    assert list(numbers(lib.store).values()) == [f"<m{n}@example.org>" for n in (1, 2, 3, 4)]
    assert sorted(w.split(": ", 1)[0].rsplit("/", 1)[1] for w in lib.warnings) == [
        ".DS_Store", "1000000009.junk", "1000000010.empty"]
    lib.close()
    (box / "cur" / "1000000001.M1P1.host:2,S").rename(box / "cur" / "1000000001.M1P1.host:2,RS")
    (box / "new" / "1000000005.M1P1.host").write_bytes(mail(5))
    again = library(tmp_path, box)
    again.groups()
    assert again.imported == 1 and again.warnings == []  # flags changed: same message; junk said once


def test_newer_store_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = write(tmp_path / "list.mbox", mail(1))
    library(tmp_path, path).groups()
    db = sqlite3.connect(tmp_path / "store.sqlite3")
    db.execute("UPDATE meta SET value='7' WHERE key='schema'")
    db.commit()
    db.close()
    before = (tmp_path / "store.sqlite3").read_bytes()
    with pytest.raises(Exception, match=r"store\.sqlite3: written by a newer pith \(schema 7"):
        library(tmp_path, path)
    assert (tmp_path / "store.sqlite3").read_bytes() == before


def test_iter_mbox_still_reads_every_message(tmp_path: Path) -> None:
    path = write(tmp_path / "l.mbox", mail(1, body=">From the start\n>>From quoted"), mail(2))
    raws = list(iter_mbox(path))
    assert len(raws) == 2 and b"\nFrom the start\n>From quoted\n" in raws[0]


def test_import_report_counts(tmp_path: Path) -> None:
    path = write(tmp_path / "list.mbox", mail(1), mail(1))
    report = import_archive(Store(tmp_path / "x.sqlite3"), ArchiveSource(path))
    assert (report.messages, report.duplicates, report.units) == (1, 1, 1)


def test_kill_during_an_import_leaves_a_consistent_store_that_resumes(tmp_path: Path) -> None:
    """SIGKILL at random moments of an import of several files: each file is in or out, never half."""
    import random
    import signal
    import subprocess
    import sys
    import time

    files = []
    for part in range(4):
        files.append(write(tmp_path / f"part{part}.mbox",
                           *(mail(part * 1000 + n, body="word " * 400) for n in range(1, 601))))
    store = tmp_path / "killed.sqlite3"
    code = ("import sys; from store.cache import Store; from store.library import Library; "
            "from nntp.archive import ArchiveSource; "
            f"Library(Store({str(store)!r}), lambda: ArchiveSource(*sys.argv[1:])).groups()")
    repo = Path(__file__).resolve().parents[2]
    for seed in range(3):
        proc = subprocess.Popen([sys.executable, "-c", code, *map(str, files)], cwd=repo)
        time.sleep(random.Random(seed).uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        if store.exists():
            db = sqlite3.connect(store)
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            count = db.execute("SELECT COALESCE(SUM(count), 0) FROM overview_pack").fetchone()[0]
            assert count % 600 == 0, count  # whole files only
            db.close()
    lib = Library(Store(store), lambda: ArchiveSource(*files))
    lib.groups()
    assert len(numbers(lib.store)) == 2400 and len(set(numbers(lib.store).values())) == 2400
    integrity(lib.store)


def test_a_store_from_before_archive_marks_keeps_the_file_numbers(tmp_path: Path) -> None:
    """The first pith listed archive groups (sizes, no articles) and cached only entered ones."""
    path = write(tmp_path / "list.mbox", *(mail(n) for n in range(1, 6)))
    store = Store(tmp_path / "store.sqlite3")
    old = ArchiveSource(path)
    store.group_table.save(old.list_groups())  # high=5, nothing fetched
    store.close()
    lib = library(tmp_path, path)
    lib.groups()
    assert numbers(lib.store) == {n: f"<m{n}@example.org>" for n in range(1, 6)}
    info = lib.store.group_table.get("test.example.org")
    assert info is not None and (info.low, info.high, info.count) == (1, 5, 5)
