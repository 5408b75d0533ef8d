"""Outbox states are a type whose values are the words the store and ``pith outbox --json`` have always held."""

from __future__ import annotations

import json
import sqlite3

from store.outbox import Outbox, OutboxState


def test_outbox_states_are_the_stored_words() -> None:
    assert [s.value for s in OutboxState] == ["queued", "sent", "refused", "needs-mail", "mailed"]
    assert json.dumps({"state": OutboxState.NEEDS_MAIL}) == '{"state": "needs-mail"}'
    assert f"{OutboxState.SENT:<6}|" == "sent  |"


def test_entries_read_back_as_members_and_store_the_word() -> None:
    db = sqlite3.connect(":memory:")
    outbox = Outbox(db)
    entry_id = outbox.add(b"Subject: x\n\nbody\n", "<a@b>")
    outbox.mark_mailed(entry_id, "test")
    [entry] = outbox.entries()
    assert entry.state is OutboxState.MAILED
    assert db.execute("SELECT state FROM outbox").fetchone()[0] == "mailed"
