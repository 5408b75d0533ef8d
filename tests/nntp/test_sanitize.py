"""Nothing from an article may reach the terminal as a control sequence."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nntp.sanitize import sanitize_line, sanitize_text

DANGEROUS = {chr(c) for c in range(0x20) if chr(c) not in "\n\t"} | {"\x7f"} | {
    chr(c) for c in range(0x80, 0xA0)} | {"\u202e", "\u2066", "\u200f", "\u061c"}


def test_escape_sequences_become_visible() -> None:
    assert sanitize_line("\x1b[31mred\x1b]0;pwned\x07") == "\u241b[31mred\u241b]0;pwned\u2407"
    assert sanitize_text("a\r\nb\tc\x9bd\u202e") == "a\nb\tc<9B>d<U+202E>"


@given(st.text())
def test_no_control_character_survives(text: str) -> None:
    assert not set(sanitize_line(text)) & (DANGEROUS | {"\n", "\t"})
    assert not set(sanitize_text(text)) & DANGEROUS
