"""Make article text safe for a terminal: nothing from the wire is ever interpreted.

Control characters (C0, DEL, C1 — so ESC, CSI and OSC introducers) and bidi
override/isolate characters are replaced by visible placeholders. A sanitized
string can be printed raw to a terminal without changing its state.
"""

from __future__ import annotations

_BIDI = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))


def _build_table(keep: str) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x20):
        if chr(code) not in keep:
            table[code] = chr(0x2400 + code)  # U+2400 "control pictures": ␛ for ESC
    table[0x7F] = "\u2421"  # ␡
    for code in range(0x80, 0xA0):
        table[code] = f"<{code:02X}>"
    for code in _BIDI:
        table[code] = f"<U+{code:04X}>"
    return table


_LINE_TABLE = _build_table(keep="")
_TEXT_TABLE = _build_table(keep="\n\t")


def sanitize_line(value: str) -> str:
    """One header-like line: every control character (tab and newline too) made visible."""
    if value.isprintable():
        return value
    return value.replace("\t", " ").replace("\r\n", " ").replace("\n", " ").translate(_LINE_TABLE)


def sanitize_text(value: str) -> str:
    """Multi-line text: keeps newlines and tabs, drops CR of CRLF, shows everything else."""
    value = value.replace("\r\n", "\n")
    if value.replace("\n", "").replace("\t", "").isprintable():
        return value
    return value.translate(_TEXT_TABLE)
