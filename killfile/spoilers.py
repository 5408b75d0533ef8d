"""Spoilers: find them so the article view can hide the text until the reader asks.

Three conventions are recognised: a ``[SPOILER]`` / ``spoiler`` tag in the
Subject, a form feed (^L) before the spoiler text (the rec.arts.* tradition,
which tin and trn page at), and ``[spoiler]...[/spoiler]`` markup. ROT13, the
oldest spoiler guard on Usenet, is offered as a helper.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_SUBJECT = re.compile(r"\[\s*spoilers?\b[^\]]*\]|\(\s*spoilers?\s*\)|^\s*spoilers?\s*:"
                      r"|\bspoilers?\b\s*(?:warning|alert)", re.IGNORECASE)
_MARKUP = re.compile(r"\[spoiler\](.*?)(?:\[/spoiler\]|\Z)", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of the body: shown as is, or hidden until revealed."""

    text: str
    hidden: bool


@dataclass(frozen=True, slots=True)
class Spoiler:
    """What the article view needs: is this a spoiler, why, and the body in segments."""

    is_spoiler: bool
    reason: str
    """``subject``, ``formfeed``, ``markup`` or empty."""
    segments: tuple[Segment, ...]

    def visible_text(self, placeholder: str = "[spoiler hidden: press a key to reveal]") -> str:
        return "".join(placeholder if s.hidden else s.text for s in self.segments)


def subject_is_spoiler(subject: str) -> bool:
    return bool(_SUBJECT.search(subject))


def detect(subject: str, body: str) -> Spoiler:
    """Split ``body`` into visible and hidden segments by the first convention that applies."""
    if _MARKUP.search(body):
        return Spoiler(True, "markup", _markup_segments(body))
    if "\f" in body:
        head, _, rest = body.partition("\f")
        return Spoiler(True, "formfeed", (Segment(head, False), Segment(rest, True)))
    if subject_is_spoiler(subject):
        return Spoiler(True, "subject", (Segment(body, True),))
    return Spoiler(False, "", (Segment(body, False),))


def _markup_segments(body: str) -> tuple[Segment, ...]:
    out: list[Segment] = []
    pos = 0
    for found in _MARKUP.finditer(body):
        if found.start() > pos:
            out.append(Segment(body[pos : found.start()], False))
        out.append(Segment(found.group(1), True))
        pos = found.end()
    if pos < len(body):
        out.append(Segment(body[pos:], False))
    return tuple(out)


def rot13(text: str) -> str:
    """ROT13 (its own inverse): letters a-z/A-Z rotated, everything else unchanged."""
    return codecs.encode(text, "rot13")
