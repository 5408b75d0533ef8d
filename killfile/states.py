"""The words scoring deals in, as types: an article's state, what an explanation line is, rule actions.

States are a ``StrEnum``: a member equals its word (``ScoreState.KILLED == "killed"``) and JSON
writes the word, so ``pith score --json`` and callers not yet moved over are unchanged. The
smaller vocabularies (kinds, actions, severities) are ``Literal`` types: only the checker sees them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal


class ScoreState(StrEnum):
    """Where scoring puts an article, most severe first; JSON uses exactly these words."""

    KILLED = "killed"
    """At or below the kill threshold, or killed by a thread kill: never shown."""
    HIDDEN = "hidden"
    """Below the hide threshold, capped, or outside a show-only tag: shown only when expanded."""
    READ = "read"
    """Below the read threshold: shown, and marked read."""
    NORMAL = "normal"
    HIGH = "high"
    """At or above the high threshold: shown highlighted."""

    @property
    def severity(self) -> int:
        """How far the state keeps an article from the reader; a forced state only pushes up this scale."""
        return SEVERITY[self]

    @property
    def visible(self) -> bool:
        """Whether a thread list shows the article without expanding (neither killed nor hidden)."""
        return self is not ScoreState.KILLED and self is not ScoreState.HIDDEN


SEVERITY: dict[str, int] = {ScoreState.HIGH: 0, ScoreState.NORMAL: 1, ScoreState.READ: 2,
                            ScoreState.HIDDEN: 3, ScoreState.KILLED: 4}
"""ScoreState -> severity (keyed by the words too: a member hashes and compares as its word)."""

class ActionKind(StrEnum):
    """What one stored action (killfile.d/actions.v1.toml ``kind``) does."""

    THREAD_KILL = "thread-kill"
    THREAD_WATCH = "thread-watch"
    PLONK = "plonk"
    BOOST = "boost"
    TAG = "tag"
    THREAD_TAG = "thread-tag"
    AUTHOR_CAP = "author-cap"


AppliedKind = Literal["rule", "author", "thread", "plugin", "tag", "cap", "detector", "autotag", "usertag"]
"""What made one line of an explanation."""

Severity = Literal["error", "warning"]
"""A rule file problem: ``error`` drops the rule, ``warning`` keeps it (maybe not as meant)."""

TextKind = Literal["contains", "equals", "regex"]
NumberKind = Literal["gt", "ge", "lt", "le", "eq"]
DateKind = Literal["before", "after"]
LeafKind = Literal[TextKind, NumberKind, DateKind, "tag"]
"""The test one condition leaf makes: on text, on a number (Lines, Bytes, Age), on the Date, or a tag."""

CapWindow = Literal["day", "week", "month", "thread"]
"""What a cap counts per: a calendar window, or a thread."""
CAP_WINDOWS: dict[str, CapWindow] = {"day": "day", "week": "week", "month": "month", "thread": "thread"}
"""The words a rule file or a stored action may use, to the checked type (in this order)."""

CapKeep = Literal["first", "best"]
"""Which articles stay under a cap: the earliest, or the highest-scored."""

CapSpare = Literal["starters", "none"]
"""Whether a cap spares thread starters that others replied to."""

ThreadAction = Literal["kill", "watch"]
"""A ``[[thread]]`` rule's ``action``."""

AuthorAction = Literal["plonk", "boost", ""]
"""How an author rule came about (``pith plonk`` / ``boost``; empty for a plain score), for explain."""
