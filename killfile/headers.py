"""Which header a rule names, and where its value comes from.

Overview headers (Subject, From, Message-ID, References, Xref, Lines, Bytes,
Date) are free: every article has them. Anything else (Organization,
User-Agent, Keywords, any X- header, the body) "needs the article": it is read
from an OVERVIEW.FMT extra field when the server sends one, else from a cached
article, else the rule is not evaluated for that article and explain says so.
"""

from __future__ import annotations

from email.utils import format_datetime

from nntp.addresses import address_key
from nntp.models import Article, Overview

ALIASES = {
    "message-id": "message-id", "msgid": "message-id", "message_id": "message-id",
    "newsgroup": "group", "group": "group", "newsgroups": "newsgroups",
    "from": "from", "author": "from", "subject": "subject", "references": "references",
    "xref": "xref", "lines": "lines", "bytes": "bytes", "date": "date", "age": "age",
    "body": "body", "parent": "parent", "address": "address",
}
"""Spellings users (and slrn/tin files) use, mapped to pith's canonical names."""

TEXT_FAST = frozenset({"subject", "from", "message-id", "references", "xref", "group",
                       "newsgroups", "parent", "address", "date"})
NUMERIC = frozenset({"lines", "bytes", "age"})
FAST = TEXT_FAST | NUMERIC
"""Headers every overview record answers without fetching anything."""


def canonical(name: str) -> str:
    """Lower-case canonical header name; unknown headers keep their (lower-cased) name."""
    key = name.strip().lower()
    return ALIASES.get(key, key)


def needs_article(header: str) -> bool:
    return header not in FAST


def normalize_address(author: str) -> str:
    """``Ann <Ann@Example.ORG>`` and ``ann@example.org (Ann)`` both become ``ann@example.org``.

    Rules and articles both pass through here, so invisible characters are
    ignored on both sides (``spam\\u200b@example.org`` is caught by a plonk of
    ``spam@example.org``) and a From with 600 nested comments cannot raise.
    """
    return address_key(author)


def xref_groups(xref: str) -> list[str]:
    """``host a.b:12 c.d:7`` -> [``a.b``, ``c.d``]."""
    parts = xref.split()
    return [p.rsplit(":", 1)[0] for p in parts[1:] if ":" in p]


def overview_text(article: Overview, header: str, group: str) -> str:
    """The value of a fast text header, as rules see it."""
    if header == "subject":
        return article.subject
    if header == "from":
        return article.author
    if header == "message-id":
        return article.message_id
    if header == "references":
        return " ".join(article.references)
    if header == "xref":
        return article.xref
    if header == "group":
        return group
    if header == "newsgroups":
        return newsgroups(article, group)
    if header == "parent":
        return article.references[-1] if article.references else ""
    if header == "address":
        return normalize_address(article.author)
    if header == "date":
        return format_datetime(article.date) if article.date else ""
    return ""


def newsgroups(article: Overview, group: str) -> str:
    """Newsgroups from an OVERVIEW.FMT field, else the Xref groups, else the current group."""
    return newsgroups_of(article.extra, article.xref, group)


def newsgroups_of(extra: tuple[tuple[str, str], ...], xref: str, group: str) -> str:
    """``newsgroups`` from an article's extra fields and Xref (what the facts' columns hold)."""
    found = extra_field(extra, "newsgroups")
    if found is not None:
        return found
    groups = xref_groups(xref)
    return ",".join(groups) if groups else group


def extra_value(article: Overview, header: str) -> str | None:
    """A header the server put in the overview (OVERVIEW.FMT beyond the standard seven)."""
    return extra_field(article.extra, header)


def extra_field(extra: tuple[tuple[str, str], ...], header: str) -> str | None:
    """``extra_value`` of an article's extra fields (what ``Facts.extras`` holds)."""
    for name, value in extra:
        if name.lower() == header:
            return value
    return None


def slow_text(article: Overview, full: Article | None, header: str) -> str | None:
    """A header that needs the article: overview extra, else the cached article, else None."""
    return slow_value(article.extra, full, header)


def slow_value(extra: tuple[tuple[str, str], ...], full: Article | None, header: str) -> str | None:
    """``slow_text`` from the article's extra fields, so columns need no record to answer it."""
    if header != "body":
        found = extra_field(extra, header)
        if found is not None:
            return found
    if full is None:
        return None
    if header == "body":
        return full.body
    return full.header(header)
