"""Automatic tags: Subject prefixes like ``[Foundation-l]`` or ``[PATCH v2 3/7]``, the
Keywords header, spoiler markers. User tags live in UserState, keyed by Message-ID.
"""

from __future__ import annotations

import re

_REPLY = re.compile(r"^\s*(?:(?:re|aw|sv|fwd?)(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_BRACKET = re.compile(r"^\s*\[([^\[\]]{1,60})\]")


def normalize_tag(text: str) -> str:
    """Lower case, inner whitespace as ``-``: ``Foundation-l`` -> ``foundation-l``."""
    return "-".join(text.strip().lower().split())


SERIES_MARKERS = frozenset({"patch", "rfc", "resend", "pull"})
"""Words of a mailing-list series prefix that are tags wherever they stand in the bracket
(``[RFC PATCH v2 0/7]`` -> rfc, patch); other words after the first (a tree name, a version,
``2/5``) are not."""

_VERSIONED = re.compile(r"^([a-z]+)v\d+$")
"""``patchv17``: a series marker glued to its version."""


def subject_tags(subject: str) -> list[str]:
    """Tags from the bracketed prefixes at the start of a Subject (after any Re:).

    The first word of each bracket is a tag, and so is every series marker in it:
    ``[PATCH v2 3/7]``, ``[PATCHv17]`` -> ``patch``; ``[RFC PATCH]``, ``[PATCH RFC]`` ->
    ``rfc`` and ``patch``; ``[Foundation-l] Re: [SPOILER] x`` -> ``foundation-l``, ``spoiler``.
    """
    if "[" not in subject:
        return []
    tags: list[str] = []
    rest = subject
    while True:
        rest = _REPLY.sub("", rest, count=1)
        found = _BRACKET.match(rest)
        if not found:
            return tags
        for tag in bracket_tags(found.group(1)):
            if tag not in tags:
                tags.append(tag)
        rest = rest[found.end():]


def bracket_tags(inside: str) -> list[str]:
    """The tags of one ``[...]`` prefix: its first word, and the series markers among the rest."""
    tags = []
    for position, word in enumerate(inside.split()):
        tag = normalize_tag(word.strip(":,;"))
        versioned = _VERSIONED.match(tag)
        if versioned and versioned.group(1) in SERIES_MARKERS:
            tag = versioned.group(1)
        if tag and (position == 0 or tag in SERIES_MARKERS):
            tags.append(tag)
    return tags


def tags_beyond_subject(tags: tuple[str, ...], subject: str) -> tuple[str, ...]:
    """The tags a row must show next to ``subject``: those its own prefix does not already say.

    ``[patch] [PATCH 2/2] x`` said the same thing twice; the row shows ``[PATCH 2/2] x``.
    """
    if not tags or "[" not in subject:
        return tags
    said = set(subject_tags(subject))
    return tuple(t for t in tags if t not in said)


def keyword_tags(keywords: str) -> list[str]:
    """``Keywords: linux, kernel patch`` -> [``linux``, ``kernel-patch``]."""
    return [t for t in (normalize_tag(k) for k in re.split(r"[,;]", keywords)) if t]
