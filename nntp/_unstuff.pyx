# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Dot-unstuffing an ARTICLE/BODY answer in one pass (nntp/streams.py uses it when it imports).

``nntp.pipeline.unstuff`` does it with three passes of bytes methods (two counts
to find a bare LF, one replace), ~0.3 s of CPU per 100 MB of bodies, and holds
the GIL all the while, when the thread storing them could run. Here one memchr
walk from line end to line end finds both a bare LF and the ``..`` lines, with
the GIL let go; an answer with no ``..`` line (most) comes back as the same
object, not a copy. A block with a bare LF gives None: the caller takes the
reference path (nntplib's line splitting), rare enough not to matter.

``BlockScan`` finds where such an answer ends in the reader's buffer the same
way, a line at a time, noting the ``..`` lines and a bare LF as it goes, so that
``take`` copies the answer out unstuffed in one go: bytearray.find for
``\r\n.\r\n`` (~1.6 GB/s, it stops at every LF) then two copies and a second
walk cost a body sync more CPU than reading the socket.
"""

from cpython.bytearray cimport PyByteArray_AS_STRING, PyByteArray_GET_SIZE
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from cpython.unicode cimport PyUnicode_DecodeASCII
from libc.string cimport memchr, memcpy


cdef Py_ssize_t _scan(const char* data, Py_ssize_t size, bint* bare) noexcept nogil:
    """Lines that start with ``..`` after a CRLF; ``bare`` set when an LF has no CR before it."""
    cdef const char* end = data + size
    cdef const char* at = data
    cdef const char* lf
    cdef Py_ssize_t dots = 0
    while True:
        lf = <const char*>memchr(at, b"\n", end - at)
        if lf == NULL:
            return dots
        if lf == data or lf[-1] != b"\r":
            bare[0] = True
            return dots
        if end - lf > 2 and lf[1] == b"." and lf[2] == b".":
            dots += 1
        at = lf + 1


cdef void _copy(const char* data, Py_ssize_t size, char* out, Py_ssize_t skip_first) noexcept nogil:
    """``data`` without the first dot of each ``\\r\\n..`` line (and of a leading ``..`` if ``skip_first``)."""
    cdef const char* end = data + size
    cdef const char* at = data + skip_first
    cdef const char* lf
    cdef Py_ssize_t run
    while True:
        lf = <const char*>memchr(at, b"\n", end - at)
        if lf == NULL or not (end - lf > 2 and lf[1] == b"." and lf[2] == b"."):
            if lf == NULL:
                run = end - at
                memcpy(out, at, run)
                return
            run = lf + 1 - at
            memcpy(out, at, run)
            out += run
            at = lf + 1
            continue
        run = lf + 1 - at
        memcpy(out, at, run)
        out += run
        at = lf + 2  # past the stuffed dot


def unstuff(bytes block) -> bytes | None:
    """``block`` (CRLF lines, dot-stuffed, no terminator) as nntplib hands it over, or None on a bare LF."""
    cdef Py_ssize_t size = PyBytes_GET_SIZE(block)
    cdef const char* data = PyBytes_AS_STRING(block)
    cdef bint bare = False
    cdef Py_ssize_t dots
    cdef Py_ssize_t lead
    if size == 0:
        return b"\r\n"
    with nogil:
        dots = _scan(data, size, &bare)
    if bare:
        return None
    lead = 1 if size >= 2 and data[0] == b"." and data[1] == b"." else 0
    if dots == 0 and lead == 0:
        return block
    out = PyBytes_FromStringAndSize(NULL, size - dots - lead)
    cdef char* target = PyBytes_AS_STRING(out)
    with nogil:
        _copy(data, size, target, lead)
    return out


cdef class BlockScan:
    """The end of one dot-terminated block in a bytearray that grows as bytes arrive.

    ``find(buf)`` answers what ``buf.find(b"\\r\\n.\\r\\n")`` would (the index of the
    CRLF that ends the block's last line, -1 while it has not arrived), walking
    from where the last call stopped; ``take(buf, end)`` then gives the block
    unstuffed (as ``unstuff`` would) and removes it and its terminator from ``buf``.
    One scanner per block; ``buf`` may only grow at its end between calls.
    """

    cdef Py_ssize_t _at, _dots
    cdef bint _bare
    cdef public Py_ssize_t last_crlf
    """Index of the last line end (CR of a CRLF) seen: the caller bounds a line's length with it."""

    def __cinit__(self) -> None:
        self._at = 0
        self._dots = 0
        self._bare = False
        self.last_crlf = 0

    def find(self, bytearray buf) -> int:
        cdef const char* data = PyByteArray_AS_STRING(buf)
        cdef Py_ssize_t size = PyByteArray_GET_SIZE(buf)
        cdef Py_ssize_t found
        with nogil:
            found = self._walk(data, size)
        return found

    cdef Py_ssize_t _walk(self, const char* data, Py_ssize_t size) noexcept nogil:
        """Each LF with the 3 bytes after it here: a terminator after a CRLF ends the walk; else note it."""
        cdef const char* lf
        cdef Py_ssize_t p
        while self._at < size:
            lf = <const char*>memchr(data + self._at, b"\n", size - self._at)
            if lf == NULL:
                self._at = size
                return -1
            p = lf - data
            if p + 3 >= size:
                self._at = p  # look at this LF again when more has come
                return -1
            if p > 0 and data[p - 1] == b"\r":
                if data[p + 1] == b"." and data[p + 2] == b"\r" and data[p + 3] == b"\n":
                    return p - 1
                self.last_crlf = p - 1
            else:
                self._bare = True
            if data[p + 1] == b"." and data[p + 2] == b".":
                self._dots += 1
            self._at = p + 1
        return -1

    def take(self, bytearray buf, Py_ssize_t end, bint unstuffed=True) -> bytes | None:
        """The block before ``end`` (what ``find`` gave), unstuffed unless told not to, removed from ``buf``
        with its terminator; None, and nothing removed, when it is to be unstuffed and has a bare LF (the
        caller then takes the reference path)."""
        if self._bare and unstuffed:
            return None
        cdef const char* data = PyByteArray_AS_STRING(buf)
        cdef Py_ssize_t size = end + 2
        cdef Py_ssize_t lead = 1 if unstuffed and data[0] == b"." and data[1] == b"." else 0
        cdef char* target
        if lead == 0 and (self._dots == 0 or not unstuffed):
            out = PyBytes_FromStringAndSize(data, size)
        else:
            out = PyBytes_FromStringAndSize(NULL, size - self._dots - lead)
            target = PyBytes_AS_STRING(out)
            with nogil:
                _copy(data, size, target, lead)
        del buf[: end + 5]
        return out


def plain_over_lines(bytes data, Py_ssize_t tabs) -> int:
    """How many lines an OVER answer's block holds when every one is plainly a record, else -1.

    nntp/overblock.py's ``_plainly_records`` in one pass (its translate, compare and
    regex passes took ~2 ms per 1,000 lines of a sync's counting): every line ends
    with CRLF (no other LF), holds exactly ``tabs`` tabs, starts with 1 to 18 digits
    and a tab, and its fifth field (the Message-ID) has a printable character after
    its blanks. An empty block gives -1 (the parser counts it).
    """
    cdef const unsigned char* p = <const unsigned char*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t size = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t lines
    if size == 0:
        return -1
    with nogil:
        lines = _plain_lines(p, size, tabs)
    return lines


cdef Py_ssize_t _plain_lines(const unsigned char* p, Py_ssize_t size, Py_ssize_t tabs) noexcept nogil:
    cdef Py_ssize_t i = 0, lines = 0, digits, seen, j
    while i < size:
        digits = 0
        while i < size and p[i] >= 48 and p[i] <= 57:  # the article number
            i += 1
            digits += 1
        if digits == 0 or digits > 18 or i >= size or p[i] != 9:
            return -1
        seen = 0
        while i < size and p[i] != 10:
            if p[i] == 9:
                seen += 1
                if seen == 4:  # the Message-ID follows: blanks, then a printable character
                    j = i + 1
                    while j < size and p[j] == 32:
                        j += 1
                    if j >= size or p[j] < 0x21 or p[j] > 0x7e:
                        return -1
            i += 1
        if i >= size or seen != tabs or p[i - 1] != 13:
            return -1
        i += 1
        lines += 1
    return lines


def plain_over_ids(bytes data, Py_ssize_t tabs, long long first, long long last) -> list | None:
    """(number, Message-ID) of each line of an OVER answer's block, as its records hold them, when every line is
    plainly a record (``plain_over_lines``) numbered within ``first``..``last`` whose Message-ID field holds
    printable ASCII and blanks only; else None (the caller reads the records the long way).

    What a sync needs of the answers it just stored to ask for their bodies (store/sync.py), without
    decoding them back into columns.
    """
    cdef const unsigned char* p = <const unsigned char*>PyBytes_AS_STRING(data)
    cdef Py_ssize_t size = PyBytes_GET_SIZE(data)
    cdef Py_ssize_t i = 0, start, end, seen
    cdef long long number
    cdef list out = []
    if size == 0 or tabs < 7 or plain_over_lines(data, tabs) < 0:
        return None
    while i < size:
        number = 0
        while p[i] != 9:
            number = number * 10 + (p[i] - 48)
            i += 1
        if number < first or number > last:
            return None
        seen = 0
        start = end = -1
        while p[i] != 10:
            if p[i] == 9:
                seen += 1
                if seen == 4:
                    start = i + 1
                elif seen == 5:
                    end = i
            elif seen == 4 and (p[i] < 0x20 or p[i] > 0x7e):
                return None
            i += 1
        while p[start] == 32:
            start += 1
        while p[end - 1] == 32:
            end -= 1
        out.append((number, PyUnicode_DecodeASCII(<const char*>p + start, end - start, NULL)))
        i += 1
    return out
