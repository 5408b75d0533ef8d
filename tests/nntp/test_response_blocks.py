"""ResponseReader finds and unstuffs dot-terminated blocks the same way compiled (nntp/_unstuff.pyx BlockScan)
and pure (bytearray.find, pipeline.unstuff), whatever pieces the bytes arrive in (issue 16: a body sync's reader)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nntp import responses
from nntp.errors import RemoteProtocolError
from nntp.pipeline import unstuff
from nntp.responses import ResponseReader

PIECES = [b"a", b".", b"..", b"...", b"\r", b"x y", b"\n", b"\r\n", b"\r\n..", b"\r\r\n", b"\r\n.", b".\r\n"]
TERMINATOR = b"\r\n.\r\n"


class Pieces:
    """read1 handing out ``data`` in the given sizes (then the rest at once)."""

    def __init__(self, data: bytes, sizes: list[int]) -> None:
        self.data, self.sizes = data, list(sizes)

    def read1(self, size: int = -1, /) -> bytes:
        step = self.sizes.pop(0) if self.sizes else len(self.data)
        chunk, self.data = self.data[: max(1, step)], self.data[max(1, step) :]
        return chunk


def reference(wire: bytes) -> tuple[bytes, bytes]:
    """(the raw block, what follows its terminator), as the find-based reader has always cut them."""
    if wire.startswith(b".\r\n"):
        return b"", wire[3:]
    end = wire.find(TERMINATOR)
    return wire[: end + 2], wire[end + 5 :]


blocks = st.lists(st.sampled_from(PIECES), max_size=30).map(b"".join).filter(lambda b: TERMINATOR not in b
                                                                              and not b.startswith(b".\r\n"))


@given(blocks, st.binary(max_size=8), st.lists(st.integers(1, 9), max_size=20), st.booleans())
def test_blocks_cut_and_unstuffed_as_the_reference(body: bytes, after: bytes, sizes: list[int], article: bool) -> None:
    wire = body + (b"" if body.endswith(b"\r\n") or not body else b"\r\n") + b".\r\n" + after
    wire = wire if body else b".\r\n" + after
    block, rest = reference(wire)
    want = unstuff(block) if article else block
    for scan in ([responses.BlockScan] if responses.COMPILED else []) + [None]:
        reader = ResponseReader(Pieces(wire, sizes))
        saved, responses.BlockScan = responses.BlockScan, scan
        try:
            got = reader.article_block() if article else reader.raw_block()
        finally:
            responses.BlockScan = saved
        assert got == want
        assert bytes(reader.buf) == rest[: len(reader.buf)]  # what was read past the block stays


@pytest.mark.parametrize("compiled", [True, False])
def test_a_line_longer_than_the_limit_is_refused(compiled: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    if compiled and not responses.COMPILED:
        pytest.skip("nntp/_unstuff.pyx is not built here")
    if not compiled:
        monkeypatch.setattr(responses, "BlockScan", None)
    monkeypatch.setattr(responses, "MAX_LINE", 100)
    reader = ResponseReader(Pieces(b"ok\r\n" + b"x" * 300 + b"\r\n.\r\n", [10] * 40))
    with pytest.raises(RemoteProtocolError, match="longer than"):
        reader.article_block()


def test_answers_back_to_back_come_out_in_order() -> None:
    wire = b"a\r\n..b\r\n.\r\n.\r\nc\r\n.\r\n"
    reader = ResponseReader(Pieces(wire, [3] * 20))
    assert [reader.article_block(), reader.article_block(), reader.raw_block()] == [b"a\r\n.b\r\n", b"\r\n", b"c\r\n"]
    assert reader.buf == b""
