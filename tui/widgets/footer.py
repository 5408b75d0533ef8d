"""The footer of pith's screens: Textual's, rebuilt only when what it shows changes (issue 17: start-up).

Textual's Footer removes and mounts all its keys again on every bindings refresh:
each focus change asks twice, a screen resumed or suspended once more, and a
footer on a screen under another (the group list below a start group's threads)
rebuilds too. A launch into a group paid 7-19 rebuilds, most of ~500 style
applications, on the event loop while the list was due.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class PithFooter(Footer):
    """A Footer that rebuilds when its screen is shown and its keys differ from those on it."""

    _shown: object = None
    """What the keys on the footer were built from (None: nothing built yet)."""

    def bindings_changed(self, screen: Screen[object]) -> None:
        """A screen under another is not drawn: its footer waits until it is shown again (its resume
        refreshes its bindings)."""
        if is_shown(screen):
            super().bindings_changed(screen)

    async def recompose(self) -> None:
        """The keys again, unless they are those shown already (a focus change seldom changes them).
        Not on a footer whose screen went meanwhile (Textual's own recompose returns then too), nor while
        its screen says its footer waits (``footer_waits``: the thread list until its list is in)."""
        if not self.is_attached or self._pruning or getattr(self.screen, "footer_waits", False):
            return
        wanted = self._wanted()
        if wanted == self._shown:
            return
        self._shown = wanted
        await super().recompose()

    def _wanted(self) -> object:
        """Everything ``compose`` builds the keys from: the active bindings and the footer's settings."""
        if not self._bindings_ready:
            return None
        bindings = tuple((binding, enabled, tooltip) for _node, binding, enabled, tooltip
                         in self.screen.active_bindings.values())
        return bindings, self.show_command_palette, self.combine_groups, self.app.ENABLE_COMMAND_PALETTE


def is_shown(screen: Screen[object]) -> bool:
    """Whether ``screen`` is drawn: on top, or under screens that let it show through (a modal's dimmed
    background). Textual's ``is_current`` also counts the screen right under an opaque one."""
    stack = screen.app.screen_stack
    if screen not in stack:
        return False
    return all(above.styles.background.a < 1 for above in stack[stack.index(screen) + 1:])
