"""The compiled methods of dataclasses (and named tuples), kept from one launch of the reader to the next (issue 17).

``@dataclass`` writes the source of each class's ``__init__``, ``__repr__``,
``__eq__``, ``__hash__`` ... and compiles it with ``exec`` as the class is
defined: ~0.45 ms a class, of ~0.6 ms in all. A launch into a group defines
~200 dataclasses (pith's rules, config, models; Textual's and Rich's), ~60 ms
of compiling the same text as the launch before. While the reader starts, the
``exec`` that the dataclasses module calls looks the text up here first; what is
not there yet is compiled as before and saved (marshal, one file per Python
version, in the cache directory) once the first frame is drawn. The methods are
the same code either way: only the compiling is skipped.

Named tuples are made the same way (``collections.namedtuple`` evals the text of
each ``__new__``, ~25 µs), and a ``typing.NamedTuple`` compiles each string
annotation into a ``ForwardRef`` (~8 µs each): ~70 tuples and ~280 annotations
at a launch, ~4 ms, come from the same cache.
"""

from __future__ import annotations

import builtins
import collections
import contextlib
import dataclasses
import marshal
import os
import sys
import typing
from pathlib import Path
from types import CodeType
from typing import Any

from store.paths import private_dir, private_umask

CACHE_FILE = f"dataclass-code-{sys.implementation.cache_tag}.marshal"
"""marshal's format is the interpreter's own: one file per Python version."""
EVAL = "\0eval\0"
"""Before the text of an expression in the cache (``eval`` mode), beside the statements of ``exec``."""


class DataclassCode:
    """Compiled dataclass method sources by their text, read from and written to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._codes = _read(path)
        self._new = 0

    def exec(self, source: object, globals: dict[str, Any] | None = None,
             locals: dict[str, Any] | None = None) -> None:
        """``exec`` as the dataclasses module calls it, with the text compiled once for all launches."""
        if type(source) is str:
            source = self._code(source, source, "exec")
        builtins.exec(source, globals, locals)  # type: ignore[arg-type]

    def eval(self, source: object, globals: dict[str, Any] | None = None,
             locals: dict[str, Any] | None = None) -> Any:
        """``eval`` as collections.namedtuple calls it (the text of a ``__new__``), compiled once."""
        if type(source) is str:
            source = self._code(EVAL + source, source, "eval")
        return builtins.eval(source, globals, locals)  # type: ignore[arg-type]

    def compile(self, source: Any, filename: Any, mode: str, *args: Any, **kwargs: Any) -> Any:
        """``compile`` as typing.ForwardRef calls it (a string annotation as an expression), compiled once."""
        if type(source) is str and filename == "<string>" and mode == "eval" and not args and not kwargs:
            return self._code(EVAL + source, source, "eval")
        return builtins.compile(source, filename, mode, *args, **kwargs)

    def _code(self, key: str, text: str, mode: str) -> CodeType:
        code = self._codes.get(key)
        if code is None:
            code = self._codes[key] = builtins.compile(text, "<string>", mode)
            self._new += 1
        return code

    def install(self) -> None:
        """From now on the dataclasses module's ``exec``, the collections module's ``eval`` and the typing
        module's ``compile`` are this cache's."""
        dataclasses.exec = self.exec  # type: ignore[attr-defined]
        collections.eval = self.eval  # type: ignore[attr-defined]
        typing.compile = self.compile  # type: ignore[attr-defined]

    def uninstall(self) -> None:
        """The builtins again; the texts compiled meanwhile saved for the next launch."""
        for module, name in ((dataclasses, "exec"), (collections, "eval"), (typing, "compile")):
            if getattr(module, name, None) == getattr(self, name):
                delattr(module, name)
        if self._new:
            self._new = 0
            _write(self.path, self._codes)
        self._codes = {}  # ~0.5 MB the reader has no more use for


def _read(path: Path) -> dict[str, CodeType]:
    """The saved codes; nothing when there are none yet or the file is not what this writes."""
    try:
        loaded = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {text: code for text, code in loaded.items() if isinstance(text, str) and isinstance(code, CodeType)}


def _write(path: Path, codes: dict[str, CodeType]) -> None:
    """Whole or not at all (a second pith may be reading it); a cache that cannot be written is no error."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        private_dir(path.parent)
        with private_umask():
            temporary.write_bytes(marshal.dumps(codes))
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
