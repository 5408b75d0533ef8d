"""Search snippets never give a spoiler away (issue 15): the pager hides it until v, so must the hit list."""

from __future__ import annotations

from pathlib import Path

from nntp.archive import ArchiveSource
from store.cache import Store
from store.library import Library
from store.search import SPOILER_HIDDEN

MAILS = [
    ("<markup@x>", "Finale talk", "I loved it.\n[spoiler]The butler did it, zanzibar.[/spoiler]\nSee you.\n"),
    ("<ff@x>", "Episode 9", "Thoughts below, in a spoiler.\n\fThe captain dies in zanzibar.\n"),
    ("<subj@x>", "[SPOILER] Episode 10", "Everyone survives zanzibar.\n"),
    ("<open@x>", "Travel", "We went to zanzibar last year.\n"),
    ("<mixed@x>", "Plot", "zanzibar is nice.\n[spoiler]The twin is the killer.[/spoiler]\n"),
]


def make_library(tmp_path: Path) -> Library:
    mbox = tmp_path / "spoilers.mbox"
    with open(mbox, "w") as out:
        for message_id, subject, body in MAILS:
            out.write(f"From x@y Thu Jan  1 00:00:00 1970\nFrom: A <a@example.org>\nNewsgroups: rec.arts.tv\n"
                      f"Subject: {subject}\nMessage-ID: {message_id}\nDate: Thu, 1 Jan 2026 00:00:00 +0000\n\n{body}\n")
    library = Library(Store(tmp_path / "store.sqlite3"), lambda: ArchiveSource(mbox))
    library.groups()
    return library


def test_snippets_hide_spoiler_text(tmp_path: Path) -> None:
    library = make_library(tmp_path)
    snippets = {hit.message_id: hit.snippet for hit in library.search("zanzibar", limit=None)}
    assert set(snippets) == {m for m, _, _ in MAILS}
    for message_id in ("<markup@x>", "<ff@x>", "<subj@x>"):
        assert snippets[message_id] == SPOILER_HIDDEN
    assert "«zanzibar» last year" in snippets["<open@x>"]
    assert "«zanzibar» is nice" in snippets["<mixed@x>"] and "twin" not in snippets["<mixed@x>"]
    snippet = library.search("butler")[0].snippet
    assert "butler" not in snippet.lower()
