"""The app the snapshot tests photograph: PithApp on the fixed archive in tests/tui/data.

Run it by hand to look at the same screens: ``python -m tests.tui.snapshot_app``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from nntp.archive import ArchiveSource
from store.cache import Store
from store.library import Library
from tui.app import PithApp

SNAPSHOT_MBOX = Path(__file__).with_name("data") / "snapshot.mbox"


def build_app(store: Path, **options: object) -> PithApp:
    """A fresh store at ``store`` over the fixed archive; options as for PithApp."""
    return PithApp(
        lambda: Library(Store(store), lambda: ArchiveSource(SNAPSHOT_MBOX)),
        title="pith — snapshot",
        **options,  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    build_app(Path(tempfile.mkdtemp()) / "store.sqlite3").run()
