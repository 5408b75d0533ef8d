"""Builds pith's compiled helpers, killfile/_kernels.pyx, nntp/_overcols.pyx and nntp/_unstuff.pyx; the rest is in
pyproject.toml.

The helpers only make scoring (killfile/kernels.py) and reading OVER answers
into columns (nntp/overcols.py) faster, so a machine without a C compiler still
installs pith: the build step reports what failed and pith runs on the
reference Python implementations, which give the same answers.
"""

from __future__ import annotations

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """Build extensions, but never fail the install over them."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any compiler failure: install without the helper
            print(f"pith: compiled helper not built ({exc}); using the pure-Python kernels", file=sys.stderr)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            print(f"pith: {ext.name} not built ({exc}); using the pure-Python kernels", file=sys.stderr)


def extensions() -> list[Extension]:
    try:
        from Cython.Build import cythonize

        return cythonize([Extension(name, [name.replace(".", "/") + ".pyx"], extra_compile_args=["-O2"])
                          for name in ("killfile._kernels", "nntp._overcols", "nntp._unstuff", "nntp._threading")],
                         language_level=3, quiet=True)
    except Exception as exc:  # noqa: BLE001 - no Cython, or it refused the file: install without the helper
        print(f"pith: compiled helper not generated ({exc!r}); using the pure-Python kernels", file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
