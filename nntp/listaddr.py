"""Where a read-only mirror's list takes mail, when its 440 reply does not say.

public-inbox names the list in ``440 mailto:list@...``; other mirrors answer a
bare 440. The address is then often in the group's LIST NEWSGROUPS description
("public inbox for linux-media@vger.kernel.org") or in the List-Post header of
the articles (``<mailto:linux-media@vger.kernel.org>``). Pure functions.
"""

from __future__ import annotations

import re

_MAILTO = re.compile(r"mailto:([^\s<>,;?]+@[^\s<>,;?]+)", re.IGNORECASE)
_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def mailto_in(reply: str) -> str:
    """The address of a ``mailto:`` in a server reply or a List-Post value ("" when none)."""
    found = _MAILTO.search(reply)
    return found.group(1).rstrip(".") if found else ""


def address_in(text: str) -> str:
    """The first bare address in free text such as a group description ("" when none)."""
    found = _ADDRESS.search(text)
    return found.group(0).rstrip(".") if found else ""


def with_list_address(reply: str, address: str, where: str) -> str:
    """A 440 reply completed with the address learned elsewhere, in the ``mailto:`` form the outbox reads."""
    if not address or mailto_in(reply):
        return reply
    return f"{reply.rstrip()}; list address mailto:{address} (from {where})"
