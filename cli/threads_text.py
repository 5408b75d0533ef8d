"""``pith threads GROUP`` as text: the line of an article, from its columns when the tree has them.

Each line shows number, subject, author and day. From a columns-mode node the
subject and author come sanitized from tables made once per distinct value and
the day from a per-day cache, so the listing of a 150,000-article group makes no
``Overview`` per article (the record path formats the same text).
"""

from __future__ import annotations

from datetime import datetime, timezone

from cli.textout import field
from nntp.columns import NO_DATE, Columns
from nntp.models import Overview

NO_DAY = "????-??-??"


class ColumnLines:
    """The text after an article's number and indentation, for the articles of one Columns."""

    __slots__ = ("source", "subjects", "authors", "days")

    def __init__(self, source: Columns) -> None:
        self.source = source
        self.subjects = [field(s) for s in source.subjects]
        self.authors = [field(a) for a in source.authors]
        self.days: dict[int, str] = {}

    def rest(self, i: int) -> str:
        s = self.source
        return f"{self.subjects[s.subject_codes[i]]}  — {self.authors[s.author_codes[i]]}  {self.day(s.stamps[i])}\n"

    def day(self, stamp: int) -> str:
        """``%Y-%m-%d`` of the stamp's UTC date (made once per day: strftime costs more than the line)."""
        if stamp == NO_DATE:
            return NO_DAY
        day = stamp // 86400
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = datetime.fromtimestamp(day * 86400, timezone.utc).strftime("%Y-%m-%d")
        return text


def record_rest(art: Overview) -> str:
    """``ColumnLines.rest`` of a record."""
    date = art.date.strftime("%Y-%m-%d") if art.date else NO_DAY
    return f"{field(art.subject)}  — {field(art.author)}  {date}\n"
