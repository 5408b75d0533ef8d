"""Where mail to a read-only mailing-list mirror goes: the list address, from what is known.

A public-inbox mirror (lore) or a list archive takes no posts, but the list
behind it takes mail. P and f there write a mail to the list instead, so the
address is looked up, without a round trip, in this order: the article's
List-Post (``<mailto:list@host>``), the group's LIST NEWSGROUPS description
("... linux-media@vger.kernel.org"), a mirror's earlier ``440 mailto:`` kept in
the outbox, and last the article's List-Id (``<name.host>`` read as
``name@host``, the convention of vger and Mailman). Pure lookups over the store.
"""

from __future__ import annotations

import re

from nntp.listaddr import address_in, mailto_in
from nntp.models import Article
from store.library import Library
from store.outbox import Outbox

_LIST_ID = re.compile(r"<([A-Za-z0-9_+-]+)\.([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)>")


def list_address(library: Library, group: str, article: Article | None = None) -> str:
    """The list address for ``group`` (and the article being answered), "" when nothing says."""
    if article is not None and mailto_in(article.header("List-Post")):
        return mailto_in(article.header("List-Post"))
    info = library.store.group_table.get(group) if group else None
    if info is not None and address_in(info.description):
        return address_in(info.description)
    learned = _learned_from_440(library, group)
    if learned:
        return learned
    return from_list_id(article.header("List-Id")) if article is not None else ""


def from_list_id(value: str) -> str:
    """``<linux-media.vger.kernel.org>`` -> ``linux-media@vger.kernel.org`` ("" when not that shape)."""
    found = _LIST_ID.search(value)
    return f"{found.group(1)}@{found.group(2)}" if found else ""


def _learned_from_440(library: Library, group: str) -> str:
    """The mailto: of the newest outbox entry for ``group`` that the mirror answered with 440."""
    for entry in reversed(Outbox(library.store.db).entries()):
        groups = [g.strip() for g in entry.header("Newsgroups").split(",")]
        if entry.mailto and group in groups:
            return entry.mailto
    return ""
