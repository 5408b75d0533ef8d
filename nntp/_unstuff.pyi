# The compiled dot-unstuffing of ARTICLE/BODY answers (nntp/_unstuff.pyx, built by setup.py);
# nntp/streams.py uses it when it imports.
def unstuff(block: bytes) -> bytes | None: ...

class BlockScan:
    """The end of one dot-terminated block in a growing bytearray (nntp/responses.py reads answers with it)."""

    last_crlf: int
    def find(self, buf: bytearray) -> int: ...
    def take(self, buf: bytearray, end: int, unstuffed: bool = True) -> bytes | None: ...
