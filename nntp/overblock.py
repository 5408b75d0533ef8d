"""Parsing a whole block of OVER lines at once, column by column, with C-level loops.

``over_parser`` (nntp/parse.py) turns one line into one record; at 8-17 µs a
line it made parsing a 150,000-article group cost more than reading it off the
wire. Here a block (the raw bytes of one OVER answer, or a piece of it) is split
into rows once, the rows are turned into columns with ``zip``, and each column is
converted with ``map`` over builtins; the usual column shapes (printable text,
``<id> <id>`` references, ``Tue, 02 Jan 2024 02:10:23 +0000`` dates) are checked
for the whole column in one regex pass first. Anything unusual in a column sends
that column (or, for a malformed line, the whole block) down the per-line path,
so the records are exactly what ``over_parser`` gives, line for line: the tests
compare the two on every line of the sample and the 20 Newsgroups corpus.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from itertools import repeat
from operator import itemgetter, methodcaller

from nntp.models import Overview
from nntp.parse import _MSGID, INT64, STANDARD_FORMAT, _clean, _fast_date, _int, over_parser, utf8_or_latin1


def _plain_kernel() -> Callable[[bytes, int], int] | None:
    """nntp/_unstuff.pyx's one-pass ``plain_over_lines``, unless it is not built or turned off."""
    if os.environ.get("PITH_PURE_KERNELS"):
        return None
    try:
        from nntp._unstuff import plain_over_lines
    except ImportError:
        return None
    return plain_over_lines


_PLAIN_LINES = _plain_kernel()


def _ids_kernel() -> Callable[[bytes, int, int, int], list[tuple[int, str]] | None] | None:
    """nntp/_unstuff.pyx's ``plain_over_ids``, unless it is not built or turned off."""
    if os.environ.get("PITH_PURE_KERNELS"):
        return None
    try:
        from nntp._unstuff import plain_over_ids
    except ImportError:
        return None
    return plain_over_ids


_PLAIN_IDS = _ids_kernel()
_ID_FIELD = re.compile(rb"[ -~]*")

_new = tuple.__new__
_UTC = timezone.utc
_MONTH = {m: f"{i:02d}" for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}
_STD_DATES = re.compile(
    r"^[A-Za-z]{3}, [0-9]{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
    r"[0-9]{2}:[0-9]{2}:[0-9]{2} [+-][0-9]{4}$", re.MULTILINE)
_fromiso = datetime.fromisoformat
_DAY, _CLOCK = itemgetter(slice(5, 16)), itemgetter(slice(17, 25))
_ZONE_H, _ZONE_M = itemgetter(slice(26, 29)), itemgetter(slice(29, 31))
def block_lines(data: bytes) -> list[str]:
    """Raw OVER bytes (CRLF-terminated lines, dot-stuffed) -> lines, as ResponseReader decodes them."""
    body = data[:-2] if data.endswith(b"\r\n") else data
    lines = _decode(body).split("\r\n")
    if body[:1] == b"." or b"\n." in body:
        lines = [line[1:] if line[:1] == "." else line for line in lines]
    return lines


def _decode(body: bytes, tries: int = 8) -> str:
    """UTF-8, except that a line which is not UTF-8 is Latin-1 as a whole (as utf8_or_latin1 says).

    The block is decoded in one call up to each bad line; after ``tries`` bad lines
    the rest goes line by line, so a mostly Latin-1 group costs no more than before.
    """
    parts: list[str] = []
    at = 0
    for _ in range(tries):
        try:
            parts.append(body[at:].decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as exc:
            bad = at + exc.start
            start = body.rfind(b"\r\n", at, bad)
            start = at if start < 0 else start + 2
            end = body.find(b"\r\n", bad)
            end = len(body) if end < 0 else end
            parts.append(body[at:start].decode("utf-8"))
            parts.append(body[start:end].decode("latin-1"))
            at = end
    parts.append("\r\n".join(utf8_or_latin1(line) for line in body[at:].split(b"\r\n")))
    return "".join(parts)


PLACEHOLDER_SUBJECT = "[pith: this overview line could not be read]"
"""Subject of a record whose line made the parser fail: the article still lists, visibly."""


def parse_over_block(data: bytes, fmt: tuple[str, ...]) -> tuple[list[Overview], int]:
    """Raw OVER bytes -> (records in line order, malformed lines skipped); never raises.

    A stored chunk is parsed again by every later command, so an exception here
    would make one article break the whole store: any failure sends the block
    line by line, and a line that still fails becomes a placeholder record.
    """
    try:
        return _parse_block(data, fmt)
    except Exception:
        return _guarded_lines(data, fmt)


_NOT_SKELETON = bytes(range(256)).translate(None, b"\t\n")
"""Every byte but tab and line feed: deleted, they leave a block's skeleton of fields and lines."""
_PLAIN_LINE = re.compile(rb"\n(?=[0-9]{1,18}\t[^\t]*\t[^\t]*\t[^\t]*\t *[\x21-\x7e])")
"""A line break before a line that starts with an article number (18 digits always fit INT64) and whose
fifth field, the Message-ID, holds a printable character (so it is not empty once stripped). Only
read on a block whose every line has its tabs: the ``[^\\t]*`` never leave the line."""


def count_records(data: bytes, fmt: tuple[str, ...]) -> tuple[int, int]:
    """Raw OVER bytes -> (records, malformed lines), as ``parse_over_block`` counts them, mostly without parsing.

    ``pith sync`` stores answers as they came and only reports how many records
    they hold; parsing 150,000 lines to count them cost more than the wire. A block
    whose every line is plainly a record is counted with three C-level passes over
    the bytes (one, compiled); any other block is parsed, so the count is exact either way.
    """
    if _PLAIN_LINES is not None:
        plain = _PLAIN_LINES(data, len(fmt)) if len(fmt) >= len(STANDARD_FORMAT) else -1
        if plain >= 0:
            return plain, 0
    else:
        lines = data.count(b"\r\n")
        if _plainly_records(data, lines, len(fmt)):
            return lines, 0
    records, skipped = parse_over_block(data, fmt)
    return len(records), skipped


def plain_ids(data: bytes, fmt: tuple[str, ...], first: int, last: int) -> list[tuple[int, str]] | None:
    """(number, Message-ID) of each record of an OVER answer over ``first``..``last``, as parsing it gives them,
    when every line is plainly a record in that span with a printable ASCII Message-ID; else None.

    A sync asks for the bodies of what it just stored with these, rather than
    decoding the stored answers back into columns (store/sync.py).
    """
    if _PLAIN_IDS is not None:
        return _PLAIN_IDS(data, len(fmt), first, last)
    if not data or not _plainly_records(data, data.count(b"\r\n"), len(fmt)):
        return None
    out: list[tuple[int, str]] = []
    for line in data.split(b"\r\n")[:-1]:
        fields = line.split(b"\t", 5)
        number, field = int(fields[0]), fields[4]
        if not first <= number <= last or _ID_FIELD.fullmatch(field) is None:
            return None
        out.append((number, field.strip(b" ").decode("ascii")))
    return out


def _plainly_records(data: bytes, lines: int, tabs: int) -> bool:
    """Every line: exactly ``tabs`` tabs (at least the standard seven), a number first, a Message-ID not blank.

    Such a line is a record on every path of the parser (fields enough, a number
    in range, a Message-ID), so the lines are the records. The skeleton check also
    rules out a line feed inside a line; a dot-stuffed line fails the number check.
    """
    if not data.endswith(b"\r\n") or tabs < len(STANDARD_FORMAT):
        return False
    if data.translate(None, _NOT_SKELETON) != (b"\t" * tabs + b"\n") * lines:
        return False
    first = data[: data.find(b"\n") + 1]
    return (_PLAIN_LINE.match(b"\n" + first) is not None
            and len(_PLAIN_LINE.findall(data)) == lines - 1)


def _guarded_lines(data: bytes, fmt: tuple[str, ...]) -> tuple[list[Overview], int]:
    """The slow, safe path: each line on its own; a failing line is a placeholder (or skipped)."""
    parse = over_parser(fmt)
    lines = [utf8_or_latin1(line) for line in data.removesuffix(b"\r\n").split(b"\r\n")] if data else []
    records: list[Overview] = []
    for line in lines:
        line = line[1:] if line[:1] == "." else line
        try:
            record = parse(line)
        except Exception:
            record = _placeholder(line)
        if record is not None:
            records.append(record)
    return records, len(lines) - len(records)


def _placeholder(line: str) -> Overview | None:
    """A stand-in for a line the parser choked on, when it names an article number and a Message-ID."""
    fields = line.split("\t")
    try:
        number = int(fields[0])
    except ValueError:
        return None
    message_id = fields[4].strip() if len(fields) > 4 else ""
    if number not in INT64 or not message_id:
        return None
    return Overview(number, PLACEHOLDER_SUBJECT, "", None, message_id, ())


def _parse_block(data: bytes, fmt: tuple[str, ...]) -> tuple[list[Overview], int]:
    if len(fmt) < len(STANDARD_FORMAT):  # as parse_overview_format reads a list this short
        fmt = STANDARD_FORMAT
    if not data:
        return [], 0
    body = data[:-2] if data.endswith(b"\r\n") else data
    if body[:1] != b"." and b"\n." not in body and b"\x00" not in body:
        columns = _columns(_decode(body), len(fmt) + 1)
        if columns is not None:
            records = _records(columns, fmt)
            if records is not None:
                return records, len(columns[0]) - len(records)
    lines = block_lines(data)
    records = parse_lines(lines, fmt)
    return records, len(lines) - len(records)


def _columns(text: str, want: int) -> list[list[str]] | None:
    """The block's fields as columns, if every line has exactly ``want`` fields (else None).

    The whole block is split on tabs once, each line break turned into a tab and
    a NUL that marks where the next line starts; if every mark sits in the first
    column, each line has exactly ``want`` fields, and the columns are stride slices.
    """
    breaks = text.count("\r\n")
    flat = text.replace("\r\n", "\t\x00").split("\t")
    if len(flat) != (breaks + 1) * want:
        return None
    columns = [flat[i::want] for i in range(want)]
    first = "".join(columns[0])
    if first.count("\x00") != breaks:  # every line starts in the first column
        return None
    columns[0] = first.split("\x00")
    return columns


def parse_lines(lines: list[str], fmt: tuple[str, ...]) -> list[Overview]:
    """Decoded OVER lines -> records; the per-line parser when any line is malformed."""
    want = len(fmt) + 1
    tabs = list(map(str.count, lines, repeat("\t")))
    if min(tabs) == max(tabs) == want - 1:
        flat = "\t".join(lines).split("\t")
        records = _records([flat[i::want] for i in range(want)], fmt)
        if records is not None:
            return records
    return _per_line(lines, fmt)


def _records(columns: list[list[str]], fmt: tuple[str, ...]) -> list[Overview] | None:
    """Columns of well-formed lines -> records; None if some line is malformed after all."""
    try:
        numbers = list(map(int, columns[0]))
    except ValueError:
        return None
    if not _fits(numbers):
        return None
    ids = list(map(str.strip, columns[4]))
    if "" in ids:
        return None
    xrefs, extras = _extra_columns(fmt, columns[8:], len(ids))
    # Equal strings made one object (a repeated subject, an author, an id that replies
    # reference): the records of a big group take ~30 MB less memory (150,000) for ~10% more parsing time.
    # Sizes, and References equal to a sibling's (replies to one parent), are shared the same way.
    one: dict[str, str] = {}
    keep = one.setdefault
    ids = list(map(keep, ids, ids))
    subjects, authors = _text_column(columns[1]), _text_column(columns[2])
    chains: dict[tuple[str, ...], tuple[str, ...]] = {}
    refs = [chains.setdefault(t, t) for t in (tuple(map(keep, r, r)) if r else r for r in _refs_column(columns[5]))]
    sizes: dict[int, int] = {}
    return list(map(_new, repeat(Overview), zip(
        numbers, list(map(keep, subjects, subjects)), list(map(keep, authors, authors)), _date_column(columns[3]),
        ids, refs, _shared_ints(_int_column(columns[6]), sizes), _shared_ints(_int_column(columns[7]), sizes),
        xrefs, extras)))


def _shared_ints(values: list[int], one: dict[int, int]) -> list[int]:
    """Equal integers as one object: byte and line counts repeat (a few thousand distinct in 150,000)."""
    return list(map(one.setdefault, values, values))


def _per_line(lines: list[str], fmt: tuple[str, ...]) -> list[Overview]:
    parse = over_parser(fmt)
    return [r for r in map(parse, lines) if r is not None]


def _text_column(values: Sequence[str]) -> list[str]:
    """Subjects or authors: a plain column is only trimmed; otherwise each is decoded and sanitized."""
    joined = " ".join(values)
    if "=?" not in joined and joined.isprintable():
        return list(map(str.strip, values))
    return list(map(_clean, values))


def _date_column(values: Sequence[str]) -> list[datetime | None]:
    """The usual date shape through ``fromisoformat`` (C); any other shape per value as before.

    The ISO text is assembled with C-level maps: the date part once per distinct
    day, the clock and zone as slices.
    """
    joined = "\n".join(values)
    if joined.count("\n") == len(values) - 1 and len(_STD_DATES.findall(joined)) == len(values):
        try:
            days = {k: f"{k[7:11]}-{_MONTH[k[3:6]]}-{k[0:2]}T" for k in set(map(_DAY, values))}
            utc = joined.count(" +0000") == len(values)  # "+00:00" gives the UTC singleton itself
            zones = repeat("+00:00") if utc else map("".join, zip(map(_ZONE_H, values), repeat(":"),
                                                                    map(_ZONE_M, values)))
            stamps = map(_fromiso, map("".join, zip(map(days.__getitem__, map(_DAY, values)),
                                                     map(_CLOCK, values), zones)))
            return list(stamps) if utc else list(map(methodcaller("astimezone", _UTC), stamps))
        except (ValueError, OverflowError):
            pass  # an impossible day or hour: the per-value parser says None, as it always did
    return list(map(_fast_date, values))


def _refs_column(values: Sequence[str]) -> list[tuple[str, ...]]:
    """References: when every token is exactly one <id>, splitting on spaces is the same as the regex.

    Checked for the whole column with counts: tokens joined by single spaces, each
    separator between ``>`` and ``<``, and as many ``<`` and ``>`` as tokens.
    """
    tokens = " ".join(values).split()
    flat = " ".join(tokens)
    n = len(tokens)
    if not n or (flat[0] == "<" and flat[-1] == ">" and flat.count("<") == n and flat.count(">") == n
                 and flat.count("> <") == n - 1 and "<>" not in flat):
        return list(map(tuple, map(str.split, values)))
    return [tuple(_MSGID.findall(v)) if v else () for v in values]


def _int_column(values: Sequence[str]) -> list[int]:
    try:
        numbers = list(map(int, values))
    except ValueError:
        return list(map(_int, values))
    return numbers if _fits(numbers) else list(map(_int, values))


def _fits(numbers: list[int]) -> bool:
    """Every number storable by SQLite (an absurd one sends the column down the per-value path)."""
    return not numbers or (min(numbers) in INT64 and max(numbers) in INT64)


def _extra_columns(fmt: tuple[str, ...], columns: Sequence[Sequence[str]],
                   count: int) -> tuple[list[str] | repeat[str], list[tuple[tuple[str, str], ...]] | repeat[tuple[()]]]:
    """Fields after the standard seven: (xref per record, other (name, value) pairs per record)."""
    names = [name.rstrip(":") for name in fmt[7:]]
    values = [_strip_names(name, column) for name, column in zip(names, columns)]
    xref: list[str] | repeat[str] = repeat("", count)
    others = []
    for name, column in zip(names, values):
        if name.lower() == "xref" and isinstance(xref, repeat):
            xref = column
        else:
            others.append(list(zip(repeat(name), column)))
    return xref, (list(zip(*others)) if others else repeat((), count))


def _strip_names(name: str, values: Sequence[str]) -> list[str]:
    """``Xref: host g:1`` full-header values lose their name, as ``_extras`` does per line."""
    n, low = len(name), name.lower()
    prefix = name + ":"
    joined = "\n".join(values)
    if (values and values[0].startswith(prefix) and joined.count("\n" + prefix) == len(values) - 1
            and joined.count("\n") == len(values) - 1):
        return list(map(str.strip, map(itemgetter(slice(n + 1, None)), values)))
    return [(v[n + 1 :] if v[n : n + 1] == ":" and v[:n].lower() == low else v).strip() for v in values]
