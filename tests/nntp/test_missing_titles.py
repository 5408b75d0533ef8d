"""Missing thread roots are titled from their replies, as in slrn and tin (issue 15)."""

from __future__ import annotations

import io
import time
from datetime import datetime, timedelta, timezone

from cli.commands import _print_tree
from nntp.missing import missing_title, missing_titles
from nntp.models import Overview
from nntp.threads import ThreadNode, thread
from app.rows import flatten, missing_label

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def reply(number: int, subject: str, refs: tuple[str, ...], hours: int) -> Overview:
    return Overview(number, subject, f"u{number}@example.org", T0 + timedelta(hours=hours),
                    f"<{number}@x>", refs, 10, 1)


def test_missing_root_takes_the_earliest_replys_subject() -> None:
    later = reply(1, "Re: Re: a later turn", ("<lost@x>",), 5)
    earliest = reply(2, "Re: AW: Where did it go?", ("<lost@x>",), 1)
    (root,) = thread([later, earliest])
    assert root.article is None and missing_title(root) == "Where did it go?"
    rows = flatten([root])
    assert rows[0].title == "Where did it go?" and missing_label(rows[0]) == "[missing] Where did it go?"
    assert rows[1].title == "" and missing_label(rows[0]._replace(title="")) == "[missing article]"
    out = io.StringIO()
    _print_tree(root, out)
    assert "[missing <lost@x>]  Where did it go?" in out.getvalue().splitlines()[0]


def hollow(chain: list[Overview]) -> ThreadNode:
    """A reply chain whose articles are all placeholders but the last (hidden articles keep the tree)."""
    built = ThreadNode(chain[-1], chain[-1].message_id, ())
    for article in reversed(chain[:-1]):
        built = ThreadNode(None, article.message_id, (built,))
    return built


def test_a_deep_chain_of_placeholders_is_titled_in_one_pass() -> None:
    chain = [reply(1, "start", (), 0)] + [reply(n, "Re: start", (f"<{n - 1}@x>",), n) for n in range(2, 20_001)]
    began = time.perf_counter()
    titles = missing_titles(hollow(chain))
    rows = flatten([hollow(chain)])
    assert len(titles) == 19_999 and set(titles.values()) == {"start"} and rows[0].title == "start"
    assert time.perf_counter() - began < 5  # a walk per placeholder would be 200 million steps
