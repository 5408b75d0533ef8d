"""What a new post, a follow-up or a mail (reply, reply to all, to a list) starts with: headers,
quoting, signature, warnings.

Pure functions over a decoded :class:`nntp.models.Article` (no textual, no I/O), so
the rules a newsreader user expects — ``Re:`` once, References grow by the
parent's Message-ID, Followup-To wins over Newsgroups, ``poster`` means mail,
``> `` quoting under an attribution line, ``-- `` before the signature, and mutt's
recipients (Mail-Reply-To, Reply-To, Mail-Followup-To; me and repeats left out of
a reply to all) — are tested without a screen.
"""

from __future__ import annotations

import re
from email.utils import getaddresses

from nntp.addresses import MAX_COMMENT_DEPTH, address_key, comment_depth, split_address
from nntp.models import Article

DEFAULT_ATTRIBUTION = "{name} wrote:"
"""The attribution line's template; ``{name}``, ``{from}``, ``{date}``, ``{message_id}``, ``{group}``."""
SIGNATURE_SEPARATOR = "-- \n"
MANY_GROUPS = 4
"""More groups than this draws a warning even with Followup-To (servers and readers frown on it)."""
MAX_REFERENCES = 20
"""References are cut to the first and the last ids beyond this (RFC 5537 3.4.4 trims too)."""

_RE = re.compile(r"^\s*(re|aw|sv|vs)\s*(\[\d+\])?\s*:\s*", re.IGNORECASE)
Headers = dict[str, str]


def reply_subject(subject: str) -> str:
    """``Re: `` exactly once, whatever prefixes (Re:, RE:, Aw:, Re[2]:) the parent had."""
    stripped = subject.strip()
    while (match := _RE.match(stripped)) is not None:
        stripped = stripped[match.end():]
    return f"Re: {stripped}" if stripped else "Re: (no subject)"


def references_for(parent: Article) -> str:
    """The parent's References (or In-Reply-To) plus the parent's own Message-ID, trimmed if long."""
    ids = re.findall(r"<[^<>\s]+>", parent.header("References") or parent.header("In-Reply-To"))
    if parent.message_id and parent.message_id not in ids:
        ids.append(parent.message_id)
    if len(ids) > MAX_REFERENCES:
        ids = ids[:1] + ids[-(MAX_REFERENCES - 1):]
    return " ".join(ids)


def split_groups(value: str) -> list[str]:
    """``a.b, c.d`` -> ["a.b", "c.d"] (empty names dropped)."""
    return [group.strip() for group in value.split(",") if group.strip()]


def new_post_headers(group: str, from_address: str) -> Headers:
    """A blank article for ``group`` (the fields the composer shows, in that order)."""
    return {"From": from_address, "Newsgroups": group, "Subject": "", "Followup-To": ""}


def followup_headers(parent: Article, from_address: str, group: str = "") -> tuple[Headers, bool]:
    """Headers of a follow-up; the flag says the author asked for mail (``Followup-To: poster``).

    Newsgroups comes from the parent's Followup-To when it names groups, else its
    Newsgroups, else the group being read.
    """
    followup_to = parent.header("Followup-To").strip()
    wants_mail = followup_to.lower() == "poster"
    groups = followup_to if followup_to and not wants_mail else parent.header("Newsgroups") or group
    headers = {"From": from_address, "Newsgroups": ",".join(split_groups(groups)),
               "Subject": reply_subject(parent.header("Subject")), "Followup-To": "",
               "References": references_for(parent)}
    return headers, wants_mail


def followup_note(parent: Article, group: str = "") -> str:
    """The composer's notice when the parent's Followup-To sends a follow-up somewhere other than
    where the parent was posted (slrn and tin say so; a silent redirect surprises), else ""."""
    followup_to = parent.header("Followup-To").strip()
    if followup_to.lower() == "poster":
        return "Followup-To: poster — the author asked for replies by mail, so this one goes by mail"
    target = split_groups(followup_to)
    posted = split_groups(parent.header("Newsgroups")) or split_groups(group)
    if not target or sorted(target) == sorted(posted):
        return ""
    where = ", ".join(target)
    return f"Followup-To: {where} — your follow-up goes to {where}, not {', '.join(posted)}"


def author_address(parent: Article) -> str:
    """Where a reply to the author goes: Mail-Reply-To, else Reply-To, else From."""
    for name in ("Mail-Reply-To", "Reply-To", "From"):
        if parent.header(name).strip():
            return parent.header(name).strip()
    return ""


def mail_headers(parent: Article, from_address: str, to: str = "", cc: str = "") -> Headers:
    """Headers of a reply by mail (To: the author unless given); threaded by In-Reply-To/References."""
    return {"From": from_address, "To": to or author_address(parent), "Cc": cc,
            "Subject": reply_subject(parent.header("Subject")),
            "In-Reply-To": parent.message_id, "References": references_for(parent)}


def reply_all_headers(parent: Article, from_address: str, list_address: str = "") -> Headers:
    """Reply to all: Mail-Followup-To when the parent set it (exactly those, as mutt does), else
    the author (Reply-To) in To and the parent's To and Cc and the list in Cc, me and repeats left out."""
    followup = parent.header("Mail-Followup-To").strip()
    if followup:
        return mail_headers(parent, from_address, to=join_addresses(without(followup, [from_address])))
    to = author_address(parent)
    others = ", ".join(v for v in (parent.header("To"), parent.header("Cc"), list_address) if v.strip())
    return mail_headers(parent, from_address, to=to, cc=join_addresses(without(others, [from_address, to])))


def list_post_headers(list_address: str, from_address: str) -> Headers:
    """A new thread on a mailing list read through a read-only mirror: a mail to the list."""
    return {"From": from_address, "To": list_address, "Cc": "", "Subject": ""}


def list_followup_headers(parent: Article, from_address: str, list_address: str) -> Headers:
    """A follow-up on a read-only mirror: To the list, Cc the author (unless that is the list or me)."""
    author = join_addresses(without(author_address(parent), [list_address, from_address]))
    return mail_headers(parent, from_address, to=list_address, cc=author)


def addresses_of(value: str) -> list[tuple[str, str]]:
    """(name, address) pairs of an address list; nothing for values too nested to parse safely."""
    if comment_depth(value) > MAX_COMMENT_DEPTH or len(value) > 10_000:
        return []
    try:
        return [(n, a) for n, a in getaddresses([value]) if "@" in a]
    except (RecursionError, ValueError, IndexError):
        return []


def without(value: str, drop: list[str]) -> list[tuple[str, str]]:
    """The addresses of ``value`` minus those of ``drop`` and repeats (compared by address_key)."""
    seen = {address_key(a) for item in drop for _, a in addresses_of(item)}
    kept = []
    for name, address in addresses_of(value):
        if address_key(address) not in seen:
            seen.add(address_key(address))
            kept.append((name, address))
    return kept


def join_addresses(pairs: list[tuple[str, str]]) -> str:
    """``Name <addr>, addr`` as one types it: names in clear (the builder encodes them when sent)."""
    return ", ".join(_with_name(name, address) for name, address in pairs)


def _with_name(name: str, address: str) -> str:
    if not name:
        return address
    if any(c in name for c in '()<>[]:;@\\,."'):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{address}>"


def author_name(from_value: str) -> str:
    """The display name of a From value, else its address, else the value itself."""
    name, address = split_address(from_value)
    return name.strip() or address.strip() or from_value.strip() or "someone"


class _Missing(dict[str, str]):
    """A format_map mapping that leaves unknown ``{fields}`` as they were."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def attribution(parent: Article, template: str = DEFAULT_ATTRIBUTION, group: str = "") -> str:
    """The line above the quote; a broken template falls back to the default, never raises."""
    values = _Missing(name=author_name(parent.header("From")), date=parent.header("Date"),
                      message_id=parent.message_id, group=group or parent.header("Newsgroups"))
    values["from"] = parent.header("From")
    try:
        return template.format_map(values)
    except (ValueError, IndexError, AttributeError, KeyError):
        return DEFAULT_ATTRIBUTION.format_map(values)


def strip_signature(body: str) -> str:
    """The body above its last ``-- `` line (nobody quotes a signature)."""
    lines = body.split("\n")
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].rstrip("\r") == "-- ":
            return "\n".join(lines[:index])
    return body


def quote(body: str) -> str:
    """Each line behind ``> `` (``>`` alone for empty lines, ``>`` before already quoted ones)."""
    text = strip_signature(body).rstrip("\n")
    out = []
    for line in text.split("\n"):
        line = line.rstrip()
        out.append(">" if not line else (">" + line if line.startswith(">") else "> " + line))
    return "\n".join(out)


def quoted_body(parent: Article, template: str = DEFAULT_ATTRIBUTION, group: str = "") -> str:
    """Attribution line, the quote, and a blank line to write under."""
    return f"{attribution(parent, template, group)}\n{quote(parent.body)}\n\n"


def with_signature(body: str, signature: str) -> str:
    """``body`` with ``-- `` and the signature under it (an empty signature adds nothing)."""
    signature = signature.strip("\n")
    if not signature:
        return body
    if not body.endswith("\n"):
        body += "\n"
    return f"{body}\n{SIGNATURE_SEPARATOR}{signature}\n"


def crosspost_warning(newsgroups: str, followup_to: str = "") -> str:
    """A warning line for a cross-post, or "" when the groups are fine."""
    groups = split_groups(newsgroups)
    if len(groups) > MANY_GROUPS:
        return f"posting to {len(groups)} groups: many servers and readers treat that as spam"
    if len(groups) > 1 and not split_groups(followup_to):
        return (f"cross-posted to {len(groups)} groups without Followup-To: "
                "replies will go to all of them")
    return ""


def header_fields(headers: Headers) -> list[tuple[str, str]]:
    """Headers as (name, value) fields for nntp.compose, leaving out the empty ones."""
    return [(name, value.strip()) for name, value in headers.items() if value.strip()]


def editor_text(headers: Headers, body: str) -> str:
    """The file handed to ``$EDITOR``: header lines, a blank line, the body."""
    return "".join(f"{name}: {value}\n" for name, value in headers.items()) + "\n" + body


def parse_editor_text(text: str, previous: Headers) -> tuple[Headers, str]:
    """Read back what the editor left: headers down to the first blank line, then the body.

    A file whose top no longer looks like headers is all body, with the previous
    headers kept, so an editor session never loses text.
    """
    head, sep, body = text.partition("\n\n")
    headers: Headers = {}
    for line in head.split("\n") if sep else ["not a header"]:
        name, colon, value = line.partition(":")
        if line[:1] in (" ", "\t") and headers:
            last = list(headers)[-1]
            headers[last] += " " + line.strip()
        elif not colon or not re.fullmatch(r"[!-9;-~]+", name):
            return dict(previous), text
        else:
            headers[name] = value.strip()
    return headers, body
