"""A scripting command's imports made the way the reader's launch makes its own (issue 16: the whole command).

Importing a command's module tree (``pith sync``: the store, the killfile's
spoilers, the overview codecs) defines ~170 dataclasses, whose methods
``@dataclass`` compiles from text every time (~15 ms), and makes tens of
thousands of long-lived objects the collector walks again and again as they pile
up. A ``pith sync --bodies`` of 1,000 articles takes ~0.15 s in all, so both
count. While a fresh process imports its command, the collector waits and the
dataclass methods come from a cache of their own (cli/dataclass_code.py, the
reader's cache class in a file of the commands'); after it, what was made is
frozen out of later collections (cli/startup_gc.py) and collection goes on.

A process that already has the command's module (a test calling ``main`` again)
imports nothing, so it is left as it is: nothing frozen, nothing written.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

CACHE_FILE = f"dataclass-code-commands-{sys.implementation.cache_tag}.marshal"
"""The commands' compiled dataclass methods (a few hundred KB): apart from the reader's, which holds
Textual's and Rich's too, so a command never reads what only the reader needs."""


@contextmanager
def command_imports(modules: tuple[str, ...]) -> Iterator[None]:
    """Import ``modules`` (inside the block) with the collector paused and dataclass methods cached;
    a process that has them already gets a plain block."""
    if not modules or all(name in sys.modules for name in modules):
        yield
        return
    from cli.dataclass_code import DataclassCode
    from cli.startup_gc import StartupPause
    from store.paths import cache_dir

    pause = StartupPause()
    code = DataclassCode(cache_dir() / CACHE_FILE)
    code.install()
    imported = False
    try:
        yield
        imported = True
    finally:
        code.uninstall()
        pause.resume(freeze=imported)  # a failed import leaves nothing worth keeping out of collection
