"""nntp/_unstuff.pyx (the compiled dot-unstuffing a body sync reads its answers with) gives exactly the bytes
of nntp.pipeline.unstuff, the reference that tests/nntp/test_pipeline.py holds to nntplib."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nntp import streams
from nntp.pipeline import unstuff

compiled = pytest.importorskip("nntp._unstuff")

PIECES = [b"a", b".", b"..", b"...", b"\r", b"x y", b"\n", b"\r\n", b"\r\n..", b"\r\r\n"]


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


def test_an_answer_with_nothing_to_undo_is_not_copied() -> None:
    block = b"Subject: x\r\n\r\nbody .. line\r\n.single\r\n" * 1000
    assert compiled.unstuff(block) is block
