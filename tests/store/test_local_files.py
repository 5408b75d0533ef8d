"""pith's files are private: stores (with -wal / -shm), drafts, mail, killfile.d are 0600 in 0700 folders."""

from __future__ import annotations

import os
import stat
from datetime import datetime, timezone
from pathlib import Path

import pytest

from killfile import actions
from store.cache import Store, store_path
from store.config import MailConfig
from store.outbox import Drafts
from store.paths import config_dir, data_dir, private_dir, sidecars


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def open_umask() -> object:
    """The loosest usual umask: what pith writes must be private anyway."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_store_and_its_wal_are_private(tmp_path: Path) -> None:
    path = store_path(data_dir(), "news.example.org")
    store = Store(path)
    with store.transaction():
        store.db.execute("INSERT INTO meta VALUES ('probe', 'x')")
    Drafts(store.db).save(None, {"Subject": "secret"}, "body")
    present = [p for p in sidecars(path) if p.exists()]
    assert len(present) >= 2  # the WAL is open while the store is
    assert {p.name: mode(p) for p in present} == {p.name: 0o600 for p in present}
    for folder in (path.parent, data_dir()):
        assert mode(folder) == 0o700, folder
    store.close()


def test_an_old_open_store_is_tightened_on_open() -> None:
    path = store_path(data_dir(), "old")
    Store(path).close()
    for item, wide in ((data_dir(), 0o755), (path.parent, 0o755), (path, 0o644)):
        os.chmod(item, wide)
    Path(f"{path}-wal").write_bytes(b"")
    os.chmod(f"{path}-wal", 0o644)
    Store(path).close()
    assert (mode(data_dir()), mode(path.parent), mode(path)) == (0o700, 0o700, 0o600)


def test_folders_outside_piths_own_are_left_alone(tmp_path: Path) -> None:
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir(mode=0o755)
    os.chmod(elsewhere, 0o755)
    store = Store(elsewhere / "mine.sqlite3")
    store.close()
    assert mode(elsewhere) == 0o755
    assert mode(elsewhere / "mine.sqlite3") == 0o600
    assert private_dir(elsewhere / "new") and mode(elsewhere / "new") == 0o700 and mode(elsewhere) == 0o755


def test_killfile_d_is_private() -> None:
    path = config_dir() / actions.ACTIONS
    actions.add_action(path, "plonk", datetime.now(timezone.utc), address="troll@example.org")
    actions.save_memory(config_dir() / actions.MEMORY, {"rule": datetime.now(timezone.utc)})
    assert mode(path) == 0o600 and mode(config_dir() / actions.MEMORY) == 0o600
    assert mode(path.parent) == 0o700
    os.chmod(path, 0o644)
    actions.add_action(path, "plonk", datetime.now(timezone.utc), address="other@example.org")
    assert mode(path) == 0o600


def test_exported_draft_and_mail_mbox_are_private(tmp_path: Path) -> None:
    from app.posting import deliver

    store = Store(tmp_path / "s.sqlite3")
    drafts = Drafts(store.db)
    draft = drafts.save(None, {"Subject": "x"}, "body")
    drafts.export(draft, tmp_path / "draft.txt")
    assert mode(tmp_path / "draft.txt") == 0o600
    deliver(b"From: a@b\nTo: c@d\nSubject: s\n\nhello\n", MailConfig())
    box = data_dir() / "outgoing.mbox"
    assert mode(box) == 0o600 and mode(data_dir()) == 0o700


def test_an_old_open_mail_mbox_of_piths_is_tightened_but_a_users_own_is_not(tmp_path: Path) -> None:
    from app.posting import deliver

    box = data_dir() / "outgoing.mbox"
    data_dir().mkdir(parents=True)
    box.write_bytes(b"")
    os.chmod(box, 0o644)
    deliver(b"From: a@b\nTo: c@d\nSubject: s\n\nhello\n", MailConfig())
    assert mode(box) == 0o600
    mine = tmp_path / "mail" / "sent"
    mine.parent.mkdir()
    mine.write_bytes(b"")
    os.chmod(mine, 0o640)
    deliver(b"From: a@b\nTo: c@d\nSubject: s\n\nhello\n", MailConfig(mbox=str(mine)))
    assert mode(mine) == 0o640 and b"hello" in mine.read_bytes()
