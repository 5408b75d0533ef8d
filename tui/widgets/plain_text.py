"""Static text that passes the sanitizer: for screens that show outside text in a block.

The rules screen quotes rule names, tags and Message-IDs from hand-edited files,
the explain screen quotes subjects and authors, statistics name groups and
authors. Each goes through :class:`PlainText`, so a screen cannot forget to
sanitize, and nothing in it is ever read as markup.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from nntp.sanitize import sanitize_text


class PlainText(Static):
    """A :class:`Static` whose content is always sanitized text, never markup."""

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        kwargs["markup"] = False
        super().__init__(sanitize_text(str(text)), **kwargs)

    def update(self, content: Any = "", **kwargs: Any) -> None:
        super().update(sanitize_text(str(content)), **kwargs)
