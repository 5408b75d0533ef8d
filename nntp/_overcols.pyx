# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Raw OVER bytes -> the arrays of a ``Columns`` in one pass over the bytes (nntp/overcols.py explains).

The usual line (printable ASCII fields, the ``Tue, 02 Jan 2024 02:10:23 +0000``
date, plain numbers) is read here in C: no str per field, no record, and
Message-IDs coded in a C hash table over one blob (the ``ids`` StringTable's).
What this file does not fully understand is handed to the Python parsers it
was given, so the answer never differs from the pure path's: a Subject or
From with encoded words, controls or 8-bit text goes through ``clean``, an
unusual date through ``fast_date``, an unusual count through ``to_int``; a
line with anything else odd (wrong field count, 8-bit or control bytes in the
number, Message-ID, References, Bytes, Lines or Xref, a number that is not
plain digits, an empty Message-ID)
goes whole through ``line_record``, the per-line parser, and its record is
added as ``ColumnsBuilder.add`` adds one. Codes are given in the same order
``ColumnsBuilder`` gives them (subject, author, own Message-ID, References),
so the arrays are equal, not just the records they make.
"""

from cpython cimport array as carray
from cpython.bytes cimport PyBytes_FromStringAndSize
from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.ref cimport Py_DECREF, Py_INCREF, Py_XDECREF, PyObject
from libc.string cimport memchr, memcmp, memcpy, memset

import sys
from array import array

from nntp.columns import NO_DATE as _NO_DATE
from nntp.parse import _ZONES

cdef long long NO_DATE = _NO_DATE
cdef int _DAYS_BEFORE_MONTH[13]
cdef int _DAYS_IN_MONTH[13]
_DAYS_BEFORE_MONTH[:] = [0, 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
_DAYS_IN_MONTH[:] = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
cdef bytes _MONTHS = b"janfebmaraprmayjunjulaugsepoctnovdec"
cdef int _DATE_DIGITS[16]
_DATE_DIGITS[:] = [5, 6, 12, 13, 14, 15, 17, 18, 20, 21, 23, 24, 27, 28, 29, 30]
cdef int _PLAIN_FIELDS[6]
_PLAIN_FIELDS[:] = [0, 4, 5, 6, 7, 8]
_ZONES_HERE = [(name, minutes) for name, minutes in _ZONES.items()
               if 0 < len(name) <= 5 and name.isascii() and name.isalpha() and name.islower()][:64]
cdef bytes _ZONE_NAMES = b"".join(name.encode("ascii").ljust(5, b"\0") for name, _ in _ZONES_HERE)
"""nntp.parse's zone names that fit (lower-case letters, at most five), five bytes each, NUL-padded.

A name left out is only slower: ``zone_minutes`` says no and ``_fast_date`` reads that date."""
cdef int _ZONE_MINUTES[64]
cdef int _ZONE_COUNT = len(_ZONES_HERE)
for _k, (_, _minutes) in enumerate(_ZONES_HERE):
    _ZONE_MINUTES[_k] = _minutes


# -- growable C buffers (PyMem, so that tracemalloc sees them) --------------------------------------------------
cdef struct Vec:
    long long *p
    Py_ssize_t n
    Py_ssize_t cap


cdef struct IVec:
    int *p
    Py_ssize_t n
    Py_ssize_t cap


cdef struct Buf:
    char *p  # the storage of ``owner``: a bytes object nothing else holds, grown in place and handed over
    Py_ssize_t n
    Py_ssize_t cap
    PyObject *owner


cdef extern from "Python.h":
    int _PyBytes_Resize(PyObject **string, Py_ssize_t newsize)  # checked by hand: on failure it frees
    char *bytes_data "PyBytes_AS_STRING"(PyObject *o)
    Py_ssize_t Py_REFCNT(object o)
    char *PyBytes_AS_STRING(object o)


cdef void *grown(void *p, Py_ssize_t *cap, Py_ssize_t need, size_t item) except NULL:
    """``p`` reallocated for at least ``need`` items (doubling), ``cap`` updated."""
    cdef Py_ssize_t size = cap[0] + cap[0] // 2 + 1024
    cdef void *out
    if size < need:
        size = need
    out = PyMem_Realloc(p, size * item)
    if out == NULL:
        raise MemoryError()
    cap[0] = size
    return out


cdef inline int vec_push(Vec *v, long long x) except -1:
    if v.n == v.cap:
        v.p = <long long *> grown(v.p, &v.cap, v.n + 1, sizeof(long long))
    v.p[v.n] = x
    v.n += 1
    return 0


cdef inline int ivec_push(IVec *v, int x) except -1:
    if v.n == v.cap:
        v.p = <int *> grown(v.p, &v.cap, v.n + 1, sizeof(int))
    v.p[v.n] = x
    v.n += 1
    return 0


cdef inline int buf_add(Buf *b, const char *s, Py_ssize_t n) except -1:
    if b.n + n > b.cap:
        buf_grow(b, b.n + n)
    memcpy(b.p + b.n, s, n)
    b.n += n
    return 0


cdef int buf_grow(Buf *b, Py_ssize_t need) except -1:
    """Room for ``need`` bytes (half as much again, or more): the bytes object is resized in place (realloc),
    so the blob handed over at the end is this storage, not a copy of it."""
    cdef Py_ssize_t size = b.cap + b.cap // 2 + 1024
    if size < need:
        size = need
    if b.owner == NULL:
        first = PyBytes_FromStringAndSize(NULL, size)
        Py_INCREF(first)
        b.owner = <PyObject *> first
    elif _PyBytes_Resize(&b.owner, size) < 0:
        b.owner, b.p, b.n, b.cap = NULL, NULL, 0, 0
        raise MemoryError()
    b.p, b.cap = bytes_data(b.owner), size
    return 0


cdef void buf_free(Buf *b) noexcept:
    Py_XDECREF(b.owner)
    b.owner, b.p, b.n, b.cap = NULL, NULL, 0, 0


cdef object as_array(str typecode, void *p, Py_ssize_t n, size_t item):
    """A vector's items as an array of ``typecode`` (one copy, exact size)."""
    cdef carray.array out = array(typecode)
    carray.resize(out, n)
    if n:
        memcpy(out.data.as_chars, p, n * item)
    return out


cdef object take_vec(Vec *v):
    out = as_array("q", v.p, v.n, sizeof(long long))
    PyMem_Free(v.p)
    v.p, v.n, v.cap = NULL, 0, 0
    return out


cdef object take_ivec(IVec *v):
    out = as_array("i", v.p, v.n, sizeof(int))
    PyMem_Free(v.p)
    v.p, v.n, v.cap = NULL, 0, 0
    return out


cdef object take_buf(Buf *b):
    """The bytes filled, as a bytes object of their exact size: the storage itself, shrunk in place."""
    if b.owner == NULL:
        return b""
    if _PyBytes_Resize(&b.owner, b.n) < 0:
        b.owner, b.p, b.n, b.cap = NULL, NULL, 0, 0
        raise MemoryError()
    out = <object> b.owner
    Py_DECREF(out)  # the Buf's own reference: ``out`` holds the only one now
    b.owner, b.p, b.n, b.cap = NULL, NULL, 0, 0
    return out


# -- distinct byte strings: one blob, their end offsets, an open-addressing table of codes ----------------------
cdef struct Table:
    Buf blob
    Vec ends
    unsigned long long *slots  # the hash's high half, then code + 1 in the low half; 0 is an empty slot
    Py_ssize_t size  # a power of two, at least twice the strings held


cdef inline unsigned long long fnv(const char *s, Py_ssize_t n) noexcept:
    """A hash of s[:n], eight bytes a step (FNV-style multiply and xor-shift; only the table uses it)."""
    cdef unsigned long long h = 1469598103934665603ULL ^ <unsigned long long> n, word
    cdef Py_ssize_t i = 0
    while i + 8 <= n:
        memcpy(&word, s + i, 8)
        h = (h ^ word) * 1099511628211ULL
        h ^= h >> 29
        i += 8
    while i < n:
        h = (h ^ <unsigned char> s[i]) * 1099511628211ULL
        i += 1
    return h ^ (h >> 32)


cdef inline Py_ssize_t span_start(Table *t, Py_ssize_t code) noexcept:
    return t.ends.p[code - 1] if code else 0


cdef int rehash(Table *t) except -1:
    """Twice the slots (or the first 4,096), every string placed again."""
    cdef Py_ssize_t size = t.size * 2 if t.size else 4096
    cdef Py_ssize_t code, i, start
    cdef unsigned long long h
    cdef unsigned long long *slots = <unsigned long long *> PyMem_Malloc(size * sizeof(unsigned long long))
    if slots == NULL:
        raise MemoryError()
    memset(slots, 0, size * sizeof(unsigned long long))
    for code in range(t.ends.n):
        start = span_start(t, code)
        h = fnv(t.blob.p + start, t.ends.p[code] - start)
        i = h & (size - 1)
        while slots[i]:
            i = (i + 1) & (size - 1)
        slots[i] = (h & 0xFFFFFFFF00000000ULL) | <unsigned long long> (code + 1)
    PyMem_Free(t.slots)
    t.slots, t.size = slots, size
    return 0


cdef Py_ssize_t table_code(Table *t, const char *s, Py_ssize_t n) except -1:
    """The code of s[:n], added (as the next code) if the table does not hold it yet.

    A slot keeps half the hash beside the code, so a probe that is not the
    string costs no look at the blob (most IDs are new: they miss every probe).
    """
    cdef Py_ssize_t i, code, start
    cdef unsigned long long h, tag, slot
    if (t.ends.n + 1) * 2 > t.size:
        rehash(t)
    h = fnv(s, n)
    tag = h & 0xFFFFFFFF00000000ULL
    i = h & (t.size - 1)
    slot = t.slots[i]
    while slot:
        if slot & 0xFFFFFFFF00000000ULL == tag:
            code = <Py_ssize_t> (slot & 0xFFFFFFFFULL) - 1
            start = span_start(t, code)
            if t.ends.p[code] - start == n and memcmp(t.blob.p + start, s, n) == 0:
                return code
        i = (i + 1) & (t.size - 1)
        slot = t.slots[i]
    code = t.ends.n
    buf_add(&t.blob, s, n)
    vec_push(&t.ends, t.blob.n)
    t.slots[i] = tag | <unsigned long long> (code + 1)
    return code


cdef void table_free(Table *t) noexcept:
    buf_free(&t.blob)
    PyMem_Free(t.ends.p)
    PyMem_Free(t.slots)
    t.ends.p, t.slots = NULL, NULL


cdef inline int field_flags(const char *s, Py_ssize_t a, Py_ssize_t b) noexcept:
    """1 if s[a:b] holds a byte >= 0x80, | 2 if it holds a control byte (below 0x20, or DEL); eight bytes a step.

    The word tests are the exact "has a byte less than n" and "has a zero byte"
    of Bit Twiddling Hacks: a borrow reaches a byte only from a lower byte that
    itself matched, so the answer for the word is never wrong.
    """
    cdef unsigned long long w, v, high = 0, ctrl = 0
    cdef unsigned long long low = 0x0101010101010101ULL, top = 0x8080808080808080ULL
    cdef int out = 0
    cdef unsigned char c
    while a + 8 <= b:
        memcpy(&w, s + a, 8)
        v = w ^ (0x7F * low)
        high |= w
        ctrl |= ((w - 0x20 * low) & ~w) | ((v - low) & ~v)
        a += 8
    while a < b:
        c = <unsigned char> s[a]
        high |= c
        if c < 0x20 or c == 0x7F:
            ctrl |= 0x80
        a += 1
    if high & top:
        out |= 1
    if ctrl & top:
        out |= 2
    return out


cdef inline bint encoded(const char *s, Py_ssize_t a, Py_ssize_t b) noexcept:
    """Whether s[a:b] holds ``=?`` (an encoded word, maybe: ``_clean`` decides)."""
    cdef const char *q
    while a < b:
        q = <const char *> memchr(s + a, 63, b - a)
        if q == NULL:
            return False
        if q - s > a and s[q - s - 1] == b"=":
            return True
        a = q - s + 1
    return False


cdef inline bint is_digit(char c) noexcept:
    return b"0" <= c <= b"9"


cdef inline long long digits(const char *s, Py_ssize_t a, Py_ssize_t b) noexcept:
    """The value of s[a:b] if it is 1..18 ASCII digits (always within INT64), else -1."""
    cdef long long value = 0
    if b <= a or b - a > 18:
        return -1
    while a < b:
        if not is_digit(s[a]):
            return -1
        value = value * 10 + (s[a] - 48)
        a += 1
    return value


cdef inline int two(const char *s) noexcept:
    return (s[0] - 48) * 10 + (s[1] - 48)


cdef inline int lower(char c) noexcept:
    return c + 32 if b"A" <= c <= b"Z" else c


cdef long long _epoch(long long y, int month, int day) noexcept:
    """nntp.parse._epoch: seconds to midnight UTC of a proleptic Gregorian date (its quirks included)."""
    cdef long long p = y - 1
    cdef long long days = p * 365 + p // 4 - p // 100 + p // 400 - 719162 + _DAYS_BEFORE_MONTH[month] + day - 1
    if month > 2 and (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)):
        days += 1
    return days * 86400


cdef bint date_stamp(const char *s, Py_ssize_t n, long long *out) noexcept:
    """``_fast_date`` on printable ASCII, when it gives a date: its own shape first, ``parse_date``'s otherwise.

    A value of its shape's length and punctuation whose day, month or year is
    not there (``Mon,  5 Apr 1993 ...``) is handed to ``parse_date`` by
    ``_fast_date`` too; any other failure of its own shape stays with it.
    """
    cdef int k
    if n == 31 and s[3] == b"," and s[16] == b" " and s[25] == b" ":
        if std_date(s, n, out):
            return True
        if is_digit(s[5]) and is_digit(s[6]) and month_of(s + 8):
            for k in range(12, 16):
                if not is_digit(s[k]):
                    break
            else:
                return False
    return rfc_date(s, n, out)


cdef inline bint alpha(char c) noexcept:
    return b"a" <= lower(c) <= b"z"


cdef inline Py_ssize_t spaces(const char *s, Py_ssize_t i, Py_ssize_t n) noexcept:
    while i < n and s[i] == b" ":
        i += 1
    return i


cdef inline Py_ssize_t number(const char *s, Py_ssize_t i, Py_ssize_t n, int most, int *value) noexcept:
    """Up to ``most`` digits at s[i] (greedy, as ``\\d{1,most}``): the index after them, their value."""
    cdef Py_ssize_t j = i
    value[0] = 0
    while j < n and j - i < most and is_digit(s[j]):
        value[0] = value[0] * 10 + (s[j] - 48)
        j += 1
    return j


cdef int month_of(const char *s) noexcept:
    """1..12 for three letters naming a month in any case, else 0."""
    cdef const char *months = _MONTHS
    cdef int k
    for k in range(12):
        if lower(s[0]) == months[3 * k] and lower(s[1]) == months[3 * k + 1] and lower(s[2]) == months[3 * k + 2]:
            return k + 1
    return 0


cdef bint zone_minutes(const char *s, Py_ssize_t n, int *out) noexcept:
    """``_ZONES.get(zone.lower())`` for ``n`` (1..5) letters: False when the table has no such zone."""
    cdef const char *names = _ZONE_NAMES
    cdef int k, j
    for k in range(_ZONE_COUNT):
        for j in range(5):
            if (lower(s[j]) if j < n else 0) != names[5 * k + j]:
                break
        else:
            out[0] = _ZONE_MINUTES[k]
            return True
    return False


cdef bint rfc_date(const char *s, Py_ssize_t n, long long *out) noexcept:
    """``parse_date`` on printable ASCII when its regex takes the all-greedy path and every value is in range.

    ``_FAST_DATE`` tries its greedy choices first, so when they all succeed
    that is its match; anything else (a backtrack, an unknown zone, a value out
    of range, the slow parser) is False and ``_fast_date`` itself decides.
    """
    cdef Py_ssize_t i = spaces(s, 0, n), j
    cdef int d, month, year, h, mi, sec = 0, offset = 0, zh = 0
    if i + 3 <= n and alpha(s[i]) and alpha(s[i + 1]) and alpha(s[i + 2]):  # (?:[A-Za-z]{3},?\s*)?
        i += 3
        if i < n and s[i] == b",":
            i += 1
        i = spaces(s, i, n)
    j = number(s, i, n, 2, &d)
    if j == i or j == n or s[j] != b" ":
        return False
    i = spaces(s, j, n)
    if i + 3 > n or not (alpha(s[i]) and alpha(s[i + 1]) and alpha(s[i + 2])):
        return False
    month = month_of(s + i)
    i += 3
    while i < n and b"a" <= s[i] <= b"z":
        i += 1
    if i == n or s[i] != b" " or month == 0:
        return False
    i = spaces(s, i, n)
    j = number(s, i, n, 4, &year)
    if j - i < 2 or j == n or s[j] != b" ":
        return False
    i = spaces(s, j, n)
    j = number(s, i, n, 2, &h)
    if j == i or j + 3 > n or s[j] != b":" or not (is_digit(s[j + 1]) and is_digit(s[j + 2])):
        return False
    mi, i = two(s + j + 1), j + 3
    if i + 3 <= n and s[i] == b":" and is_digit(s[i + 1]) and is_digit(s[i + 2]):
        sec, i = two(s + i + 1), i + 3
    j = spaces(s, i, n)
    if j + 5 <= n and (s[j] == b"+" or s[j] == b"-") and number(s, j + 1, n, 4, &zh) == j + 5:
        offset = (zh // 100) * 60 + zh % 100
        offset, i = (-offset if s[j] == b"-" else offset), j + 5
    elif j < n and alpha(s[j]):
        i = j
        while i < n and i - j < 5 and alpha(s[i]):
            i += 1
        if not zone_minutes(s + j, i - j, &offset):
            return False
    i = spaces(s, i, n)
    if i < n and s[i] == b"(":  # (?:\(.*\))? reaches the last ")"
        j = n - 1
        while j > i and s[j] != b")":
            j -= 1
        if j == i:
            return False
        i = spaces(s, j + 1, n)
    if i != n:
        return False
    year = year + 2000 if year < 50 else (year + 1900 if year < 100 else year)
    if not (1 <= d <= _DAYS_IN_MONTH[month] and h < 24 and mi < 60 and sec < 61 and 2 <= year <= 9998):
        return False
    if month == 2 and d == 29 and not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
        return False
    out[0] = _epoch(year, month, d) + h * 3600 + mi * 60 + (59 if sec > 59 else sec) - offset * 60
    return True


cdef bint std_date(const char *s, Py_ssize_t n, long long *out) noexcept:
    """``_fast_date``'s own shape (``Tue, 02 Jan 2024 02:10:23 +0000``) with every value in range: its stamp.

    False for anything ``_fast_date`` would hand on to ``parse_date`` or answer
    None for; the caller then asks ``_fast_date`` itself.
    """
    cdef int k, month = 0, d, h, m, sec, offset
    cdef long long y
    cdef const char *months = _MONTHS
    if n != 31 or s[3] != b"," or s[16] != b" " or s[25] != b" " or s[19] != b":" or s[22] != b":":
        return False
    for k in range(16):
        if not is_digit(s[_DATE_DIGITS[k]]):
            return False
    for k in range(12):
        if (lower(s[8]) == months[3 * k] and lower(s[9]) == months[3 * k + 1]
                and lower(s[10]) == months[3 * k + 2]):
            month = k + 1
    if month == 0 or (s[26] != b"+" and s[26] != b"-"):
        return False
    d, y = two(s + 5), two(s + 12) * 100 + two(s + 14)
    h, m, sec = two(s + 17), two(s + 20), two(s + 23)
    if not 1 <= d <= _DAYS_IN_MONTH[month] or (month == 2 and d == 29 and y % 4) or y < 2 or y > 9998:
        return False
    if h > 23 or m > 59 or sec > 60:
        return False
    offset = two(s + 27) * 3600 + two(s + 29) * 60
    if s[26] == b"-":
        offset = -offset
    out[0] = _epoch(y, month, d) + h * 3600 + m * 60 + (59 if sec > 59 else sec) - offset
    return True


cdef class Filler:
    """One group's columns being filled, block after block (``feed``), then handed over (``build``)."""

    cdef Vec numbers, stamps, sizes, lines, ref_starts, xref_ends
    cdef IVec subject_codes, author_codes, id_codes, ref_codes, plain_subject_codes, plain_author_codes
    cdef Buf xref_blob
    cdef Table ids, plain_subjects, plain_authors
    """Message-IDs (the one table own IDs and References share); plain Subjects and authors as sent (trimmed)."""
    cdef dict subjects, authors, extras
    cdef int want
    cdef object line_record, clean, fast_date, to_int
    cdef readonly Py_ssize_t skipped
    cdef bint built

    def __init__(self, int want, line_record, clean, fast_date, to_int):
        if not 8 <= want <= 9:
            raise ValueError("the compiled OVER reader takes 8 or 9 fields a line")
        self.want = want
        self.line_record, self.clean, self.fast_date, self.to_int = line_record, clean, fast_date, to_int
        self.subjects, self.authors, self.extras = {}, {}, {}
        self.skipped = 0
        vec_push(&self.ref_starts, 0)

    @property
    def filled(self):
        """Articles filled so far (what an incremental reader reports per answer)."""
        return self.numbers.n

    def __dealloc__(self):
        PyMem_Free(self.numbers.p)
        PyMem_Free(self.stamps.p)
        PyMem_Free(self.sizes.p)
        PyMem_Free(self.lines.p)
        PyMem_Free(self.ref_starts.p)
        PyMem_Free(self.xref_ends.p)
        PyMem_Free(self.subject_codes.p)
        PyMem_Free(self.author_codes.p)
        PyMem_Free(self.id_codes.p)
        PyMem_Free(self.ref_codes.p)
        PyMem_Free(self.plain_subject_codes.p)
        PyMem_Free(self.plain_author_codes.p)
        buf_free(&self.xref_blob)
        table_free(&self.ids)
        table_free(&self.plain_subjects)
        table_free(&self.plain_authors)

    def feed(self, bytes data not None):
        """One OVER answer's bytes (CRLF lines, dot-stuffed, without the final dot line)."""
        cdef const char *s = data
        cdef Py_ssize_t end = len(data), pos = 0, k, line_end
        cdef const char *hit
        if self.built:
            raise ValueError("this Filler has handed over its columns already")
        if end == 0:
            return
        if end >= 2 and s[end - 2] == b"\r" and s[end - 1] == b"\n":
            end -= 2
        while True:
            line_end, k = end, pos
            while k < end:
                hit = <const char *> memchr(s + k, b"\n", end - k)
                if hit == NULL:
                    break
                k = hit - s
                if k > pos and s[k - 1] == b"\r":
                    line_end = k - 1
                    break
                k += 1
            self.line(s, pos, line_end)
            if line_end == end:
                return
            pos = line_end + 2

    cdef int line(self, const char *s, Py_ssize_t a, Py_ssize_t b) except -1:
        """One line, s[a:b]: read here if its fields are where and what they should be, else by the parser."""
        cdef Py_ssize_t starts[9]
        cdef Py_ssize_t ends[9]
        cdef int flags[9]
        cdef int nf, odd = 0, last = self.want - 1
        cdef Py_ssize_t i, pos
        cdef const char *tab
        if b > a and s[a] == b".":
            a += 1
        pos = a
        for nf in range(self.want):  # exactly ``want`` fields, else the per-line parser decides
            tab = <const char *> memchr(s + pos, 9, b - pos)
            if (tab == NULL) != (nf == last):
                return self.fallback(s, a, b)
            starts[nf], ends[nf] = pos, (b if tab == NULL else tab - s)
            flags[nf] = field_flags(s, pos, ends[nf])
            pos = ends[nf] + 1
        for i in range(6):
            if _PLAIN_FIELDS[i] <= last:
                odd |= flags[_PLAIN_FIELDS[i]]
        if odd or digits(s, starts[0], ends[0]) < 0:
            return self.fallback(s, a, b)
        strip(s, &starts[4], &ends[4])
        if ends[4] == starts[4]:
            return self.fallback(s, a, b)
        return self.emit(s, starts, ends, flags)

    cdef int emit(self, const char *s, Py_ssize_t *starts, Py_ssize_t *ends, int *flags) except -1:
        """A line whose number, Message-ID, References and Xref are plain: its values into the columns."""
        cdef bint latin1 = False
        cdef long long stamp
        if (flags[1] | flags[2] | flags[3]) & 1:
            try:
                s[starts[1]:ends[3]].decode("utf-8")
            except UnicodeDecodeError:
                latin1 = True  # the whole line is Latin-1, as utf8_or_latin1 reads it
        vec_push(&self.numbers, digits(s, starts[0], ends[0]))
        if flags[3] or not date_stamp(s + starts[3], ends[3] - starts[3], &stamp):
            date = self.fast_date(text(s, starts[3], ends[3], latin1))
            stamp = NO_DATE if date is None else int(date.timestamp())
        vec_push(&self.stamps, stamp)
        vec_push(&self.sizes, self.count(s, starts[6], ends[6]))
        vec_push(&self.lines, self.count(s, starts[7], ends[7]))
        ivec_push(&self.subject_codes, self.text_code(s, starts[1], ends[1], flags[1], latin1,
                                                     &self.plain_subjects, &self.plain_subject_codes, self.subjects))
        ivec_push(&self.author_codes, self.text_code(s, starts[2], ends[2], flags[2], latin1,
                                                    &self.plain_authors, &self.plain_author_codes, self.authors))
        ivec_push(&self.id_codes, table_code(&self.ids, s + starts[4], ends[4] - starts[4]))
        self.references(s, starts[5], ends[5])
        if self.want == 9:
            xref(s, &starts[8], &ends[8])
            buf_add(&self.xref_blob, s + starts[8], ends[8] - starts[8])
        vec_push(&self.xref_ends, self.xref_blob.n)
        return 0

    cdef long long count(self, const char *s, Py_ssize_t a, Py_ssize_t b) except? -2:
        """Bytes or Lines: plain digits here (empty is 0), anything else as ``_int`` reads it."""
        cdef long long value
        if a == b:
            return 0
        value = digits(s, a, b)
        return value if value >= 0 else self.to_int(s[a:b].decode("ascii"))

    cdef int text_code(self, const char *s, Py_ssize_t a, Py_ssize_t b, int flag, bint latin1,
                       Table *plain, IVec *plain_codes, dict table) except -1:
        """Subject or author: printable ASCII without ``=?`` is only trimmed; the rest goes through ``clean``."""
        cdef Py_ssize_t i
        if flag or encoded(s, a, b):
            value = self.clean(text(s, a, b, latin1))
            return table.setdefault(value, len(table))
        strip(s, &a, &b)
        i = table_code(plain, s + a, b - a)
        if i == plain_codes.n:  # a plain value not seen before: its text's code (it may have come encoded)
            ivec_push(plain_codes, table.setdefault(s[a:b].decode("ascii"), len(table)))
        return plain_codes.p[i]

    cdef int id_of(self, str message_id) except -1:
        """The code of a Message-ID from a record (as UTF-8, as ``StringTable`` keeps it)."""
        key = message_id.encode("utf-8", "surrogatepass")
        return table_code(&self.ids, key, len(key))

    cdef int references(self, const char *s, Py_ssize_t a, Py_ssize_t b) except -1:
        """``_MSGID.findall`` (``<[^<>\\s]+>``) on printable ASCII, without the regex."""
        cdef Py_ssize_t i = a, j
        while i < b:
            if s[i] != b"<":
                i += 1
                continue
            j = i + 1
            while j < b and s[j] != b"<" and s[j] != b">" and s[j] != b" ":
                j += 1
            if j < b and s[j] == b">" and j > i + 1:
                ivec_push(&self.ref_codes, table_code(&self.ids, s + i, j + 1 - i))
                i = j + 1
            else:
                i = j
        vec_push(&self.ref_starts, self.ref_codes.n)
        return 0

    cdef int fallback(self, const char *s, Py_ssize_t a, Py_ssize_t b) except -1:
        """A line this file does not read itself: the per-line parser's record, or a skipped line."""
        record = self.line_record(PyBytes_FromStringAndSize(s + a, b - a))
        if record is None:
            self.skipped += 1
        else:
            self.add(record)
        return 0

    cdef int add(self, record) except -1:
        """One ``Overview`` into the columns, as ``ColumnsBuilder.add`` does it."""
        number, subject, author, date, message_id, refs, size, count, xref_text, extra = record
        if extra:
            self.extras[self.numbers.n] = extra
        vec_push(&self.numbers, number)
        vec_push(&self.stamps, NO_DATE if date is None else int(date.timestamp()))
        vec_push(&self.sizes, size)
        vec_push(&self.lines, count)
        ivec_push(&self.subject_codes, self.subjects.setdefault(subject, len(self.subjects)))
        ivec_push(&self.author_codes, self.authors.setdefault(author, len(self.authors)))
        ivec_push(&self.id_codes, self.id_of(message_id))
        for ref in refs:
            ivec_push(&self.ref_codes, self.id_of(ref))
        vec_push(&self.ref_starts, self.ref_codes.n)
        data = xref_text.encode("utf-8", "surrogatepass")
        buf_add(&self.xref_blob, data, len(data))
        vec_push(&self.xref_ends, self.xref_blob.n)
        return 0

    def build(self):
        """Everything filled, as the parts of a ``Columns`` (nntp/overcols.py assembles them)."""
        if self.built:
            raise ValueError("this Filler has handed over its columns already")
        self.built = True
        intern = sys.intern
        table_free(&self.plain_subjects)
        table_free(&self.plain_authors)
        PyMem_Free(self.ids.slots)  # the Message-ID hash: not needed to hand over, and big
        self.ids.slots, self.ids.size = NULL, 0
        return (take_vec(&self.numbers), take_vec(&self.stamps), take_vec(&self.sizes), take_vec(&self.lines),
                take_ivec(&self.subject_codes), [intern(t) for t in self.subjects], take_ivec(&self.author_codes),
                [intern(t) for t in self.authors], take_ivec(&self.id_codes), take_buf(&self.ids.blob),
                take_vec(&self.ids.ends), take_vec(&self.ref_starts), take_ivec(&self.ref_codes),
                take_buf(&self.xref_blob), take_vec(&self.xref_ends), self.extras)


cdef inline void strip(const char *s, Py_ssize_t *a, Py_ssize_t *b) noexcept:
    """``str.strip`` on printable ASCII: only spaces are whitespace there."""
    while a[0] < b[0] and s[a[0]] == b" ":
        a[0] += 1
    while b[0] > a[0] and s[b[0] - 1] == b" ":
        b[0] -= 1


cdef inline void xref(const char *s, Py_ssize_t *a, Py_ssize_t *b) noexcept:
    """``Xref: host g:1`` loses its name (any case), then is trimmed, as ``_extras`` reads it."""
    cdef const char *p = s + a[0]
    if (b[0] - a[0] >= 5 and lower(p[0]) == b"x" and lower(p[1]) == b"r" and lower(p[2]) == b"e"
            and lower(p[3]) == b"f" and p[4] == b":"):
        a[0] += 5
    strip(s, a, b)


cdef str text(const char *s, Py_ssize_t a, Py_ssize_t b, bint latin1):
    """One field as the per-line parser sees it: the line is UTF-8 if it all is, else Latin-1."""
    return s[a:b].decode("latin-1" if latin1 else "utf-8")


# -- checks of a stored pack's offsets and codes (store/packcheck.py), without a Python int per item ------------
def offsets_rise(const long long[:] ends, long long low, long long high):
    """Whether ``ends`` never falls and lies within ``low..high`` (a pack's string ends, References run starts)."""
    cdef Py_ssize_t i, n = ends.shape[0]
    cdef long long last = low
    for i in range(n):
        if ends[i] < last:
            return False
        last = ends[i]
    return last <= high


def codes_within(const int[:] codes, long long bound):
    """Whether every code is in ``0..bound-1``."""
    cdef Py_ssize_t i, n = codes.shape[0]
    for i in range(n):
        if codes[i] < 0 or codes[i] >= bound:
            return False
    return True


def cuts_whole(const unsigned char[:] blob, const long long[:] ends):
    """Whether no end inside ``blob`` falls on a UTF-8 continuation byte (each string starts a character).
    The ends must already be checked to lie within the blob."""
    cdef Py_ssize_t i, n = ends.shape[0], size = blob.shape[0]
    for i in range(n):
        if ends[i] < size and (blob[ends[i]] & 0xC0) == 0x80:
            return False
    return True


# -- growing a bytes object nothing else holds (store/coljoin.py) -----------------------------------------------
def appended(list holder, bytes extra):
    """``holder.pop() + extra``, made by growing the popped bytes in place when ``holder`` held the only
    reference to it (realloc: a big blob's pages are moved, never copied, so joining a few hundred articles
    to a group's Message-IDs does not hold the group's table twice). Anything else is copied as ``+`` does."""
    cdef object blob = holder.pop()
    cdef Py_ssize_t size, more = len(extra)
    cdef PyObject *raw
    if type(blob) is not bytes or Py_REFCNT(blob) != 1 or not more or len(blob) < 2:
        return blob + extra
    size = len(blob)
    raw = <PyObject *> blob
    Py_INCREF(blob)  # ``raw`` owns a reference ...
    blob = None  # ... and is the only one: the object may be resized
    if _PyBytes_Resize(&raw, size + more) < 0:  # it is freed (what the caller handed over is lost)
        raise MemoryError()
    out = <object> raw  # a new reference; then ``raw``'s own is dropped
    Py_DECREF(out)
    memcpy(PyBytes_AS_STRING(out) + size, <const char *> extra, more)
    return out
