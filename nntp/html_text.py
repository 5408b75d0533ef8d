"""HTML-only mail as readable text: paragraphs, lists and line breaks kept, links listed at the end.

Some list mail has no text/plain part at all (a ``text/html`` body, or a
``multipart/alternative`` whose only alternative is HTML). Showing its tags, or
nothing, helps nobody; a browser is not an option in a terminal. So the HTML is
read with the standard library's forgiving ``html.parser`` (no recursion, no
network, nothing fetched), scripts, styles and the head are dropped, entities
decoded, and each link's address is listed at the end as ``[1] url``, the way
text-mode browsers do. Hostile input never raises: the input is bounded, list
nesting is capped, and any parser failure returns what was read so far.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

MAX_INPUT = 2_000_000
"""Characters of HTML read; the rest is cut with a note (a mail body, not a web archive)."""
MAX_DEPTH = 20
"""List nesting beyond this is shown at this depth."""
MAX_LINKS = 500

_SKIP = frozenset({"script", "style", "head", "title", "template", "noscript", "svg", "math"})
_BLOCK = frozenset({"p", "div", "section", "article", "header", "footer", "main", "nav", "aside",
                    "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "form", "fieldset", "address",
                    "figure", "figcaption", "dl", "dt", "dd", "center", "details", "summary", "body"})
_LISTS = frozenset({"ul", "ol", "menu", "dir"})
_SPACE = re.compile(r"[ \t\r\n\f\v]+")


class _Reader(HTMLParser):
    """Collects text as lines; the state is a few counters, so no input can make it recurse."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.links: list[str] = []
        self.skipping = 0
        self.pre = 0
        self.quote = 0
        self.lists: list[list[int]] = []  # [next number] for <ol>, [0] for <ul>
        self._href: str | None = None
        self._link_text = ""

    # -- tags ------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag == "br":
            self.newline()
        elif tag in ("p", "hr", "pre", "blockquote") or tag in _BLOCK:
            self.paragraph()
            self.pre += tag == "pre"
            self.quote += tag == "blockquote"
            if tag == "hr":
                self.write("-" * 20)
                self.paragraph()
        elif tag in _LISTS:
            self.end_line()
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            self.list_item()
        elif tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._link_text = ""
        elif tag == "img":
            alt = (dict(attrs).get("alt") or "").strip()
            self.write(f"[{alt}]" if alt else "")
        elif tag in ("td", "th"):
            self.write(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:  # <script/> opens nothing
            return
        self.handle_starttag(tag, attrs)
        if tag == "a":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _LISTS:
            if self.lists:
                self.lists.pop()
            self.end_line()
        elif tag in ("p", "pre", "blockquote") or tag in _BLOCK:
            self.pre -= tag == "pre" and self.pre > 0
            self.quote -= tag == "blockquote" and self.quote > 0
            self.paragraph()
        elif tag == "a":
            self.end_link()

    def handle_data(self, data: str) -> None:
        if self.skipping:
            return
        if self._href is not None:
            self._link_text += data
        if self.pre:
            for i, piece in enumerate(data.split("\n")):
                if i:
                    self.newline()
                self.lines[-1] += piece
            return
        self.write(_SPACE.sub(" ", data))

    # -- text ------------------------------------------------------------------
    def write(self, text: str) -> None:
        if not self.lines[-1].strip():
            text = text.lstrip()
            if text:
                self.lines[-1] = self._indent() + text
            return
        line = self.lines[-1]
        if line.endswith(" ") and text.startswith(" "):
            text = text[1:]
        self.lines[-1] = line + text

    def _indent(self) -> str:
        return "> " * min(self.quote, MAX_DEPTH) + "   " * min(max(len(self.lists) - 1, 0), MAX_DEPTH)

    def newline(self) -> None:
        self.lines[-1] = self.lines[-1].rstrip()
        self.lines.append("")

    def end_line(self) -> None:
        """A line break unless the current line is still empty."""
        if self.lines[-1].strip():
            self.newline()

    def paragraph(self) -> None:
        self.newline()
        if len(self.lines) >= 2 and self.lines[-2] != "":
            self.lines.append("")

    def list_item(self) -> None:
        self.end_line()
        if not self.lists:
            self.lists.append([0])
        counter = self.lists[-1]
        mark = f"{counter[0]}. " if counter[0] else "- "
        counter[0] += 1 if counter[0] else 0
        self.lines[-1] = self._indent() + mark

    def end_link(self) -> None:
        href, self._href = (self._href or "").strip(), None
        if not href or href.startswith("#") or href.lower().startswith("javascript:"):
            return
        if href.lower().startswith("mailto:") and href[7:] in self._link_text:
            return
        if href == self._link_text.strip() or len(self.links) >= MAX_LINKS:
            return
        if href not in self.links:
            self.links.append(href)
        self.write(f"[{self.links.index(href) + 1}]")


def html_to_text(html: str) -> str:
    """Readable text of an HTML body, with its links listed as ``[n] url`` at the end; never raises."""
    cut = len(html) > MAX_INPUT
    reader = _Reader()
    try:
        reader.feed(html[:MAX_INPUT])
        reader.close()
    except Exception:  # html.parser is forgiving; whatever still fails keeps what was read
        pass
    text = _tidy(reader.lines)
    if reader.links:
        text += "\n\n" + "\n".join(f"[{i}] {url}" for i, url in enumerate(reader.links, 1))
    if cut:
        text += f"\n\n[pith: the HTML was longer than {MAX_INPUT:,} characters; the rest is not shown]"
    return text + "\n"


def _tidy(lines: list[str]) -> str:
    """Lines right-stripped, runs of blank lines made one, none at the ends."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")
