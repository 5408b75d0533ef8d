"""Messages that carry results from worker threads back to the UI.

Workers post these with ``post_message`` (thread-safe); handlers run on the event
loop, so they may touch the DOM. Progress messages collapse: when several are
queued, only the newest is handled.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from nntp.models import Article, GroupInfo
from killfile.result import ScoreTable
from app.entered import Arranged, Entered, FirstScreen
from app.group_rows import GroupListing
from app.scoring import Scored

if TYPE_CHECKING:
    from app.attachments import Attachment  # the email package: imported when an article is shown


class LoadProgress(Message):
    """``done`` of ``expected`` records fetched for ``what`` (a group name)."""

    def __init__(self, what: str, done: int, expected: int) -> None:
        super().__init__()
        self.what = what
        self.done = done
        self.expected = expected

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LoadProgress) and message.what == self.what


class LoadPhase(Message):
    """A one-line description of what a long load is doing now ("threading 150,000")."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, LoadPhase)


class GroupsLoaded(Message):
    """The group list; ``warning`` is set when it came from the cache after a failure.

    ``listing`` orders the groups (subscribed first) and carries their unread counts and flags.
    """

    def __init__(self, groups: list[GroupInfo], warning: str = "", listing: GroupListing | None = None) -> None:
        super().__init__()
        self.groups = groups
        self.warning = warning
        self.listing = listing


class ProvisionalReady(Message):
    """A first screen of threads from a group's first records; ThreadsReady replaces it."""

    def __init__(self, first: FirstScreen) -> None:
        super().__init__()
        self.first = first


class ThreadsReady(Message):
    """A group entered: its overviews threaded and scored, and (first entry) its read marks."""

    def __init__(self, result: Entered) -> None:
        super().__init__()
        self.result = result


class Rescored(Message):
    """The threaded rows again, after an action re-scored the group or the filter changed."""

    def __init__(self, scored: Scored, table: ScoreTable, note: str = "") -> None:
        super().__init__()
        self.scored = scored
        self.table = table
        self.note = note


class ViewReady(Message):
    """The thread list's rows in another order (by date, by author, the digest)."""

    def __init__(self, result: Arranged) -> None:
        super().__init__()
        self.result = result


class ArticleLoaded(Message):
    """An article and its decoded attachments (decoded in the worker, not on the event loop)."""

    def __init__(self, article: Article, attachments: list[Attachment] | None = None) -> None:
        super().__init__()
        self.article = article
        self.attachments = attachments or []


class AttachmentsSaved(Message):
    """Attachments were written to ``paths`` (or could not be: ``error``)."""

    def __init__(self, paths: list[Path], error: str = "") -> None:
        super().__init__()
        self.paths = paths
        self.error = error


class ProblemsFound(Message):
    """Problems found by a thread (rule files), for the app to notify and list in help.

    Posted, not called through ``call_from_thread``: that waits for the event loop,
    and the session thread must never wait on the UI.
    """

    def __init__(self, problems: list[str]) -> None:
        super().__init__()
        self.problems = problems


class ArticlesPosted(Message):
    """Articles of ours reached the server; ``groups`` are the groups they went to (their Newsgroups).

    Posted to every screen on the stack: a thread list of one of these groups enters
    it again, so what was just posted shows up there. ``note`` says what was sent.
    """

    def __init__(self, groups: frozenset[str], note: str) -> None:
        super().__init__()
        self.groups = groups
        self.note = note
