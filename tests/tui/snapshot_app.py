"""The app the snapshot tests photograph: PithApp on the fixed archives in tests/tui/data.

Run it by hand to look at the same screens: ``python -m tests.tui.snapshot_app [THEME]``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from nntp.archive import ArchiveSource
from store.cache import Store
from store.config import Config
from store.library import Library
from tui.app import PithApp

DATA = Path(__file__).with_name("data")
SNAPSHOT_MBOX = DATA / "snapshot.mbox"
PAGER_MBOX = DATA / "pager.mbox"


def build_app(store: Path, *, mbox: Path = SNAPSHOT_MBOX, theme: str = "", postable: bool = False,
              **options: object) -> PithApp:
    """A fresh store at ``store`` over a fixed archive, in ``theme``; options as for PithApp.

    ``postable``: the archive's groups take posts, so the composer opens (tests.tui.conftest.postable_groups).
    """

    def open_library() -> Library:
        library = Library(Store(store), lambda: ArchiveSource(mbox))
        if postable:
            from tests.tui.conftest import postable_groups

            postable_groups(library)
        return library

    return PithApp(
        open_library,
        title="pith — snapshot",
        config=Config(theme=theme),
        server="archive",
        **options,  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    build_app(Path(tempfile.mkdtemp()) / "store.sqlite3", theme=(sys.argv[1:] or [""])[0]).run()
