"""What the reader's launch sets up for its start and ends at its first frame (issue 17: launch to list).

Until the first frame, Python's garbage collector is paused (cli/startup_gc.py)
and the methods of the dataclasses defined meanwhile come compiled from the
cache (cli/dataclass_code.py). A launch that fails before its first frame ends
both as it leaves, without freezing anything.
"""

from __future__ import annotations

from types import TracebackType

from cli.dataclass_code import CACHE_FILE, DataclassCode
from cli.startup_gc import StartupPause
from store.paths import cache_dir


class Launch:
    """``with Launch() as launch: ...run the app, which calls launch.first_frame()``."""

    def __enter__(self) -> Launch:
        self._pause = StartupPause()
        self._code = DataclassCode(cache_dir() / CACHE_FILE)
        self._code.install()
        return self

    def first_frame(self) -> None:
        """The reader is on screen: dataclasses compile as usual again, garbage is collected again."""
        self._code.uninstall()
        self._pause.resume()

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._code.uninstall()
        self._pause.resume(freeze=False)  # only a launch that ended before its first frame is left to end
