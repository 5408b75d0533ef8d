# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Compiled versions of killfile.kernels_pure: same names, same results, one C loop each.

Built by setup.py when Cython and a C compiler are present; killfile.kernels
picks this module if it imports. Values are read straight out of the lists
(borrowed references) and sets and dicts are probed through the C API, so a
pass over 150,000 articles costs a few milliseconds instead of the 15 or so of a
``map`` with a bound method. Keep every function in step with kernels_pure:
tests/killfile/test_kernels.py compares the two on random input.
"""

from cpython.dict cimport PyDict_GetItem, PyDict_SetItem
from cpython.long cimport PyLong_AsLongLongAndOverflow
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE, PyList_New, PyList_SET_ITEM
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.set cimport PySet_Contains
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from cpython.datetime cimport (PyDateTime_CheckExact, datetime_day, datetime_hour, datetime_microsecond,
                               datetime_minute, datetime_month, datetime_second, datetime_tzinfo, datetime_year,
                               import_datetime)
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdlib cimport free, malloc, qsort, realloc
from libc.string cimport memchr, memcpy

from datetime import timezone

from killfile import kernels_pure
from killfile.kernels_pure import NO_DATE, stamp

import_datetime()
cdef object _UTC = timezone.utc


cdef long long _days_from_civil(long long y, long long m, long long d) noexcept:
    """Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm)."""
    y -= m <= 2
    cdef long long era = y // 400  # Cython's // floors, as Python's does
    cdef long long yoe = y - era * 400
    cdef long long doy = (153 * (m - 3 if m > 2 else m + 9) + 2) // 5 + d - 1
    cdef long long doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


cdef long long _stamp(object when) except? -1:
    """kernels_pure.stamp, from the fields of a UTC datetime without a method call."""
    if when is None:
        return NO_DATE
    if PyDateTime_CheckExact(when) and datetime_tzinfo(when) is _UTC:
        return ((_days_from_civil(datetime_year(when), datetime_month(when), datetime_day(when)) * 86400
                 + datetime_hour(when) * 3600 + datetime_minute(when) * 60 + datetime_second(when)) * 1000000
                + datetime_microsecond(when))
    return stamp(when)

cdef extern from "Python.h":
    bint PyUnicode_IS_ASCII(object)
    void* PyUnicode_DATA(object)
    Py_ssize_t PyUnicode_GET_LENGTH(object)
    int PyList_Append(object, object) except -1
    int PyDict_Contains(object, object) except -1
    int PyAnySet_Check(object)

cdef long long _SMALL = 1LL << 31  # products of two such numbers fit a long long
cdef long long _HUGE = 1LL << 62


def columns(articles, names):
    """One pass over NamedTuple records (fields read by position); anything else: the reference."""
    cdef list rows = articles if type(articles) is list else list(articles)
    cdef Py_ssize_t i, j, n = PyList_GET_SIZE(rows)
    names = tuple(names)
    cdef Py_ssize_t width = len(names)
    if n == 0:
        return [[] for _ in range(width)]
    cls = type(<object>PyList_GET_ITEM(rows, 0))
    fields = getattr(cls, "_fields", None)
    if not issubclass(cls, tuple) or not isinstance(fields, tuple) or not all(name in fields for name in names):
        return kernels_pure.columns(rows, names)
    cdef list positions = [fields.index(name) for name in names]
    cdef list out = [PyList_New(n) for _ in range(width)]
    cdef object row, value
    cdef Py_ssize_t at
    for i in range(n):
        row = <object>PyList_GET_ITEM(rows, i)
        if type(row) is not cls or PyTuple_GET_SIZE(row) != len(fields):
            return kernels_pure.columns(rows, names)  # the half-filled lists are freed safely
        for j in range(width):
            at = positions[j]
            value = <object>PyTuple_GET_ITEM(row, at)
            Py_INCREF(value)
            PyList_SET_ITEM(<list>out[j], i, value)
    return out


def day_ordinals(list dates):
    """toordinal() from the datetime's own fields, with no method call."""
    cdef Py_ssize_t i, n = PyList_GET_SIZE(dates)
    cdef list out = PyList_New(n)
    cdef object when, value
    for i in range(n):
        when = <object>PyList_GET_ITEM(dates, i)
        if when is None:
            value = -1
        elif PyDateTime_CheckExact(when):
            value = _days_from_civil(datetime_year(when), datetime_month(when), datetime_day(when)) + 719163
        else:
            value = when.toordinal()
        Py_INCREF(value)
        PyList_SET_ITEM(out, i, value)
    return out


def indices_in(list values, container):
    cdef Py_ssize_t i, n = PyList_GET_SIZE(values)
    cdef list out = []
    if PyAnySet_Check(container):
        for i in range(n):
            if PySet_Contains(container, <object>PyList_GET_ITEM(values, i)):
                PyList_Append(out, i)
    elif type(container) is dict:
        for i in range(n):
            if PyDict_Contains(container, <object>PyList_GET_ITEM(values, i)):
                PyList_Append(out, i)
    else:
        for i in range(n):
            if <object>PyList_GET_ITEM(values, i) in container:
                PyList_Append(out, i)
    return out


def indices_naming(list seqs, set wanted):
    cdef Py_ssize_t i, k, n = PyList_GET_SIZE(seqs)
    cdef list out = []
    cdef object seq
    for i in range(n):
        seq = <object>PyList_GET_ITEM(seqs, i)
        if type(seq) is tuple:
            for k in range(PyTuple_GET_SIZE(seq)):
                if PySet_Contains(wanted, <object>PyTuple_GET_ITEM(seq, k)):
                    PyList_Append(out, i)
                    break
        elif not wanted.isdisjoint(seq):
            PyList_Append(out, i)
    return out


def join_lines(list values):
    cdef Py_ssize_t i, n = PyList_GET_SIZE(values)
    for i in range(n):
        if type(<object>PyList_GET_ITEM(values, i)) is not str:
            return kernels_pure.join_lines(values)
    return _join(values, n, None)


def join_references(list references):
    cdef Py_ssize_t i, k, n = PyList_GET_SIZE(references)
    cdef object refs
    for i in range(n):
        refs = <object>PyList_GET_ITEM(references, i)
        if type(refs) is not tuple:
            return kernels_pure.join_references(references)
        for k in range(PyTuple_GET_SIZE(refs)):
            if type(<object>PyTuple_GET_ITEM(refs, k)) is not str:
                return kernels_pure.join_references(references)
    return _join(references, n, b" ")


cdef bytes _join(list lines, Py_ssize_t n, bytes separator):
    """Lines of str (separator None) or of tuples of str joined by ``separator``, as join_lines does.

    One pass, each string read once (ASCII ones copied as they are): on a big
    group the cost is touching 750,000 strings, not copying bytes. A line break
    inside a value is rare, so it is looked for once in the result, and only
    then are the values copied again with spaces in its place.
    """
    cdef _Buffer out = _Buffer(n * 48 + 64)
    cdef Py_ssize_t i, k
    cdef object line
    for i in range(n):
        if i:
            out.add_byte(10)
        line = <object>PyList_GET_ITEM(lines, i)
        if separator is None:
            out.add_text(line)
        else:
            for k in range(PyTuple_GET_SIZE(line)):
                if k:
                    out.add_byte(32)
                out.add_text(<object>PyTuple_GET_ITEM(line, k))
    if out.count(10) == (n - 1 if n else 0) and out.count(13) == 0:
        return out.bytes()
    out.used = 0
    for i in range(n):  # the rare value with CR or LF in it: copy again, breaks as spaces
        if i:
            out.add_byte(10)
        line = <object>PyList_GET_ITEM(lines, i)
        if separator is None:
            out.add_line(line)
        else:
            for k in range(PyTuple_GET_SIZE(line)):
                if k:
                    out.add_byte(32)
                out.add_line(<object>PyTuple_GET_ITEM(line, k))
    return out.bytes()


cdef class _Buffer:
    """A growing byte buffer (malloc'd), for building one big bytes object in a single pass."""

    cdef char* data
    cdef Py_ssize_t used, size

    def __cinit__(self, Py_ssize_t size):
        self.size = max(size, 64)
        self.used = 0
        self.data = <char*>malloc(self.size)
        if self.data is NULL:
            raise MemoryError()

    def __dealloc__(self):
        free(self.data)

    cdef int reserve(self, Py_ssize_t more) except -1:
        cdef Py_ssize_t want = self.used + more
        cdef char* grown
        if want <= self.size:
            return 0
        while self.size < want:
            self.size *= 2
        grown = <char*>realloc(self.data, self.size)
        if grown is NULL:
            raise MemoryError()
        self.data = grown
        return 0

    cdef int add_byte(self, char byte) except -1:
        if self.used == self.size:
            self.reserve(1)
        self.data[self.used] = byte
        self.used += 1
        return 0

    cdef int add_text(self, object text) except -1:
        cdef Py_ssize_t size
        cdef const char* source
        if PyUnicode_IS_ASCII(text):
            size = PyUnicode_GET_LENGTH(text)
            source = <const char*>PyUnicode_DATA(text)
        else:
            data = text.encode("utf-8", "replace")
            size = PyBytes_GET_SIZE(data)
            source = PyBytes_AS_STRING(data)
        self.reserve(size)
        memcpy(self.data + self.used, source, size)
        self.used += size
        return 0

    cdef int add_line(self, object text) except -1:
        """add_text, with CR and LF turned into spaces."""
        cdef Py_ssize_t start = self.used, k
        self.add_text(text)
        for k in range(start, self.used):
            if self.data[k] == 10 or self.data[k] == 13:
                self.data[k] = 32
        return 0

    cdef Py_ssize_t count(self, char byte):
        cdef Py_ssize_t found = 0
        cdef const char* at = self.data
        cdef const char* stop = self.data + self.used
        while at < stop:
            at = <const char*>memchr(at, byte, stop - at)
            if at is NULL:
                break
            found += 1
            at += 1
        return found

    cdef bytes bytes(self):
        return PyBytes_FromStringAndSize(self.data, self.used)


def count_newlines(bytes buffer, Py_ssize_t start, Py_ssize_t end):
    cdef Py_ssize_t size = PyBytes_GET_SIZE(buffer), count = 0
    if start < 0 or end > size or start >= end:
        return buffer.count(b"\n", start, end)  # slice rules for odd bounds, as the reference
    cdef const char* at = PyBytes_AS_STRING(buffer) + start
    cdef const char* stop = PyBytes_AS_STRING(buffer) + end
    while at < stop:
        at = <const char*>memchr(at, 10, stop - at)
        if at is NULL:
            break
        count += 1
        at += 1
    return count


def codes(list values):
    cdef Py_ssize_t i, n = PyList_GET_SIZE(values)
    cdef dict ids = {}
    cdef list out = PyList_New(n), distinct = []
    cdef PyObject* found
    cdef object value, code
    for i in range(n):
        value = <object>PyList_GET_ITEM(values, i)
        found = PyDict_GetItem(ids, value)
        if found is NULL:
            code = len(distinct)
            PyDict_SetItem(ids, value, code)
            PyList_Append(distinct, value)
        else:
            code = <object>found
        Py_INCREF(code)
        PyList_SET_ITEM(out, i, code)
    return out, distinct


def gather_codes(list codes, list table):
    """Each code's output list is found once (keys may be tuples, costly to hash), then appended to."""
    cdef Py_ssize_t i, code, n = PyList_GET_SIZE(codes), size = PyList_GET_SIZE(table)
    cdef dict out = {}
    cdef list slots = [None] * size
    cdef object key, slot
    for code in range(size):
        key = <object>PyList_GET_ITEM(table, code)
        if key is not None:
            slots[code] = out.setdefault(key, [])
    for i in range(n):
        code = <object>PyList_GET_ITEM(codes, i)
        if not 0 <= code < size:  # no entry: skipped, as the reference does
            continue
        slot = <object>PyList_GET_ITEM(slots, code)
        if slot is not None:
            PyList_Append(slot, i)
    return {key: found for key, found in out.items() if found}


def lookup(list codes, list table):
    cdef Py_ssize_t i, code, n = PyList_GET_SIZE(codes), size = PyList_GET_SIZE(table)
    cdef list out = PyList_New(n)
    cdef object value
    for i in range(n):
        code = <object>PyList_GET_ITEM(codes, i)
        if code < 0:
            code += size  # Python's indexing, as the reference
        if not 0 <= code < size:
            raise IndexError("list index out of range")  # the unfilled list is freed safely
        value = <object>PyList_GET_ITEM(table, code)
        Py_INCREF(value)
        PyList_SET_ITEM(out, i, value)
    return out


def thread_codes(list references, list message_ids):
    cdef Py_ssize_t i, n = PyList_GET_SIZE(references)
    if PyList_GET_SIZE(message_ids) != n:
        raise ValueError("references and message_ids differ in length")
    cdef dict ids = {}
    cdef list out = PyList_New(n)
    cdef PyObject* found
    cdef object refs, key, code
    for i in range(n):
        refs = <object>PyList_GET_ITEM(references, i)
        key = refs[0] if refs else <object>PyList_GET_ITEM(message_ids, i)
        found = PyDict_GetItem(ids, key)
        if found is NULL:
            code = len(ids)
            PyDict_SetItem(ids, key, code)
        else:
            code = <object>found
        Py_INCREF(code)
        PyList_SET_ITEM(out, i, code)
    return out


cdef struct Tally:
    long long key
    Py_ssize_t count
    Py_ssize_t first  # index of the key's first appearance; -1: empty slot


cdef inline unsigned long long _mix(unsigned long long x) noexcept nogil:
    """splitmix64's finaliser: bucket keys are near-consecutive numbers, probing wants them spread."""
    x ^= x >> 30
    x *= 0xbf58476d1ce4e5b9ULL
    x ^= x >> 27
    x *= 0x94d049bb133111ebULL
    x ^= x >> 31
    return x


cdef class _KeyTable:
    """An open-addressing table of C integer keys (splitmix-mixed, at most half full)."""

    cdef Tally* slots
    cdef Py_ssize_t mask

    def __cinit__(self, Py_ssize_t keys):
        cdef Py_ssize_t size = 16, slot
        while size < 2 * keys:
            size *= 2
        self.mask = size - 1
        self.slots = <Tally*>malloc(size * sizeof(Tally))
        if self.slots is NULL:
            raise MemoryError()
        for slot in range(size):
            self.slots[slot].first = -1

    def __dealloc__(self):
        free(self.slots)

    cdef inline Tally* find(self, long long key) noexcept:
        """The key's slot, or the empty slot where it would go (first < 0)."""
        cdef Py_ssize_t slot = _mix(<unsigned long long>key) & self.mask
        while self.slots[slot].first >= 0 and self.slots[slot].key != key:
            slot = (slot + 1) & self.mask
        return &self.slots[slot]


cdef class _Combined:
    """``major[i] * times + minor[i]`` as a C integer, or a refusal when it might not fit."""

    cdef list major, minor
    cdef long long times

    def __cinit__(self, list major, long long times, list minor):
        if PyList_GET_SIZE(minor) != PyList_GET_SIZE(major):
            raise ValueError("major and minor differ in length")
        self.major, self.times, self.minor = major, times, minor

    cdef bint at(self, Py_ssize_t i, long long* key) except -1:
        cdef object a = <object>PyList_GET_ITEM(self.major, i)
        cdef object b = <object>PyList_GET_ITEM(self.minor, i)
        cdef int big_x, big_y
        cdef long long x, y
        if type(a) is not int or type(b) is not int or not -_SMALL < self.times < _SMALL:
            return False
        x = PyLong_AsLongLongAndOverflow(a, &big_x)
        y = PyLong_AsLongLongAndOverflow(b, &big_y)
        if big_x or big_y or not (-_SMALL < x < _SMALL and -_SMALL < y < _SMALL):
            return False
        key[0] = x * self.times + y
        return True


class _Unfit(Exception):
    """A key that does not fit a C integer: the reference implementation takes over."""


def counts_over(list major, times, list minor, Py_ssize_t limit):
    """Counted in a C table instead of a Counter of 150,000 Python ints."""
    cdef _Combined combined
    try:
        combined = _Combined(major, times, minor)
    except OverflowError:
        return kernels_pure.counts_over(major, times, minor, limit)
    cdef Py_ssize_t i, n = PyList_GET_SIZE(major), slot
    cdef _KeyTable table = _KeyTable(n)
    cdef Tally* tally
    cdef long long key
    for i in range(n):
        if not combined.at(i, &key):
            return kernels_pure.counts_over(major, times, minor, limit)
        tally = table.find(key)
        if tally.first < 0:
            tally.key = key
            tally.count = 0
            tally.first = i
        tally.count += 1
    found = []
    for slot in range(table.mask + 1):
        if table.slots[slot].first >= 0 and table.slots[slot].count > limit:
            found.append((table.slots[slot].first, table.slots[slot].key, table.slots[slot].count))
    found.sort()  # first appearance, as a Counter keeps them
    return {key: count for _, key, count in found}


def beyond(list major, times, list minor, full, Py_ssize_t limit, list dates, list numbers,
           list message_ids, list scores=None):
    global _tie_ids
    cdef Py_ssize_t n = PyList_GET_SIZE(major)
    if min(len(minor), len(dates), len(numbers), len(message_ids), n if scores is None else len(scores)) < n:
        raise ValueError("every column needs a value per article")
    try:
        _tie_ids = message_ids
        return _beyond(_Combined(major, times, minor), n, full, limit, dates, numbers, scores)
    except (OverflowError, _Unfit):  # a key, score or number past 64 bits: the reference copes
        return kernels_pure.beyond(major, times, minor, full, limit, dates, numbers, message_ids, scores)
    finally:
        _tie_ids = []


cdef long long _rank_of_score(object score) except? -1:
    """Minus the score, so that ascending order puts the best first."""
    cdef long long value = score
    if not -_HUGE < value < _HUGE:
        raise OverflowError("score out of range")
    return -value


cdef list _beyond(_Combined combined, Py_ssize_t n, full, Py_ssize_t limit, list dates, list numbers, list scores):
    """Every member of a full bucket as a C row, one qsort by (bucket, rank), then each run past ``limit``."""
    cdef Py_ssize_t i, k, start, count = 0, room = 1024
    cdef long long key
    cdef _KeyTable wanted = _KeyTable(len(full))
    cdef Tally* tally
    for item in full:
        if type(item) is not int:
            raise _Unfit()
        tally = wanted.find(item)
        tally.key = item
        tally.first = 0
    cdef list over = []
    cdef Member* rows = <Member*>malloc(room * sizeof(Member))
    cdef Member* grown
    if rows is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            if not combined.at(i, &key):
                raise _Unfit()
            if wanted.find(key).first < 0:
                continue
            if count == room:
                room *= 2
                grown = <Member*>realloc(rows, room * sizeof(Member))
                if grown is NULL:
                    raise MemoryError()
                rows = grown
            rows[count].key = key
            rows[count].first = _rank_of_score(<object>PyList_GET_ITEM(scores, i)) if scores is not None else 0
            rows[count].stamp = _stamp(<object>PyList_GET_ITEM(dates, i))
            rows[count].number = <object>PyList_GET_ITEM(numbers, i)
            rows[count].index = i
            count += 1
        qsort(rows, count, sizeof(Member), _bucket_order)
        k = 0
        while k < count:
            start = k
            while k < count and rows[k].key == rows[start].key:
                if k - start >= limit:
                    PyList_Append(over, rows[k].index)
                k += 1
    finally:
        free(rows)
    over.sort()
    return over
