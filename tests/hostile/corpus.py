"""A hostile corpus of our own: articles (bytes) and a group list built to break a newsreader.

Deterministic, no network. Every article names one group of :data:`GROUPS`; the families:

- ``escapes``: ESC/CSI (``ESC[2J``), OSC 0 (window title), OSC 52 (clipboard write), C1 controls
  (U+0080-U+009F as UTF-8), bidi overrides/isolates/marks and invisibles (zero-width, BOM, soft
  hyphen, Hangul filler, tag characters) in EVERY header (From, Subject, Message-ID, References,
  Newsgroups, Date, Organization, Followup-To, Reply-To, X-*), in the body and in MIME part
  names and filenames (plain, RFC 2047 and RFC 2231). Tests: nothing reaches a terminal raw.
- ``raw8bit``: the same controls as raw 8-bit bytes 0x80-0x9F (not UTF-8), and in encoded-words
  that decode to ESC/C1 (base64, Q, UTF-7 ``+ABs-``). Tests: the sanitizer runs after decoding.
- ``poison``: encoded-words and MIME parts in charsets that are not text codecs or do not exist
  (undefined, idna, punycode, a NUL inside the name, rot13, zlib_codec, utf-7, hex, base64_codec).
  Tests: decoding never raises, one article never stops a group, a sync or another command.
- ``deep``: a multipart nested 1,000 deep, a From with 600 nested comments ``(``, a reply chain
  1,000 deep (its own group; References trimmed to root + parent, and one long References).
  Tests: no RecursionError anywhere (parse, thread, JSON).
- ``malformed``: a 100 KB header line, NUL in a header, an article with only headers, a base64
  body that is not base64, a year-99999 Date. Tests: placeholders, not failures.
- ``spoof``: ``root\\u200b@example.org`` beside the real ``root@example.org``. Tests: invisibles
  are made visible, so the two cannot look the same.
- group names and descriptions with escapes, C1, bidi and raw bytes (for the fake server; INN takes
  only the descriptions). Tests: group lists are sanitized.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone

ESC = "\x1b[2J\x1b[31m\x1b]0;pwned title\x07\x1b]52;c;aGVsbG8=\x07\x1bP+q\x1b\\"
C1 = "".join(chr(c) for c in range(0x80, 0xA0))
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u3164\U000E0001\U000E0041\U000E007F"
PAYLOAD = ESC + C1 + BIDI + INVISIBLE
"""Every hostile character family at once, as text."""
RAW_C1 = bytes(range(0x80, 0xA0))
"""C1 controls as raw 8-bit bytes (invalid UTF-8)."""
POISON_CHARSETS = ("undefined", "idna", "punycode", "utf-8\x00x", "rot13", "zlib_codec", "utf-7",
                   "hex", "base64_codec", "x-unknown-\x1b[2J")

MAIN = "hostile.test"
POISON = "hostile.poison"
CHAIN = "hostile.chain"
PLAIN = "hostile.plain"
"""Three ordinary articles: a later command over this group must work after any poison."""
CHAIN_DEPTH = 1000
NEST_DEPTH = 1000
PAREN_DEPTH = 600
EPOCH = datetime(2024, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class HostileArticle:
    """One crafted article: ``key`` names it in test ids, ``group`` is where it is filed."""

    key: str
    group: str
    raw: bytes

    @property
    def message_id(self) -> bytes:
        """The Message-ID header value as sent (may itself be hostile)."""
        for line in self.raw.split(b"\n\n", 1)[0].split(b"\n"):
            if line.lower().startswith(b"message-id:"):
                return line.split(b":", 1)[1].strip()
        return b""


@dataclass(frozen=True)
class HostileGroup:
    """A group for the fake server: raw name and description bytes (INN gets only descriptions)."""

    name: bytes
    description: bytes


def _b(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def _date(index: int) -> str:
    return format_datetime(EPOCH + timedelta(hours=index))


def _article(headers: list[tuple[str, bytes | str]], body: bytes | str = b"plain body\n") -> bytes:
    """Header lines joined with LF, a blank line, the body (LF line ends, as rnews wants)."""
    head = b"".join(_b(name) + b": " + (_b(v) if isinstance(v, str) else v) + b"\n" for name, v in headers)
    return head + b"\n" + (_b(body) if isinstance(body, str) else body)


def _basic(key: str, group: str, index: int, **extra: bytes | str) -> list[tuple[str, bytes | str]]:
    """The headers every article has; ``extra`` overrides or adds (underscores become hyphens)."""
    headers: dict[str, bytes | str] = {
        "Path": "not-for-mail", "From": f"Hostile {key} <{key}@example.org>", "Newsgroups": group,
        "Subject": f"hostile {key}", "Message-ID": f"<{key}.{index}@hostile.example>",
        "Date": _date(index)}
    headers |= {name.replace("_", "-"): value for name, value in extra.items()}
    return list(headers.items())


def _ew(text: str, charset: str = "utf-8", encoding: str = "b") -> str:
    """An RFC 2047 encoded-word carrying ``text``."""
    data = text.encode("utf-8")
    if encoding == "b":
        return f"=?{charset}?b?{base64.b64encode(data).decode()}?="
    return f"=?{charset}?q?{''.join(f'={c:02X}' for c in data)}?="


def escapes_family() -> list[HostileArticle]:
    """Controls, bidi and invisibles in every header, in the body and in MIME names."""
    every = {name: f"{name} {PAYLOAD} end" for name in (
        "Organization", "Followup-To", "Reply-To", "X-Hostile", "X-Face", "User-Agent", "Keywords",
        "Summary", "Distribution", "Content-Description")}
    arts = [
        HostileArticle("every-header", MAIN, _article(_basic(
            "every-header", MAIN, 1, From=f"Evil {PAYLOAD} <evil{ESC}@example.org>",
            Subject=f"subject {PAYLOAD}", References=f"<ref{ESC}@x> <ref{BIDI}@y>",
            Newsgroups=f"{MAIN},hostile.{ESC}", Date=f"{_date(1)} {ESC}", **every),
            f"body {PAYLOAD}\nline two \x1b[1;1H\x1b[?1049h\n")),
        HostileArticle("msgid-escape", MAIN, _article(_basic(
            "msgid-escape", MAIN, 2, Message_ID=f"<\x1b[2J{BIDI}.msgid@hostile.example>",
            References="<\x1b]0;t\x07@gone.example>"))),
        HostileArticle("encoded-words", MAIN, _article(_basic(
            "encoded-words", MAIN, 3, From=f"{_ew(PAYLOAD)} <ew@example.org>",
            Subject=f"{_ew(PAYLOAD, encoding='q')} and {_ew(ESC)}",
            Organization=_ew(PAYLOAD), X_Hostile=_ew(C1, "iso-8859-1")))),
        HostileArticle("mime-names", MAIN, _mime_names(4)),
    ]
    return arts


def _mime_names(index: int) -> bytes:
    """Attachments whose names and filenames carry the payload, three ways."""
    pct = "".join(f"%{b:02X}" for b in PAYLOAD.encode("utf-8"))
    parts = [
        f'Content-Type: text/plain; name="plain{PAYLOAD}.txt"\n'
        f'Content-Disposition: attachment; filename="plain{PAYLOAD}.txt"\n\nplain\n',
        f'Content-Type: application/octet-stream; name="{_ew(PAYLOAD)}"\n'
        f'Content-Disposition: attachment; filename="{_ew(PAYLOAD)}"\n\nQUJD\n',
        f"Content-Type: application/octet-stream; name*=utf-8''{pct}\n"
        f"Content-Disposition: attachment; filename*=utf-8''{pct}\n"
        f"Content-Transfer-Encoding: base64\n\nQUJD\n",
    ]
    body = "".join(f"--b0\n{part}" for part in parts) + "--b0--\n"
    return _article(_basic("mime-names", MAIN, index, MIME_Version="1.0",
                           Content_Type='multipart/mixed; boundary="b0"'), body)


def raw8bit_family() -> list[HostileArticle]:
    """C1 as raw bytes, and encodings whose decoded text is ESC/C1."""
    raw = b"raw \x9b2J \x9d0;t\x07 " + RAW_C1 + b" \xff\xfe"
    utf7 = "+ABsAWw-2J +AJsAMQ-m"  # UTF-7 for ESC [ and CSI
    return [
        HostileArticle("raw-c1-bytes", MAIN, _article(_basic(
            "raw-c1-bytes", MAIN, 10, From=b"Raw " + raw + b" <raw@example.org>", Subject=b"raw " + raw,
            Organization=raw, X_Raw=raw), b"body " + raw + b"\n")),
        HostileArticle("utf7-body", MAIN, _article(_basic(
            "utf7-body", MAIN, 11, Subject=f"=?utf-7?q?{utf7.replace(' ', '_')}?=", MIME_Version="1.0",
            Content_Type="text/plain; charset=utf-7"), utf7 + "\n")),
        HostileArticle("latin1-c1", MAIN, _article(_basic(
            "latin1-c1", MAIN, 12, Subject=_ew(C1 + ESC, "iso-8859-1", "q"), MIME_Version="1.0",
            Content_Type="text/plain; charset=iso-8859-1", Content_Transfer_Encoding="8bit"),
            b"latin1 " + RAW_C1 + b"\x1b[2J\n")),
    ]


def poison_family() -> list[HostileArticle]:
    """One article per poison charset: in an encoded-word Subject/From and in a MIME part."""
    arts = []
    for i, charset in enumerate(POISON_CHARSETS):
        key = f"poison-{i}"
        part = (f"--p\nContent-Type: text/plain; charset=\"{charset}\"\nContent-Transfer-Encoding: "
                f"quoted-printable\n\nboom =1B[2J\n--p--\n")
        arts.append(HostileArticle(key, POISON, _article(_basic(
            key, POISON, 20 + i, Subject=f"=?{charset}?q?boom?= {i}", From=f"=?{charset}?b?Ym9vbQ==?= <p@x.org>",
            MIME_Version="1.0", Content_Type='multipart/mixed; boundary="p"'), part)))
    arts.append(HostileArticle("poison-body-charset", POISON, _article(_basic(
        "poison-body-charset", POISON, 40, MIME_Version="1.0",
        Content_Type="text/plain; charset=zlib_codec"), b"x\x9c\xcbH\xcd\xc9\xc9\x07\x00\x06,\x02\x15\n")))
    return arts


def deep_family() -> list[HostileArticle]:
    """Nesting and chains deep enough to break recursive code."""
    nested = "".join(f"--n{i}\nContent-Type: multipart/mixed; boundary=\"n{i + 1}\"\n\n" for i in range(NEST_DEPTH))
    nested += f"--n{NEST_DEPTH}\nContent-Type: text/plain\n\ndeepest\n"
    nested += "".join(f"--n{i}--\n" for i in range(NEST_DEPTH, -1, -1))
    parens = "(" * PAREN_DEPTH + "x" + ")" * PAREN_DEPTH
    return [
        HostileArticle("nested-multipart", MAIN, _article(_basic(
            "nested-multipart", MAIN, 50, MIME_Version="1.0",
            Content_Type='multipart/mixed; boundary="n0"'), nested)),
        HostileArticle("nested-parens", MAIN, _article(_basic(
            "nested-parens", MAIN, 51, From=f"deep@example.org {parens}"))),
        HostileArticle("unclosed-parens", MAIN, _article(_basic(
            "unclosed-parens", MAIN, 52, From="(" * PAREN_DEPTH + "x@example.org"))),
    ]


def chain_family(depth: int = CHAIN_DEPTH) -> list[HostileArticle]:
    """A reply chain ``depth`` deep; References = root + parent (trimmed), every 100th one long."""
    ids = [f"<chain.{i}@hostile.example>" for i in range(depth)]
    arts = []
    for i, mid in enumerate(ids):
        extra: dict[str, str] = {"Message_ID": mid, "Subject": "chain" if i == 0 else "Re: chain"}
        if i:
            refs = ids[max(0, i - 40):i] if i % 100 == 0 else [ids[0], ids[i - 1]]
            extra["References"] = " ".join(dict.fromkeys(refs))
        arts.append(HostileArticle(f"chain-{i}", CHAIN, _article(_basic(f"chain{i}", CHAIN, 100 + i, **extra))))
    return arts


def malformed_family() -> list[HostileArticle]:
    """Sizes and shapes a parser must survive."""
    huge = ("\x1b[2J" + "A" * 61 + BIDI) * 1000  # 100 KB, one line
    return [
        HostileArticle("huge-header", MAIN, _article(_basic("huge-header", MAIN, 60, Subject=huge))),
        HostileArticle("nul-header", MAIN, _article(_basic(
            "nul-header", MAIN, 61, Subject=b"nul \x00 in \x00 subject", X_Nul=b"\x00\x00"))),
        HostileArticle("headers-only", MAIN, b"".join(
            _b(f"{n}: {v}\n") for n, v in _basic("headers-only", MAIN, 62))),
        HostileArticle("bad-base64", MAIN, _article(_basic(
            "bad-base64", MAIN, 63, MIME_Version="1.0", Content_Type="text/plain; charset=utf-8",
            Content_Transfer_Encoding="base64"), "!!!! not base64 \x1b[2J ====\n%%%\n")),
        HostileArticle("far-date", MAIN, _article(_basic(
            "far-date", MAIN, 64, Date="Mon, 01 Jan 99999 00:00:00 +9999"))),
    ]


def spoof_family() -> list[HostileArticle]:
    """An address imitated with a zero-width space, next to the real one."""
    return [
        HostileArticle("spoof-real", MAIN, _article(_basic(
            "spoof-real", MAIN, 70, From="Root <root@example.org>", Subject="real root"))),
        HostileArticle("spoof-fake", MAIN, _article(_basic(
            "spoof-fake", MAIN, 71, From="Root <root\u200b@example.org>", Subject="real\u2060 root"))),
    ]


def plain_family() -> list[HostileArticle]:
    """Ordinary articles, the control group."""
    return [HostileArticle(f"plain-{i}", PLAIN, _article(_basic(
        f"plain{i}", PLAIN, 80 + i, Subject=f"ordinary {i}"), f"ordinary body {i}\n")) for i in range(3)]


def articles(chain_depth: int = CHAIN_DEPTH) -> list[HostileArticle]:
    """The whole corpus, in posting order (a chain's parents before their replies)."""
    return [*plain_family(), *escapes_family(), *raw8bit_family(), *poison_family(), *deep_family(),
            *malformed_family(), *spoof_family(), *chain_family(chain_depth)]


GROUP_DESCRIPTIONS = {
    MAIN: f"escapes everywhere {PAYLOAD}",
    POISON: "poison charsets \x1b]52;c;aGVsbG8=\x07 clipboard",
    CHAIN: "a 1,000 deep reply chain \x1b]0;title\x07",
    PLAIN: "ordinary articles",
}


def real_groups() -> list[HostileGroup]:
    """The groups that hold articles (names a real server takes; hostile descriptions)."""
    return [HostileGroup(_b(name), _b(desc)) for name, desc in GROUP_DESCRIPTIONS.items()]


def groups() -> list[HostileGroup]:
    """The fake server's group list: real groups, then names no real server would take."""
    real = real_groups()
    odd = [
        HostileGroup(b"hostile.\x1b[2J\x1b]0;t\x07", _b(f"escape in the name {ESC}")),
        HostileGroup(_b("hostile.\u202eevil\u202c"), _b(f"bidi in the name {BIDI}")),
        HostileGroup(b"hostile.c1\x9b31m", b"raw C1 in name and description \x9b2J \x85"),
        HostileGroup(_b("hostile.zw\u200bsp"), _b(f"invisible {INVISIBLE}")),
    ]
    return real + odd
