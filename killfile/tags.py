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


def subject_tags(subject: str) -> list[str]:
    """Tags from the bracketed prefixes at the start of a Subject (after any Re:).

    The first word of each bracket is the tag: ``[PATCH v2 3/7]`` -> ``patch``,
    ``[Foundation-l] Re: [SPOILER] x`` -> ``foundation-l``, ``spoiler``.
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
        words = found.group(1).split()
        if words:
            tag = normalize_tag(words[0].strip(":,;"))
            if tag and tag not in tags:
                tags.append(tag)
        rest = rest[found.end():]


def keyword_tags(keywords: str) -> list[str]:
    """``Keywords: linux, kernel patch`` -> [``linux``, ``kernel-patch``]."""
    return [t for t in (normalize_tag(k) for k in re.split(r"[,;]", keywords)) if t]
