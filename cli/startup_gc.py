"""Python's cyclic garbage collector held off while the reader starts (issue 17: launch to list).

Loading ~600 modules and building the first screens makes hundreds of thousands
of long-lived objects (functions, classes, widgets, styles) and almost no
garbage; the collector still walks them again and again as they pile up (a
1,000-article launch spent ~50 ms of its CPU there, one full collection alone
20-50 ms). So it is paused from the start of the reader's imports to its first
frame, then everything made so far is frozen (``gc.freeze``: left out of every
later collection, as it lives as long as the process) and collection goes on as
before for what the reader makes from then on.
"""

from __future__ import annotations

import gc


class StartupPause:
    """Pauses collection when made (if it was on); ``resume`` restarts it, once."""

    def __init__(self) -> None:
        self._paused = gc.isenabled()
        gc.disable()

    def resume(self, freeze: bool = True) -> None:
        """Collect again; ``freeze``: first set aside what start-up made (not on a failed start, where
        nothing made is worth keeping out of collection)."""
        if not self._paused:
            return
        self._paused = False
        if freeze:
            gc.freeze()
        gc.enable()
