"""``R``: the rules in force (score.toml and pith's actions file), each with its file:line, and every
problem found in them. Read-only: edit score.toml, or use the thread list's keys and U."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from killfile.session import Killfile
from tui.widgets.plain_text import PlainText


def rules_text(killfile: Killfile) -> str:
    """Plain text listing of what ``killfile`` holds; problems first, they matter most."""
    rules, state = killfile.rules, killfile.state
    out: list[str] = []
    if killfile.problems:
        out.append(f"Problems ({len(killfile.problems)})")
        out += [f"  {p}" for p in killfile.problems] + [""]
    out.append(f"Rules ({len(rules.rules)})" + (f" from {rules.path}" if rules.path else ""))
    for r in rules.rules:
        change = f"= {r.set_to}" if r.set_to is not None else f"{r.add:+d}"
        tagged = f"  tags {', '.join(r.tags)}" if r.tags else ""
        out.append(f"  {change:>7}  {r.name or 'rule'}  {r.origin}{tagged}")
    out.append(f"\nCaps ({len(rules.caps)})")
    out += [f"  {c.max} per {c.per}  {c.name}  {c.origin}" for c in rules.caps]
    out.append(f"\nTag filters ({len(rules.tag_filters)})")
    for f in rules.tag_filters:
        effect = "hide" if f.hide else ("only" if f.only else f"{f.delta:+d}")
        out.append(f"  {f.tag}: {effect}  {f.origin}")
    threads = (*rules.thread_rules, *state.thread_rules)
    out.append(f"\nThread rules ({len(threads)})")
    out += [f"  {t.action}{' subthread' if t.subthread else ''}  {t.message_id}  {t.origin}" for t in threads]
    authors = (*rules.author_rules, *state.author_rules)
    out.append(f"\nAuthor rules ({len(authors)})")
    out += [f"  {a.action or f'{a.delta:+d}'}  {a.address}  {a.origin}" for a in authors]
    tags = dict(state.thread_tags)
    out.append(f"\nThread tags ({len(tags)})")
    out += [f"  {', '.join(sorted(t))}  {m}" for m, t in sorted(tags.items())]
    out.append("\nscore.toml is yours to edit; K, A, B, T write pith's actions file, U takes the last one back.")
    return "\n".join(out) + "\n"


class RulesScreen(Screen[None]):
    """What the killfile holds, with sources and problems."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,R", "close", "Close", id="close-rules"),
        Binding("j,down", "scroll(1)", "Down", id="rules-down", show=False),
        Binding("k,up", "scroll(-1)", "Up", id="rules-up", show=False),
    ]

    def __init__(self, killfile: Killfile) -> None:
        super().__init__()
        self.killfile = killfile

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="rules"):
            yield PlainText(rules_text(self.killfile), id="rules-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "rules"

    def action_scroll(self, lines: int) -> None:
        self.query_one(VerticalScroll).scroll_relative(y=lines, animate=False)

    def action_close(self) -> None:
        self.dismiss()
