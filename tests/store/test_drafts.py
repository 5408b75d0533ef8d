"""Drafts survive a kill -9 in the middle of autosaving; the store stays consistent."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from store.cache import Store
from store.outbox import Drafts

ROOT = Path(__file__).resolve().parents[2]

AUTOSAVER = """
import sys, time
from store.cache import Store
from store.outbox import Drafts
drafts = Drafts(Store(sys.argv[1]).db)
draft = None
for i in range(1, 100000):
    draft = drafts.save(draft, {"Subject": "draft", "Newsgroups": "local.test"}, "line\\n" * i)
    print(i, flush=True)
    time.sleep(0.002)
"""


def test_kill_9_mid_autosave_keeps_the_last_saved_draft(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    proc = subprocess.Popen([sys.executable, "-c", AUTOSAVER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    saved = 0
    deadline = time.monotonic() + 20
    while saved < 200 and time.monotonic() < deadline:
        saved = int(proc.stdout.readline())
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    drafts = Drafts(Store(path).db)
    (draft_id,) = drafts.ids()
    headers, body = drafts.load(draft_id)  # type: ignore[misc]
    assert headers["Subject"] == "draft"
    assert body.count("line\n") >= saved  # nothing confirmed as saved was lost


def test_export_writes_a_postable_file(tmp_path: Path) -> None:
    drafts = Drafts(Store(tmp_path / "s.sqlite3").db)
    draft = drafts.save(None, {"From": "a@example.org", "Subject": "hi"}, "body\n")
    drafts.export(draft, tmp_path / "d.txt")
    assert (tmp_path / "d.txt").read_text() == "From: a@example.org\nSubject: hi\n\nbody\n"
