"""nntp/_unstuff.pyx (the compiled dot-unstuffing a body sync reads its answers with) gives exactly the bytes
of nntp.pipeline.unstuff, the reference that tests/nntp/test_pipeline.py holds to nntplib."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nntp import streams
from nntp.pipeline import unstuff

try:
    from nntp import _unstuff as compiled
except ImportError:
    compiled = None  # type: ignore[assignment]

REQUIRED = bool(os.environ.get("CI") or os.environ.get("PITH_REQUIRE_COMPILED"))
needs_compiled = pytest.mark.skipif(compiled is None, reason="nntp/_unstuff.pyx is not built here")


def test_the_compiled_helper_is_in_use_where_required() -> None:
    if REQUIRED:
        assert compiled is not None, "nntp/_unstuff.pyx was not built"
    if not os.environ.get("PITH_PURE_KERNELS"):
        assert streams.COMPILED == (compiled is not None)


@needs_compiled
def test_the_compiled_helper_is_not_older_than_its_source() -> None:
    """An editable install keeps an old module when the build fails quietly: catch that here."""
    module = Path(compiled.__file__)
    source = module.with_name("_unstuff.pyx")
    if source.exists():
        assert module.stat().st_mtime >= source.stat().st_mtime, (
            "nntp/_unstuff.pyx changed since it was built: `python setup.py build_ext --inplace`")

PIECES = [b"a", b".", b"..", b"...", b"\r", b"x y", b"\n", b"\r\n", b"\r\n..", b"\r\r\n"]


@needs_compiled
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_the_compiled_path_gives_the_reference_bytes(parts: list[bytes]) -> None:
    block = b"".join(parts)
    done = compiled.unstuff(block)
    if done is None:  # a bare LF: the caller takes the reference path
        assert block.count(b"\n") != block.count(b"\r\n")
    else:
        assert done == unstuff(block)
    assert streams.unstuffed(block) == unstuff(block)


@pytest.mark.parametrize("block", [b"", b"..", b".", b"..\r\n", b"...x\r\n..\r\n", b"a\r\n..b\r\n..",
                                   b"\n", b"a\nb\r\n", b"\r\n..", b"plain\r\ntext\r\n"])
def test_edges(block: bytes) -> None:
    assert streams.unstuffed(block) == unstuff(block)


@needs_compiled
def test_an_answer_with_nothing_to_undo_is_not_copied() -> None:
    block = b"Subject: x\r\n\r\nbody .. line\r\n.single\r\n" * 1000
    assert compiled.unstuff(block) is block
