#!/usr/bin/env python3
"""Build ``sample/sample.mbox``: the small sample of articles that pith ships.

Why: the unit tests and ``pith demo`` must work on a machine that has neither
``../shared`` nor a news server, and the INN2 integration tests want one known set
of articles to feed with rnews. So a few hundred articles are copied out of the two
real corpora in ``../shared/corpus`` (see its README.md for provenance and terms),
plus a dozen hand-made edge cases that no corpus holds.

What is chosen, and why (the tables below name each part with its reason):

* Five of the 20 Newsgroups (1993), renamed ``sample.<group>``: sci.space,
  comp.graphics and rec.motorcycles for real threads (the longest, the deepest, a
  root that is missing, replies whose subject starts "Re:" but have no
  References), and comp.sys.ibm.pc.hardware and comp.os.ms-windows.misc because
  they are the groups that 1993 posters crossposted between (with comp.graphics):
  every corpus article naming two of the five groups comes along, with its thread.
* ``sample.linux-media``: whole threads from the linux-media mailing list
  (2018-19) for what 1993 news lacks: MIME multipart, base64 and quoted-printable
  parts, UTF-8 and older charsets, RFC 2047 subjects and names, and [PATCH n/m]
  series. Each mail gets a Path and a Newsgroups header (the way list-to-news
  gateways do it) and References made from In-Reply-To where it has none.
* ``sample.misc``: hand-made articles for hostile or odd input (terminal escapes,
  bidi overrides, charsets, References loops, a References header over 2,048
  bytes, a junk Date and ``Lines: dog``, a spoiler, format=flowed, mbox framing).

Every article must be one that INN2 accepts through rnews, *on the same server that
also carries the full corpora*. INN refuses a Message-ID it has already seen, so every
Message-ID, and every id in References and In-Reply-To, is rewritten by one rule:
``<local@domain>`` -> ``<local.sample@domain>`` (an id with two ``@`` keeps the last
as the separator and turns the others into dots; ``..`` becomes ``.``), and ids that
are still not valid under INN's strict check (no laxmid) are not taken. Besides that:

* news: Xref is dropped (INN writes its own), Newsgroups and Followup-To are mapped
  to the sample names (groups outside the sample dropped; Followup-To dropped when
  nothing is left), articles with Supersedes/Control are not taken;
* mail: Path and Newsgroups are added in front; Newsgroups, Path, Xref, Lines,
  Control, Supersedes, Approved, Distribution and Followup-To of the mail are
  dropped (as ../shared/nntp-server/inn-up.sh does for list.linux-media); mails
  without Subject or with a second Message-ID (public-inbox re-sends) are not taken;
* header lines longer than 998 bytes after the rewrite are refolded;

dates, authors, the rest of the headers and the bodies stay byte for byte. ``check()``
below refuses to write a sample that breaks any of this; the whole file was also fed
with rnews to a private INN 2.7.1 (strict Message-ID syntax, the 20 Newsgroups corpus
already loaded) and every article was accepted.

The output is mboxrd: each message starts with ``From pith-sample Thu Jan  1
00:00:00 1970``, body lines matching ``^>*From `` get one more ``>``, and a blank
line follows each message. The result is deterministic: the same corpora give the
same bytes.

Usage (from the repository root)::

    .venv/bin/python tests/data/make_sample.py            # ../shared/corpus -> sample/sample.mbox
    .venv/bin/python tests/data/make_sample.py --corpus DIR --out FILE
    .venv/bin/python tests/data/make_sample.py --news TAR --list MBOX.xz
"""

from __future__ import annotations

import argparse
import base64
import lzma
import re
import sys
import tarfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
NEWS_TAR = "20news-19997.tar.gz"
LIST_MBOX = "linux-media-2018-08_2019-03.mbox.xz"
DEFAULT_OUT = REPO / "sample" / "sample.mbox"
FROM_LINE = b"From pith-sample Thu Jan  1 00:00:00 1970\n"

GROUPS = {  # corpus group -> sample group; other groups are dropped from Newsgroups
    "comp.graphics": "sample.comp.graphics",
    "comp.os.ms-windows.misc": "sample.comp.os.ms-windows.misc",
    "comp.sys.ibm.pc.hardware": "sample.comp.sys.ibm.pc.hardware",
    "rec.motorcycles": "sample.rec.motorcycles",
    "sci.space": "sample.sci.space",
}
LIST_GROUP = "sample.linux-media"
LIST_PATH = b"vger.kernel.org!not-for-mail"

# 20 Newsgroups: whole threads, each named by one of its Message-IDs. A thread is
# every article linked to it through References (shared ancestors count, present
# in the corpus or not), so siblings of a missing root belong to one thread.
NEWS_THREADS = [
    ("<6ZV82B2w165w@theporch.raider.net>",
     "sci.space 'Why not give $1 billion to first year-long moon residents?': 27 articles, "
     "the long thread (20+) and the deepest reply chain (12 levels below the root)"),
    ("<1993Apr06.020021.186145@zeus.calpoly.edu>",
     "sci.space 'What if the USSR had reached the Moon first?': 19 articles, a chain 11 deep"),
    ("<1993Apr15.131954.1@fnalf.fnal.gov>",
     "sci.space 'Sixty-two thousand (was Re: How many read sci.space?)': replies to two "
     "articles the corpus lacks (3 and 2 siblings: dummy parents); the subject changes"),
    ("<1993Apr18.230732.27804@kakwa.ucs.ualberta.ca>",
     "comp.graphics 'images of earth': 26 articles, a second long thread, 7 deep"),
    ("<C5n3x0.B5L@news.cso.uiuc.edu>",
     "comp.graphics 'Fast polygon routine needed': 11 articles, 7 deep"),
    ("<C5Ft68.8HC@mentor.cc.purdue.edu>",
     "comp.graphics 'TIFF: philosophical significance of 42': 20 articles whose root is "
     "missing (2 replies answer it)"),
    ("<MJMUISE.38.733926270@1302.watstar.uwaterloo.ca>",
     "rec.motorcycles 'Re: Drinking and Riding': 11 articles hanging from 4 missing "
     "articles (3, 2, 1 and 1 replies): dummy parents"),
    ("<222834@mavenry.altcit.eskimo.com>",
     "rec.motorcycles 'Good Reasons to Wave at each other': 19 articles, wide and shallow"),
    ("<1993Apr15.150024.12552@walter.bellcore.com>",
     "rec.motorcycles 'Boom! Hubcap attack!': 14 articles; the missing root has 5 replies"),
    ("<1993Apr15.215604.21347@news.cs.indiana.edu>",
     "comp.sys.ibm.pc.hardware 'Re: 17\" Monitors': root missing, a chain 7 deep below it"),
    ("<C5uw1t.3HI@eskimo.com>",
     "comp.sys.ibm.pc.hardware 'Monitors - Nanao?': 10 articles with their root"),
    ("<1qkfsmINNhki@uwm.edu>",
     "comp.os.ms-windows.misc 'Win NT - what is it???': 13 articles"),
]

# 20 Newsgroups: single articles (their threads are not taken whole).
NEWS_ARTICLES = [
    ("<d91-fad.23.734094936@tekn.hj.se>", "'RE: VESA on the Speedstar 24': Re: subject, no References"),
    ("<23150@mindlink.bc.ca>", "'Re: VESA on the Speedstar 24': Re: subject, no References; has a reply"),
    ("<1qmqk6$7gl@access.digex.net>", "the reply to the previous one (References in the sample)"),
    ("<d91-hes.20.735204628@tekn.hj.se>", "'re: Vesa on the Speedstar 24': lower-case re:, no References"),
    ("<1993Apr16.130310.20463@samba.oit.unc.edu>",
     "'Re: RE: Win NT - what is it???': no References, joins the Win NT thread by subject only"),
    ("<1993May14.163628.23896@samba.oit.unc.edu>", "'re: VBRUN100.dll': lower-case re:, no References"),
]
CROSSPOST_THREAD_MAX = 12  # crossposted articles bring their thread when it is this small

# linux-media: whole threads (linked by References and In-Reply-To), by one Message-ID.
LIST_THREADS = [
    ("<20180829105233.3852-1-sakari.ailus@linux.intel.com>",
     "[PATCH 0/3] Uniformly assign sub-device names: a 3-patch series with cover letter and "
     "replies; '[PATCH 1/3]' and a reply have RFC 2047 UTF-8 subjects (I\u00b2C)"),
    ("<20181128171918.160643-1-lkundrak@v3.sk>",
     "[PATCH 0/6] media: don't ifdef v4l2_subdev_get_try_format(): a 6-patch series, 15 mails, "
     "quoted-printable patches, PGP multipart/signed replies, replies with In-Reply-To only, "
     "and a subject whose RFC 2047 word decodes to two ESC characters"),
    ("<03c10b29-6ead-1aa2-334a-c6357004a5ac@xs4all.nl>",
     "[RFC] V4L2_PIX_FMT_MJPEG vs V4L2_PIX_FMT_JPEG: a 14-mail discussion, 7 deep, "
     "quoted-printable and ISO-8859-1 replies"),
    ("<1539313441.21249.3.camel@intel.com>",
     "question about V4L2_MEMORY_USERPTR: base64 UTF-8 bodies, a windows-1252 reply"),
    ("<b9140bbf-1537-1431-1250-da0a21208992@molgen.mpg.de>",
     "Logitech QuickCam: a user's question; S/MIME multipart/signed mails with base64 and "
     "quoted-printable parts"),
    ("<5B7E9947.5000005@huawei.com>",
     "dma_zalloc_coherent series: ISO-8859-1 and windows-1252 bodies"),
    ("<20180917111748.GT18450@bigcity.dyn.berto.se>",
     "rcar-csi2: ISO-8859-1 bodies and an RFC 2047 encoded From (S\u00f6derlund)"),
    ("<20180915004236.GA15913@shambles.windy>",
     "cx23885 regression: a user's bug report; ISO-8859-1 bodies, a multipart/signed reply"),
    ("<Pine.LNX.4.44L0.1809101011100.1584-100000@iolanthe.rowland.org>",
     "[PATCH 0/3] media: use irqsave() in USB's complete callback: a series of 9 mails, "
     "one reply with In-Reply-To only (References built from it)"),
    ("<1546170101-22732-1-git-send-email-khoroshilov@ispras.ru>",
     "tw9910 clk fix: a v2 patch sent with In-Reply-To only, a multipart/signed reply"),
    ("<20180831132018.bbrvi2vt4vatyojj@kili.mountain>",
     "sr030pc30: a [PATCH v2] with In-Reply-To only, and the mail it answers"),
]
LIST_MAILS = [
    ("<80759e10-a3e3-6c69-114a-b91bcf1308d6@gmail.com>",
     "a reply in ISO-2022-JP whose parent is not in the sample"),
    ("<cd25a0e4-ba9d-178d-2dec-096aa81117d3@gmail.com>", "a reply in ISO-8859-2"),
]

MAX_BODY = 100_000  # bytes; INN takes more, the sample has no use for it
MAX_LINE = 998  # RFC 5322 line limit; header lines longer than this are refolded
DROP_NEWS = {b"xref"}
DROP_LIST = {b"newsgroups", b"path", b"xref", b"lines", b"control", b"also-control",
             b"supersedes", b"approved", b"distribution", b"followup-to"}
UNSAFE_NEWS = {b"supersedes", b"control", b"also-control"}  # never carry these over

# ----------------------------------------------------------------- Message-IDs

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = re.compile(rf"{_ATEXT}+(?:\.{_ATEXT}+)*\Z")
_QUOTED = re.compile(r'"(?:[^"\\\s]|\\.)*"\Z')
_LITERAL = re.compile(r"\[[^\[\]\\\s]*\]\Z")
_ID = re.compile(rb"<[^<>\s]+>")
_ID_WITH_AT = re.compile(rb"<([^<>\s]*@[^<>\s]*)>")


def sample_id(message_id: str) -> str:
    """``<local@domain>`` -> ``<local.sample@domain>``, normalised (see module doc)."""
    local, _, domain = message_id.strip("<>").rpartition("@")
    if not local.startswith('"'):
        local = _squeeze_dots(local.replace("@", "."))
    if not domain.startswith("["):
        domain = _squeeze_dots(domain)
    return f"<{local}.sample@{domain}>"


def _squeeze_dots(text: str) -> str:
    return re.sub(r"\.{2,}", ".", text).strip(".")


def valid_id(message_id: str) -> bool:
    """The strict RFC 5536 shape INN checks (without laxmid), at most 250 bytes."""
    local, at, domain = message_id[1:-1].rpartition("@")
    return (len(message_id) <= 250 and message_id.startswith("<") and bool(at)
            and bool(_DOT_ATOM.match(local) or _QUOTED.match(local))
            and bool(_DOT_ATOM.match(domain) or _LITERAL.match(domain)))


def _rewrite_ids(value: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        return sample_id(match.group(0).decode("latin-1")).encode("latin-1")
    return _ID_WITH_AT.sub(one, value)


# ----------------------------------------------------------------- header fields


def split_message(raw: bytes) -> tuple[list[bytes], bytes]:
    """Header fields (folds kept, no trailing newline) and the body."""
    head, _, body = raw.partition(b"\n\n")
    return re.split(rb"\n(?=[^ \t])", head), body


def field_name(field: bytes) -> bytes:
    return field.split(b":", 1)[0].strip().lower()


def field_value(field: bytes) -> bytes:
    return field.split(b":", 1)[1] if b":" in field else b""


def header(fields: Iterable[bytes], name: bytes) -> bytes | None:
    for field in fields:
        if field_name(field) == name:
            return field_value(field).strip()
    return None


def ids_field(field: bytes) -> bytes:
    """Rewrite the ids of a Message-ID/References/In-Reply-To field; refold if too long."""
    name, _, value = field.partition(b":")
    new = name + b":" + _rewrite_ids(value)
    if max(len(line) for line in new.split(b"\n")) <= MAX_LINE:
        return new
    return fold_ids(name, _ID.findall(new))


def fold_ids(name: bytes, ids: list[bytes], width: int = 78) -> bytes:
    """``Name: <a> <b>`` folded before an id whenever a line would pass ``width``."""
    lines, line = [], name + b":"
    for mid in ids:
        if len(line) + 1 + len(mid) > width and line != name + b":":
            lines.append(line)
            line = b"\t" + mid
        else:
            line += b" " + mid
    return b"\n".join([*lines, line])


def join_message(fields: list[bytes], body: bytes) -> bytes:
    raw = b"\n".join(fields) + b"\n\n" + body
    return raw if raw.endswith(b"\n") else raw + b"\n"


# ----------------------------------------------------------------- threads


class Threads:
    """Union-find over Message-IDs: articles sharing any reference are one thread."""

    def __init__(self) -> None:
        self.parent: dict[bytes, bytes] = {}

    def find(self, key: bytes) -> bytes:
        root = key
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while key != root:
            self.parent[key], key = root, self.parent.get(key, root)
        return root

    def link(self, key: bytes, others: Iterable[bytes]) -> None:
        for other in others:
            a, b = self.find(key), self.find(other)
            if a != b:
                self.parent[a] = b


@dataclass
class Source:
    """One corpus article or mail: where it came from and what threading needs."""

    origin: str
    raw: bytes
    fields: list[bytes]
    body: bytes
    message_id: bytes
    links: list[bytes]


def group_members(sources: dict[bytes, Source]) -> dict[bytes, list[Source]]:
    threads = Threads()
    for source in sources.values():
        threads.link(source.message_id, source.links)
    members: dict[bytes, list[Source]] = defaultdict(list)
    for source in sources.values():
        members[threads.find(source.message_id)].append(source)
    return {source.message_id: members[threads.find(source.message_id)] for source in sources.values()}


# ----------------------------------------------------------------- 20 Newsgroups


def read_news(path: Path) -> dict[bytes, Source]:
    """Every article of the tar, once per Message-ID (crossposted copies dropped)."""
    sources: dict[bytes, Source] = {}
    with tarfile.open(path) as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
        members.sort(key=lambda m: _news_order(m.name))
        for member in members:
            handle = tar.extractfile(member)
            assert handle is not None
            raw = handle.read()
            fields, body = split_message(raw)
            found = _ID.search(header(fields, b"message-id") or b"")
            if found and found.group(0) not in sources:
                links = _ID.findall(header(fields, b"references") or b"")
                sources[found.group(0)] = Source(member.name, raw, fields, body, found.group(0), links)
    return sources


def _news_order(name: str) -> tuple[str, int]:
    """(group, article number): the order the articles had on their 1993 server."""
    group, _, number = name.rpartition("/")
    return group, int(number) if number.isdigit() else 0


def sample_groups(value: bytes) -> list[str]:
    names = [g.strip() for g in value.decode("latin-1").split(",")]
    return list(dict.fromkeys(GROUPS[g] for g in names if g in GROUPS))


def news_usable(source: Source) -> bool:
    names = {field_name(f) for f in source.fields}
    return (bool(sample_groups(header(source.fields, b"newsgroups") or b""))
            and not names & UNSAFE_NEWS and b"\r" not in b"\n".join(source.fields)
            and valid_id(sample_id(source.message_id.decode("latin-1")))
            and len(source.body) < MAX_BODY)


def news_article(source: Source) -> bytes:
    out = []
    for field in source.fields:
        name = field_name(field)
        if name in DROP_NEWS:
            continue
        if name == b"newsgroups":
            field = b"Newsgroups: " + ",".join(sample_groups(field_value(field))).encode()
        elif name == b"followup-to":
            value = field_value(field).strip()
            groups = sample_groups(value)
            if value.lower() != b"poster" and not groups:
                continue
            field = b"Followup-To: " + (value if not groups else ",".join(groups).encode())
        elif name in (b"message-id", b"references", b"in-reply-to"):
            field = ids_field(field)
        out.append(field)
    return join_message(out, source.body)


def choose_news(sources: dict[bytes, Source]) -> list[Source]:
    members = group_members(sources)
    chosen: dict[bytes, Source] = {}

    def take(items: Iterable[Source]) -> None:
        for source in items:
            if news_usable(source):
                chosen.setdefault(source.message_id, source)

    for seed, _why in NEWS_THREADS:
        take(members[seed.encode()])
    take(sources[seed.encode()] for seed, _why in NEWS_ARTICLES)
    for source in sources.values():  # every crosspost between two sample groups
        if len(sample_groups(header(source.fields, b"newsgroups") or b"")) >= 2:
            thread = [s for s in members[source.message_id] if news_usable(s)]
            take(thread if len(thread) <= CROSSPOST_THREAD_MAX else [source])
    return sorted(chosen.values(), key=lambda s: _news_order(s.origin))


# ----------------------------------------------------------------- linux-media


def read_list(path: Path) -> dict[bytes, Source]:
    """The mboxrd as public-inbox wrote it; the first mail of each Message-ID."""
    data = lzma.open(path).read() if path.suffix == ".xz" else path.read_bytes()
    sources: dict[bytes, Source] = {}
    for number, raw in enumerate(re.split(rb"(?m)^From mboxrd@z Thu Jan  1 00:00:00 1970\n", data)[1:]):
        raw = re.sub(rb"(?m)^>(>*From )", rb"\1", raw)
        raw = raw[:-1] if raw.endswith(b"\n\n") else raw
        fields, body = split_message(raw)
        found = _ID.search(header(fields, b"message-id") or b"")
        if found and found.group(0) not in sources:
            refs = _ID.findall(header(fields, b"references") or b"")
            irt = _ID.findall(header(fields, b"in-reply-to") or b"")
            sources[found.group(0)] = Source(f"mail {number}", raw, fields, body, found.group(0), refs + irt)
    return sources


def list_usable(source: Source) -> bool:
    ids = [f for f in source.fields if field_name(f) == b"message-id"]
    return (len(ids) == 1 and _ID.search(ids[0].split(b"\n")[0]) is not None
            and header(source.fields, b"subject") not in (None, b"")
            and valid_id(sample_id(source.message_id.decode("latin-1")))
            and len(source.body) < MAX_BODY)


def list_article(source: Source) -> bytes:
    out = [b"Path: " + LIST_PATH, b"Newsgroups: " + LIST_GROUP.encode()]
    in_reply_to = _ID.findall(header(source.fields, b"in-reply-to") or b"")
    needs_refs = header(source.fields, b"references") is None and bool(in_reply_to)
    for field in source.fields:
        name = field_name(field)
        if name in DROP_LIST:
            continue
        if name in (b"message-id", b"references", b"in-reply-to"):
            field = ids_field(field)
        out.append(field)
        if name == b"in-reply-to" and needs_refs:
            out.append(b"References: " + _rewrite_ids(in_reply_to[-1]))
    return join_message(out, source.body)


def choose_list(sources: dict[bytes, Source]) -> list[Source]:
    members = group_members(sources)
    chosen: dict[bytes, Source] = {}
    for seed, _why in LIST_THREADS:
        chosen.update((s.message_id, s) for s in members[seed.encode()] if list_usable(s))
    for seed, _why in LIST_MAILS:
        chosen[seed.encode()] = sources[seed.encode()]
    order = {key: n for n, key in enumerate(sources)}
    return sorted(chosen.values(), key=lambda s: order[s.message_id])


# ----------------------------------------------------------------- hand-made edge cases

MISC_GROUP = "sample.misc"
MISC_AUTHOR = b"Pith Sample <sample@example.org>"
# Wrong weekday, upper-case month, two-digit year, second 60, zone +25:00, trailing words:
# INN 2.7's lax date parser still takes it (checked with rnews), a reader may not.
JUNK_DATE = b"Sun, 1 APR 93 12:00:60 +2500 junk junk"


def misc_id(slug: str) -> bytes:
    return f"<{slug}.sample@pith.invalid>".encode()


def encoded_word(text: str, charset: str) -> bytes:
    """One RFC 2047 B-encoded word."""
    return f"=?{charset.upper()}?B?{base64.b64encode(text.encode(charset)).decode()}?=".encode()


def misc(slug: str, subject: bytes, body: bytes, day: int, *, author: bytes = MISC_AUTHOR,
         refs: list[bytes] | None = None, ctype: bytes | None = None, cte: bytes = b"8bit",
         date: bytes | None = None, lines: bytes | None = None) -> bytes:
    """A hand-made article with the headers INN requires (and Lines)."""
    fields = [b"Path: pith-sample!not-for-mail", b"From: " + author, b"Newsgroups: " + MISC_GROUP.encode(),
              b"Subject: " + subject, b"Message-ID: " + misc_id(slug),
              b"Date: " + (date or b"Mon, %02d Jan 2024 12:%02d:00 +0000" % (day, day))]
    if refs:
        fields.append(fold_ids(b"References", refs))
    if ctype:
        fields += [b"MIME-Version: 1.0", b"Content-Type: " + ctype, b"Content-Transfer-Encoding: " + cte]
    fields.append(b"Lines: " + (lines or str(body.count(b"\n")).encode()))
    return join_message(fields, body)


def misc_articles() -> list[bytes]:
    """About a dozen articles no corpus holds; each subject says what it tests."""
    utf8 = b"text/plain; charset=utf-8"
    hostile = (
        "A hand-made test article: what does the reader show of hostile text?\n\n"
        "The subject carries ANSI SGR sequences (ESC [ 31 m ... ESC [ 0 m).\n\n"
        "The next line carries an OSC window-title sequence (ESC ] 0 ; pwned BEL):\n"
        "\x1b]0;pwned\x07If the terminal title now reads \"pwned\", the reader let it through.\n\n"
        "The next line carries a right-to-left override (U+202E) and its end (U+202C):\n"
        "Please open the attached invoice_\u202efdp.exe\u202c and pay today.\n\n"
        "This line clears the screen and homes the cursor (ESC [ 2 J ESC [ H):\n"
        "\x1b[2J\x1b[Hstill here?\n\n"
        "And this is a C1 CSI (U+009B) in UTF-8: \u009b31mred?\u009b0m\n"
    ).encode()
    latin1 = (
        "Gr\u00fc\u00dfe aus K\u00f6ln! This body is ISO-8859-1, as its Content-Type says.\n\n"
        "caf\u00e9 cr\u00e8me, na\u00efve fa\u00e7ade, 25 \u00b0C, \u00a35, \u00bd price, "
        "\u00abguillemets\u00bb, \u00bfqu\u00e9 tal?\n"
        "\u00c6r\u00f8, \u00d8resund, \u00c5land, sm\u00f8rrebr\u00f8d.\n"
    ).encode("latin-1")
    koi8 = ("Привет! Это тело письма в кодировке KOI8-R, как и тема.\n"
            "Съешь же ещё этих мягких французских булок.\n")
    jis = "これは ISO-2022-JP の本文です。\n" "件名と差出人は RFC 2047 で符号化されています。\n"
    ancestors = [misc_id(f"missing-ancestor-{n:02d}") for n in range(60)]
    flowed = (
        b"This body is format=flowed: the lines of this paragraph end in a space, \n"
        b"so a reader that understands RFC 3676 joins them into one long line and \n"
        b"wraps it to the width of the window.\n\n"
        b"> A quoted paragraph, flowed as well, \n"
        b"> which also ends here.\n\n"
        b" From here on a space-stuffed line (the leading space is not content).\n"
        b"A fixed line with no trailing space.\n\n"
        b"-- \n"
        b"The signature separator above must not flow.\n"
    )
    framing = (
        b"Lines that mbox and NNTP framing must carry through unchanged:\n\n"
        b"From the desk of the sample (an unescaped From line in mboxrd terms)\n"
        b">From a line that was already quoted once\n"
        b">>From a line quoted twice\n"
        b".\n"
        b"..\n"
        b".a line with a leading dot (dot-stuffed on the wire)\n"
        b"From\n"
        b"the last line\n"
    )
    return [
        misc("ansi-osc-bidi", b"Colours in a subject: \x1b[31mred\x1b[0m and \x1b[1;5mblinking\x1b[0m",
             hostile, 1, ctype=utf8),
        misc("latin1-body", b"An ISO-8859-1 body declared in Content-Type", latin1, 2,
             ctype=b"text/plain; charset=ISO-8859-1"),
        misc("koi8r-subject", encoded_word("Привет из Москвы", "koi8-r") + b" (KOI8-R subject)",
             koi8.encode("koi8-r"), 3, ctype=b"text/plain; charset=KOI8-R"),
        misc("iso2022jp", encoded_word("日本語の件名", "iso-2022-jp"), jis.encode("iso-2022-jp"), 4,
             author=encoded_word("山田太郎", "iso-2022-jp") + b" <yamada@example.org>",
             ctype=b"text/plain; charset=ISO-2022-JP", cte=b"7bit"),
        misc("loop-a", b"References loop, part A", b"This article says it follows up part B.\n", 5,
             refs=[misc_id("loop-b")]),
        misc("loop-b", b"Re: References loop, part A", b"And this one says it follows up part A.\n", 6,
             refs=[misc_id("loop-a")]),
        misc("long-references", b"Re: An ISO-8859-1 body declared in Content-Type",
             b"The References header of this article names 60 ancestors that exist nowhere,\n"
             b"then its real parent: it is over 2,048 bytes long, which is more than an\n"
             b"unpatched nntplib reads in one OVER line.\n", 7,
             refs=[*ancestors, misc_id("latin1-body")]),
        misc("junk-date", b"A junk Date and Lines: dog",
             b"The Date header is junk that INN still accepts (1 April 1993 was a Thursday,\n"
             b"there is no second 60 nor zone +2500, and words trail), and the Lines header\n"
             b"is not a number, as in one real 1993 article.\n", 8,
             date=JUNK_DATE, lines=b"dog"),
        misc("spoiler", b"[SPOILER] How the sample ends",
             b"Spoiler below: a reader should stop at the form feed and ask.\n\n\f\n"
             b"The butler did it.\n", 9),
        misc("format-flowed", b"A format=flowed body", flowed, 10,
             ctype=b"text/plain; charset=utf-8; format=flowed"),
        misc("mbox-framing", b"Mbox and NNTP framing: From lines and lone dots", framing, 11),
        misc("raw-utf8-subject", "Raw UTF-8 in a header: naïve café — ✓ 日本".encode(),
             "The subject is UTF-8 without RFC 2047 encoding, as many modern posters send it.\n".encode(),
             12, ctype=utf8),
    ]


# ----------------------------------------------------------------- output


def mboxrd(messages: Iterable[bytes]) -> bytes:
    """mboxrd: fixed From line, ``>``-escaped ``^>*From `` lines, a blank line after each."""
    out = bytearray()
    for message in messages:
        out += FROM_LINE + re.sub(rb"(?m)^(>*From )", rb">\1", message) + b"\n"
    return bytes(out)


def build(news_tar: Path, list_mbox: Path) -> tuple[list[bytes], set[bytes]]:
    """The sample's messages in file order, and every Message-ID of both corpora."""
    news, mail = read_news(news_tar), read_list(list_mbox)
    messages = [news_article(s) for s in choose_news(news)]
    messages += [list_article(s) for s in choose_list(mail)]
    return messages + misc_articles(), set(news) | set(mail)


def check(messages: list[bytes], corpus_ids: set[bytes]) -> list[str]:
    """Everything INN (rnews) would refuse, and everything the sample promises."""
    problems, seen = [], set()
    for raw in messages:
        fields, body = split_message(raw)
        names = Counter(field_name(f) for f in fields)
        mid = _ID.search(header(fields, b"message-id") or b"")
        label = mid.group(0).decode("latin-1") if mid else repr(raw[:60])
        for need in (b"path", b"from", b"newsgroups", b"subject", b"message-id", b"date"):
            if names[need] != 1:
                problems.append(f"{label}: {names[need]} {need.decode()} headers")
        if names[b"xref"]:
            problems.append(f"{label}: has Xref")
        if not all(g.startswith(b"sample.") for g in (header(fields, b"newsgroups") or b"").split(b",")):
            problems.append(f"{label}: a group outside the sample")
        if mid is None or not valid_id(mid.group(0).decode("latin-1")) or mid.group(0) in seen:
            problems.append(f"{label}: bad or duplicate Message-ID")
        elif mid.group(0) in corpus_ids or b".sample@" not in mid.group(0):
            problems.append(f"{label}: Message-ID not rewritten")
        seen.add(mid.group(0) if mid else b"")
        if any(len(line) > MAX_LINE for f in fields for line in f.split(b"\n")):
            problems.append(f"{label}: header line over {MAX_LINE} bytes")
        if len(body) >= MAX_BODY or b"\0" in raw:
            problems.append(f"{label}: body too big or NUL byte")
    return problems


def summary(messages: list[bytes], size: int) -> Iterator[str]:
    groups: Counter[str] = Counter()
    crossposted = 0
    for raw in messages:
        names = (header(split_message(raw)[0], b"newsgroups") or b"").decode().split(",")
        groups.update(names)
        crossposted += len(names) > 1
    yield f"{len(messages)} messages, {size:,} bytes, {crossposted} crossposted"
    for name, count in sorted(groups.items()):
        yield f"  {name:34s} {count:4d}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder with both corpora")
    parser.add_argument("--news", type=Path, help=f"20 Newsgroups tar (default: CORPUS/{NEWS_TAR})")
    parser.add_argument("--list", type=Path, help=f"linux-media mboxrd (default: CORPUS/{LIST_MBOX})")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="mbox to write")
    args = parser.parse_args(argv)
    messages, corpus_ids = build(args.news or args.corpus / NEWS_TAR, args.list or args.corpus / LIST_MBOX)
    problems = check(messages, corpus_ids)
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    if problems:
        return 1
    data = mboxrd(messages)
    args.out.write_bytes(data)
    for line in summary(messages, len(data)):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
