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
from cpython.ref cimport Py_DECREF, Py_INCREF
from cpython.object cimport Py_EQ, PyObject_Hash, PyObject_RichCompareBool
from cpython.set cimport PySet_Contains
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from cpython.datetime cimport (PyDateTime_CheckExact, datetime_day, datetime_hour, datetime_microsecond,
                               datetime_minute, datetime_month, datetime_second, datetime_tzinfo, datetime_year,
                               import_datetime)
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize, PyBytes_GET_SIZE
from libc.stdlib cimport calloc, free, malloc, qsort, realloc
from libc.string cimport memchr, memcmp, memcpy, memset

from datetime import timezone

from killfile import kernels_pure
from killfile.kernels_pure import NO_DATE, stamp

import_datetime()
cdef object _UTC = timezone.utc
cdef long long _NONE_STAMP = NO_DATE
cdef long long _SECONDS_FIT = 1LL << 42  # times 10**6 still fits 63 bits
cdef long long _UNIX_DAY0 = 719163  # date(1970, 1, 1).toordinal()
cdef bytes _ONE_BYTE = b"\0"


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
    cdef long long seconds
    if when is None:
        return NO_DATE
    if type(when) is int:  # a Columns stamp: whole seconds
        seconds = when
        if seconds == _NONE_STAMP:
            return seconds
        if not -_SECONDS_FIT < seconds < _SECONDS_FIT:
            raise OverflowError("stamp out of range")
        return seconds * 1000000
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


cdef inline object _shared_day(long long day, list shared, long long* shared_days):
    """The int object of ``day``: one per day, from a small cache by day (slot = day mod 1024)."""
    cdef Py_ssize_t slot = day & 1023
    cdef object value = <object>PyList_GET_ITEM(shared, slot)
    if value is not None and shared_days[slot] == day:
        return value
    value = day
    shared[slot] = value
    shared_days[slot] = day
    return value


def day_ordinals(list dates):
    """toordinal() from the datetime's own fields, with no method call.

    A group spans a few hundred days: articles of one day share its int object
    (a small cache by day), so the passes that read the days later touch a few
    hundred objects instead of 150,000 scattered ones.
    """
    cdef Py_ssize_t i, n = PyList_GET_SIZE(dates)
    cdef list out = PyList_New(n)
    cdef list shared = [None] * 1024
    cdef long long[1024] shared_days
    cdef object when, value
    cdef long long day
    for i in range(n):
        when = <object>PyList_GET_ITEM(dates, i)
        if when is None:
            value = -1
        elif PyDateTime_CheckExact(when):
            day = _days_from_civil(datetime_year(when), datetime_month(when), datetime_day(when)) + 719163
            value = _shared_day(day, shared, shared_days)
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
    _fill(out, lines, n, separator, False)
    if out.count(10) == (n - 1 if n else 0) and out.count(13) == 0:
        return out.bytes()
    out.used = 0
    _fill(out, lines, n, separator, True)  # the rare value with CR or LF in it: again, breaks as spaces
    return out.bytes()


cdef int _fill(_Buffer out, list lines, Py_ssize_t n, bytes separator, bint spaces) except -1:
    cdef Py_ssize_t i, k
    cdef object line
    for i in range(n):
        if i:
            out.add_byte(10)
        line = <object>PyList_GET_ITEM(lines, i)
        if separator is None:
            out.add_text(line, spaces)
        else:
            for k in range(PyTuple_GET_SIZE(line)):
                if k:
                    out.add_byte(32)
                out.add_text(<object>PyTuple_GET_ITEM(line, k), spaces)
    return 0


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

    cdef int add_text(self, object text, bint spaces) except -1:
        """Append the text as UTF-8 (errors replaced); with ``spaces``, CR and LF become spaces."""
        cdef Py_ssize_t size, k, start = self.used
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
        if spaces:
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


cdef class _Forest:
    """Union-find over Message-IDs as C arrays (union by size, path halving); ``node`` numbers the IDs.

    The IDs are found through an open-addressing index of node numbers (C ints,
    linear probing, at most 2/3 full) over ``key``, the node's ID (a reference
    held): a dict of ID -> int object cost 10 MB of local.big's scoring peak
    (175,000 entries and as many ints); this costs about 4.
    """

    cdef Py_ssize_t* parent
    cdef Py_ssize_t* size
    cdef PyObject** key
    cdef int* index
    cdef Py_ssize_t used, room, mask

    def __cinit__(self, Py_ssize_t room):
        self.room = max(room, 64)
        self.used = 0
        self.parent = <Py_ssize_t*>malloc(self.room * sizeof(Py_ssize_t))
        self.size = <Py_ssize_t*>malloc(self.room * sizeof(Py_ssize_t))
        self.key = <PyObject**>malloc(self.room * sizeof(PyObject*))
        self.mask = 63
        while self.mask + 1 < self.room + self.room // 2 + 1:
            self.mask = self.mask * 2 + 1
        self.index = <int*>malloc((self.mask + 1) * sizeof(int))
        if self.parent is NULL or self.size is NULL or self.key is NULL or self.index is NULL:
            raise MemoryError()
        memset(self.index, 0xff, (self.mask + 1) * sizeof(int))  # every slot -1: empty

    def __dealloc__(self):
        cdef Py_ssize_t i
        if self.key is not NULL:
            for i in range(self.used):
                Py_DECREF(<object>self.key[i])
        free(self.parent)
        free(self.size)
        free(self.key)
        free(self.index)

    cdef Py_ssize_t node(self, object message_id) except -1:
        """The node of a Message-ID, made on first sight."""
        cdef Py_hash_t h = PyObject_Hash(message_id)
        cdef Py_ssize_t slot = <size_t>h & self.mask
        cdef int found
        cdef object other
        while True:
            found = self.index[slot]
            if found < 0:
                break
            if self.key[found] == <PyObject*>message_id:
                return found
            other = <object>self.key[found]
            if PyObject_Hash(other) == h and PyObject_RichCompareBool(other, message_id, Py_EQ):
                return found
            slot = (slot + 1) & self.mask
        if self.used == self.room:
            self.grow()
            return self.node(message_id)  # the index was rebuilt: find the slot again
        cdef Py_ssize_t made = self.used
        Py_INCREF(message_id)
        self.key[made] = <PyObject*>message_id
        self.index[slot] = <int>made
        self.parent[made] = made
        self.size[made] = 1
        self.used += 1
        return made

    cdef int grow(self) except -1:
        if 2 * self.room >= 0x7fffffff:
            raise MemoryError("too many Message-IDs for one scoring run")
        cdef Py_ssize_t* parent = <Py_ssize_t*>realloc(self.parent, 2 * self.room * sizeof(Py_ssize_t))
        if parent is NULL:
            raise MemoryError()
        self.parent = parent
        cdef Py_ssize_t* size = <Py_ssize_t*>realloc(self.size, 2 * self.room * sizeof(Py_ssize_t))
        if size is NULL:
            raise MemoryError()
        self.size = size
        cdef PyObject** key = <PyObject**>realloc(self.key, 2 * self.room * sizeof(PyObject*))
        if key is NULL:
            raise MemoryError()
        self.key = key
        self.room *= 2
        return self.reindex()

    cdef int reindex(self) except -1:
        """A bigger index for ``room`` nodes (every key is hashable: it was hashed once already)."""
        cdef Py_ssize_t mask = self.mask, i, slot
        while mask + 1 < self.room + self.room // 2 + 1:
            mask = mask * 2 + 1
        cdef int* index = <int*>malloc((mask + 1) * sizeof(int))
        if index is NULL:
            raise MemoryError()
        memset(index, 0xff, (mask + 1) * sizeof(int))
        for i in range(self.used):
            slot = <size_t>PyObject_Hash(<object>self.key[i]) & mask
            while index[slot] >= 0:
                slot = (slot + 1) & mask
            index[slot] = <int>i
        free(self.index)
        self.index, self.mask = index, mask
        return 0

    cdef inline Py_ssize_t find(self, Py_ssize_t a) noexcept:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    cdef inline void union(self, Py_ssize_t a, Py_ssize_t b) noexcept:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        if self.size[a] < self.size[b]:
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]


def thread_codes(list references, list message_ids):
    """kernels_pure.thread_codes: the same union-find, on C arrays, IDs looked up through the C API."""
    cdef Py_ssize_t i, k, n = PyList_GET_SIZE(references)
    if PyList_GET_SIZE(message_ids) != n:
        raise ValueError("references and message_ids differ in length")
    cdef _Forest forest = _Forest(n + n // 4)  # own IDs and a few absent ones; grows by doubling
    cdef Py_ssize_t* own = <Py_ssize_t*>malloc(max(n, 1) * sizeof(Py_ssize_t))
    if own is NULL:
        raise MemoryError()
    cdef object refs
    try:
        for i in range(n):
            own[i] = forest.node(<object>PyList_GET_ITEM(message_ids, i))
        for i in range(n):
            refs = <object>PyList_GET_ITEM(references, i)
            if type(refs) is tuple:
                for k in range(PyTuple_GET_SIZE(refs)):
                    forest.union(own[i], forest.node(<object>PyTuple_GET_ITEM(refs, k)))
            else:
                for ref in refs:
                    forest.union(own[i], forest.node(ref))
        return _number_roots(forest, own, n)
    finally:
        free(own)


cdef list _number_roots(_Forest forest, Py_ssize_t* own, Py_ssize_t n):
    """Thread numbers 0, 1, 2... in order of each thread's first article (``_numbered``)."""
    cdef Py_ssize_t i
    cdef Py_ssize_t* roots = <Py_ssize_t*>malloc(max(n, 1) * sizeof(Py_ssize_t))
    if roots is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            roots[i] = forest.find(own[i])
        return _numbered(roots, n, forest.used)
    finally:
        free(roots)


cdef list _numbered(Py_ssize_t* roots, Py_ssize_t n, Py_ssize_t nodes):
    """Article i's thread number from its root ``roots[i]`` (< nodes): 0, 1, 2... in order of first article.

    One int object per thread, shared by its articles (``made``): an int per article
    was 5 MB of local.big's scoring peak (150,000 ints for 56,000 threads)."""
    cdef Py_ssize_t i, root, next_code = 0
    cdef Py_ssize_t* code = <Py_ssize_t*>malloc(max(nodes, 1) * sizeof(Py_ssize_t))
    if code is NULL:
        raise MemoryError()
    cdef list out = PyList_New(n), made = []
    cdef object value
    try:
        for i in range(nodes):
            code[i] = -1
        for i in range(n):
            root = roots[i]
            if code[root] < 0:
                code[root] = next_code
                PyList_Append(made, next_code)
                next_code += 1
            value = <object>PyList_GET_ITEM(made, code[root])
            Py_INCREF(value)
            PyList_SET_ITEM(out, i, value)
        return out
    finally:
        free(code)


cdef inline Py_ssize_t _root(Py_ssize_t* parent, Py_ssize_t a) noexcept:
    while parent[a] != a:
        parent[a] = parent[parent[a]]  # path halving
        a = parent[a]
    return a


cdef inline void _join_roots(Py_ssize_t* parent, Py_ssize_t* size, Py_ssize_t a, Py_ssize_t b) noexcept:
    a, b = _root(parent, a), _root(parent, b)
    if a == b:
        return
    if size[a] < size[b]:
        a, b = b, a
    parent[b] = a
    size[a] += size[b]


def code_threads(own, starts, refs, Py_ssize_t nodes, links=()):
    """kernels_pure.code_threads on the columns' own arrays (int codes, long long starts): no object per ID.

    Anything else (lists, other typecodes) goes to the reference, which gives the same answer.
    """
    cdef const int[::1] mine
    cdef const long long[::1] runs
    cdef const int[::1] named
    try:
        mine, runs, named = own, starts, refs
    except (TypeError, ValueError, BufferError):
        return kernels_pure.code_threads(own, starts, refs, nodes, links)
    _check_runs(mine, runs, named, nodes)
    cdef Py_ssize_t i, k, n = mine.shape[0]
    cdef Py_ssize_t* parent = <Py_ssize_t*>malloc(max(nodes, 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t* size = <Py_ssize_t*>malloc(max(nodes, 1) * sizeof(Py_ssize_t))
    try:
        if parent is NULL or size is NULL:
            raise MemoryError()
        for i in range(nodes):
            parent[i], size[i] = i, 1
        for i in range(n):
            for k in range(runs[i], runs[i + 1]):
                _join_roots(parent, size, mine[i], named[k])
        for i, k in links:
            if not (0 <= i < n and 0 <= k < nodes):
                raise ValueError("a Message-ID code outside the table")
            _join_roots(parent, size, mine[i], k)
        free(size)  # not beside the numbering's arrays (local.huge: 8 MB of the scoring's peak)
        size = NULL
        return _number_code_roots(parent, mine, nodes)
    finally:
        free(parent)
        free(size)


cdef int _check_runs(const int[::1] own, const long long[::1] starts, const int[::1] refs, Py_ssize_t nodes) except -1:
    """The reference's checks: runs that fit, every code inside the table."""
    cdef Py_ssize_t i, n = own.shape[0]
    if starts.shape[0] != n + 1 or starts[0] != 0 or starts[n] != refs.shape[0]:
        raise ValueError("reference starts do not fit the articles and their reference codes")
    for i in range(n):
        if starts[i] > starts[i + 1]:
            raise ValueError("reference starts go backwards")
        if not 0 <= own[i] < nodes:
            raise ValueError("a Message-ID code outside the table")
    for i in range(refs.shape[0]):
        if not 0 <= refs[i] < nodes:
            raise ValueError("a Message-ID code outside the table")
    return 0


cdef list _number_code_roots(Py_ssize_t* parent, const int[::1] own, Py_ssize_t nodes):
    """Thread numbers in order of first article, one shared int object per thread (``_numbered``)."""
    cdef Py_ssize_t i, n = own.shape[0]
    cdef Py_ssize_t* roots = <Py_ssize_t*>malloc(max(n, 1) * sizeof(Py_ssize_t))
    if roots is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            roots[i] = _root(parent, own[i])
        return _numbered(roots, n, nodes)
    finally:
        free(roots)


def naming_codes(codes, starts, wanted):
    """kernels_pure.naming_codes with the wanted codes as a C bitmap: one byte read per code."""
    cdef const int[::1] values
    cdef const long long[::1] runs
    try:
        values = codes
        if starts is not None:
            runs = starts
    except (TypeError, ValueError, BufferError):
        return kernels_pure.naming_codes(codes, starts, wanted)
    if any(type(w) is not int or w < 0 for w in wanted):
        return kernels_pure.naming_codes(codes, starts, wanted)
    cdef Py_ssize_t i, k, n, top = max(wanted, default=-1) + 1
    if top > values.shape[0] + (1 << 24):
        return kernels_pure.naming_codes(codes, starts, wanted)  # a sparse huge code: not worth a bitmap
    cdef unsigned char* bits = <unsigned char*>calloc(max(top, 1), 1)
    if bits is NULL:
        raise MemoryError()
    cdef list out = []
    try:
        for w in wanted:
            bits[<Py_ssize_t>w] = 1
        if starts is None:
            for i in range(values.shape[0]):
                if 0 <= values[i] < top and bits[values[i]]:
                    PyList_Append(out, i)
            return out
        n = runs.shape[0] - 1
        for i in range(n):
            for k in range(runs[i], runs[i + 1]):
                if 0 <= values[k] < top and bits[values[k]]:
                    PyList_Append(out, i)
                    break
        return out
    finally:
        free(bits)


def stamp_days(stamps):
    """kernels_pure.stamp_days, one shared int per day (as day_ordinals)."""
    cdef const long long[::1] values
    try:
        values = stamps
    except (TypeError, ValueError, BufferError):
        return kernels_pure.stamp_days(stamps)
    cdef Py_ssize_t i, n = values.shape[0]
    cdef list out = PyList_New(n)
    cdef list shared = [None] * 1024
    cdef long long[1024] shared_days
    cdef long long day, s
    cdef object value
    for i in range(n):
        s = values[i]
        if s == _NONE_STAMP:
            value = -1
        else:
            day = s // 86400 + _UNIX_DAY0  # Cython's // floors, as Python's does
            value = _shared_day(day, shared, shared_days)
        Py_INCREF(value)
        PyList_SET_ITEM(out, i, value)
    return out


cdef extern from "Python.h":
    object PyUnicode_DecodeUTF8(const char* s, Py_ssize_t size, const char* errors)


cdef int _check_table(const unsigned char[::1] blob, const long long[::1] ends) except -1:
    cdef Py_ssize_t c
    cdef long long last = 0
    for c in range(ends.shape[0]):
        if ends[c] < last:
            raise ValueError("string table ends go backwards")
        last = ends[c]
    if last > blob.shape[0]:
        raise ValueError("string table ends run past its bytes")
    return 0


cdef inline long long _start(const long long[::1] ends, Py_ssize_t code) noexcept:
    return ends[code - 1] if code else 0


def join_coded(blob, ends, codes, starts):
    """kernels_pure.join_coded: sized once, then one memcpy per string."""
    cdef const unsigned char[::1] data
    cdef const long long[::1] stops
    cdef const int[::1] picks
    cdef const long long[::1] runs
    try:
        data, stops = blob, ends
        if codes is not None:
            picks = codes
        if starts is not None:
            runs = starts
    except (TypeError, ValueError, BufferError):
        return kernels_pure.join_coded(blob, ends, codes, starts)
    _check_table(data, stops)
    cdef Py_ssize_t tables = stops.shape[0], i, k, code, n, first, last, size = 0, at = 0
    cdef bint coded = codes is not None, runs_given = starts is not None
    if runs_given and not coded:
        raise ValueError("reference starts need their codes")
    n = runs.shape[0] - 1 if runs_given else (picks.shape[0] if coded else tables)
    if runs_given and (n < 0 or runs[0] != 0 or runs[n] != picks.shape[0]):
        raise ValueError("reference starts do not fit their codes")
    for i in range(n):  # the size, and every code checked, before any byte is copied
        first, last = i, i + 1
        if runs_given:
            first, last = runs[i], runs[i + 1]
        if last < first:
            raise ValueError("reference starts go backwards")
        for k in range(first, last):
            code = picks[k] if coded else k
            if not 0 <= code < tables:
                raise ValueError("a code outside the string table")
            size += stops[code] - _start(stops, code) + (1 if k > first else 0)
        size += 1 if i else 0
    out = PyBytes_FromStringAndSize(NULL, size)
    cdef char* target = PyBytes_AS_STRING(out)
    for i in range(n):
        if i:
            target[at] = 10
            at += 1
        first, last = i, i + 1
        if runs_given:
            first, last = runs[i], runs[i + 1]
        for k in range(first, last):
            if k > first:
                target[at] = 32
                at += 1
            code = picks[k] if coded else k
            memcpy(target + at, &data[0] + _start(stops, code), stops[code] - _start(stops, code))
            at += stops[code] - _start(stops, code)
    return out


def decode_coded(blob, ends, codes):
    """kernels_pure.decode_coded, one C-level decode per string."""
    cdef const unsigned char[::1] data
    cdef const long long[::1] stops
    cdef const int[::1] picks
    try:
        data, stops = blob, ends
        if codes is not None:
            picks = codes
    except (TypeError, ValueError, BufferError):
        return kernels_pure.decode_coded(blob, ends, codes)
    _check_table(data, stops)
    cdef bint coded = codes is not None
    cdef Py_ssize_t i, code, tables = stops.shape[0], n = picks.shape[0] if coded else stops.shape[0]
    cdef list out = PyList_New(n)
    cdef object text
    if data.shape[0] == 0:
        data = _ONE_BYTE  # every string is empty: a valid address to read none from
    cdef const char* base = <const char*>&data[0]
    for i in range(n):
        code = picks[i] if coded else i
        if not 0 <= code < tables:
            raise ValueError("a code outside the string table")  # the unfilled list is freed safely
        text = PyUnicode_DecodeUTF8(base + _start(stops, code), stops[code] - _start(stops, code), "surrogatepass")
        Py_INCREF(text)
        PyList_SET_ITEM(out, i, text)
    return out


cdef inline unsigned long long _fnv(const unsigned char* data, Py_ssize_t size) noexcept:
    """FNV-1a, 64 bits: a string's bytes hashed with no object made."""
    cdef unsigned long long h = 14695981039346656037ULL
    cdef Py_ssize_t k
    for k in range(size):
        h = (h ^ data[k]) * 1099511628211ULL
    return h


def find_strings(blob, ends, list wanted):
    """kernels_pure.find_strings in one pass over the table's bytes: each string hashed in C, compared
    byte for byte only where a hash matches one of the few wanted."""
    cdef const unsigned char[::1] data
    cdef const long long[::1] stops
    try:
        data, stops = blob, ends
    except (TypeError, ValueError, BufferError):
        return kernels_pure.find_strings(blob, ends, wanted)
    if any(type(w) is not bytes for w in wanted):
        return kernels_pure.find_strings(blob, ends, wanted)
    _check_table(data, stops)
    cdef Py_ssize_t m = len(wanted), w, code, start, size, missing = m
    cdef list out = [-1] * m
    if m == 0 or stops.shape[0] == 0:
        return out
    cdef unsigned long long* hashes = <unsigned long long*>malloc(m * sizeof(unsigned long long))
    if hashes is NULL:
        raise MemoryError()
    cdef unsigned long long h
    cdef bytes item
    cdef const unsigned char* base = &data[0] if data.shape[0] else <const unsigned char*>b""
    try:
        for w in range(m):
            item = wanted[w]
            hashes[w] = _fnv(<const unsigned char*>PyBytes_AS_STRING(item), PyBytes_GET_SIZE(item))
        for code in range(stops.shape[0]):
            start = _start(stops, code)
            size = stops[code] - start
            h = _fnv(base + start, size)
            for w in range(m):
                if hashes[w] == h and out[w] == -1:
                    item = wanted[w]
                    if PyBytes_GET_SIZE(item) == size and memcmp(PyBytes_AS_STRING(item), base + start, size) == 0:
                        out[w] = code
                        missing -= 1
            if missing == 0:
                break
        return out
    finally:
        free(hashes)


def shared_codes(codes):
    """kernels_pure.shared_codes on an int array: one pass for the largest code, one to fill."""
    cdef const int[::1] values
    try:
        values = codes
    except (TypeError, ValueError, BufferError):
        return kernels_pure.shared_codes(codes)
    cdef Py_ssize_t i, n = values.shape[0]
    cdef int top = -1
    for i in range(n):
        if values[i] < 0:
            return kernels_pure.shared_codes(codes)
        if values[i] > top:
            top = values[i]
    cdef list table = list(range(top + 1)), out = PyList_New(n)
    cdef object value
    for i in range(n):
        value = <object>PyList_GET_ITEM(table, values[i])
        Py_INCREF(value)
        PyList_SET_ITEM(out, i, value)
    return out


cdef struct Member:
    long long key  # the bucket
    long long first  # minus the score for keep = "best", else 0
    long long stamp  # microseconds since 1970, as kernels_pure.stamp
    long long number
    Py_ssize_t index


cdef object _tie_ids = []  # the Message-IDs (any sequence), read by _bucket_order on a tie (set while beyond sorts)


cdef int _bucket_order(const void* pa, const void* pb) noexcept nogil:
    """qsort order: bucket, then the reference's stable sorts, with the index as the last key."""
    cdef const Member* a = <const Member*>pa
    cdef const Member* b = <const Member*>pb
    if a.key != b.key:
        return -1 if a.key < b.key else 1
    if a.first != b.first:
        return -1 if a.first < b.first else 1
    if a.stamp != b.stamp:
        return -1 if a.stamp < b.stamp else 1
    if a.number != b.number:
        return -1 if a.number < b.number else 1
    return _by_message_id(a.index, b.index)


cdef int _by_message_id(Py_ssize_t i, Py_ssize_t j) noexcept nogil:
    """The rare full tie: compare Message-IDs, then indices (qsort runs with the GIL held)."""
    with gil:
        x = _tie_ids[i]  # a list, or the Columns' Message-IDs decoded one by one
        y = _tie_ids[j]
        if x != y:
            return -1 if x < y else 1
    return -1 if i < j else (1 if i > j else 0)


cdef struct Entry:
    long long minor
    Py_ssize_t index


cdef int _by_minor(const void* pa, const void* pb) noexcept nogil:
    cdef const Entry* a = <const Entry*>pa
    cdef const Entry* b = <const Entry*>pb
    if a.minor != b.minor:
        return -1 if a.minor < b.minor else 1
    return -1 if a.index < b.index else (1 if a.index > b.index else 0)


cdef class _Groups:
    """The articles ordered by (major, minor, index), as C arrays: buckets are runs of equal pairs.

    A counting sort on the major column (small codes: author or thread ids)
    followed by a sort of each major's few articles by the minor column. Unlike
    a hash table of 150,000 keys it reads and writes memory nearly in order,
    which is what costs on a big group. ``ok`` is False when the columns do not
    fit (a negative or huge code, a number past 32 bits) or when two pairs could
    share a key (the minor values span ``times`` or more): the caller then uses
    the reference implementation.
    """

    cdef Entry* entries  # sorted, n of them
    cdef Py_ssize_t* starts  # entries[starts[m]:starts[m + 1]] have major m
    cdef Py_ssize_t n, majors
    cdef long long times
    cdef bint ok

    def __cinit__(self, list major, times, list minor):
        cdef Py_ssize_t i, m, n = PyList_GET_SIZE(major)
        cdef int big
        cdef long long value, lowest = 0, highest = 0
        cdef object item
        self.n, self.ok, self.entries, self.starts = n, False, NULL, NULL
        if PyList_GET_SIZE(minor) != n:
            raise ValueError("major and minor differ in length")
        if type(times) is not int or not -_SMALL < times < _SMALL:
            return
        self.times = times
        cdef int* codes = <int*>malloc(max(n, 1) * sizeof(int))
        if codes is NULL:
            raise MemoryError()
        try:
            self.majors = 0
            for i in range(n):
                item = <object>PyList_GET_ITEM(major, i)
                if type(item) is not int:
                    return
                value = PyLong_AsLongLongAndOverflow(item, &big)
                if big or not 0 <= value < _SMALL or value > 4 * n + 1024:
                    return
                codes[i] = <int>value
                if value >= self.majors:
                    self.majors = value + 1
            self.starts = <Py_ssize_t*>calloc(self.majors + 1, sizeof(Py_ssize_t))
            self.entries = <Entry*>malloc(max(n, 1) * sizeof(Entry))
            if self.starts is NULL or self.entries is NULL:
                raise MemoryError()
            for i in range(n):
                self.starts[codes[i] + 1] += 1
            for m in range(self.majors):
                self.starts[m + 1] += self.starts[m]
            for i in range(n):  # stable scatter: each major's articles in index order
                item = <object>PyList_GET_ITEM(minor, i)
                if type(item) is not int:
                    return
                value = PyLong_AsLongLongAndOverflow(item, &big)
                if big or not -_SMALL < value < _SMALL:
                    return
                if i == 0 or value < lowest:
                    lowest = value
                if i == 0 or value > highest:
                    highest = value
                m = codes[i]
                self.entries[self.starts[m]].minor = value
                self.entries[self.starts[m]].index = i
                self.starts[m] += 1
            if n and highest - lowest >= (times if times > 0 else -times):
                return  # (major, minor) -> key would not be one-to-one
            for m in range(self.majors, 0, -1):  # the scatter moved each start to the next one's
                self.starts[m] = self.starts[m - 1]
            self.starts[0] = 0
            for m in range(self.majors):
                if self.starts[m + 1] - self.starts[m] > 1:
                    qsort(&self.entries[self.starts[m]], self.starts[m + 1] - self.starts[m], sizeof(Entry), _by_minor)
            self.ok = True
        finally:
            free(codes)

    def __dealloc__(self):
        free(self.entries)
        free(self.starts)

    cdef inline long long key(self, Py_ssize_t m, Py_ssize_t k) noexcept:
        return m * self.times + self.entries[k].minor

    cdef list runs_over(self, Py_ssize_t limit):
        """(major, start, end) of every bucket with more than ``limit`` articles: entries[start:end]."""
        cdef Py_ssize_t m, k, start, end
        cdef list runs = []
        for m in range(self.majors):
            k, end = self.starts[m], self.starts[m + 1]
            while k < end:
                start = k
                while k < end and self.entries[k].minor == self.entries[start].minor:
                    k += 1
                if k - start > limit:
                    runs.append((m, start, k))
        return runs


def counts_over(list major, times, list minor, Py_ssize_t limit):
    """Counted on the grouped C arrays instead of a Counter of 150,000 Python ints."""
    cdef _Groups groups = _Groups(major, times, minor)
    if not groups.ok:
        return kernels_pure.counts_over(major, times, minor, limit)
    cdef Py_ssize_t m, start, end
    found = []
    for m, start, end in groups.runs_over(limit):  # entries[start] is the first appearance (index order)
        found.append((groups.entries[start].index, groups.key(m, start), end - start))
    found.sort()  # first appearance, as a Counter keeps them
    return {key: count for _, key, count in found}


def beyond(list major, times, list minor, full, Py_ssize_t limit, dates, numbers, message_ids, list scores=None):
    """Dates, numbers and Message-IDs are read only for the members of full buckets, so any sequence will do
    (the arrays of Columns, their IDs decoded on a tie)."""
    global _tie_ids
    cdef Py_ssize_t n = PyList_GET_SIZE(major)
    if min(len(minor), len(dates), len(numbers), len(message_ids), n if scores is None else len(scores)) < n:
        raise ValueError("every column needs a value per article")
    cdef _Groups groups = _Groups(major, times, minor)
    try:
        if not groups.ok:
            raise _Unfit()
        _tie_ids = message_ids
        return _beyond(groups, full, limit, dates, numbers, scores)
    except (OverflowError, _Unfit):  # a key, score or number past 64 bits: the reference copes
        return kernels_pure.beyond(major, times, minor, full, limit, dates, numbers, message_ids, scores)
    finally:
        _tie_ids = []


class _Unfit(Exception):
    """A value that does not fit the C arrays: the reference implementation takes over."""


cdef long long _rank_of_score(object score) except? -1:
    """Minus the score, so that ascending order puts the best first."""
    cdef long long value = score
    if not -_HUGE < value < _HUGE:
        raise OverflowError("score out of range")
    return -value


cdef list _beyond(_Groups groups, full, Py_ssize_t limit, dates, numbers, list scores):
    """Each full bucket (a run of the grouped arrays) ranked by one qsort; its members past ``limit`` are out."""
    cdef Py_ssize_t m, r, i, start, end, size, room = 64
    cdef long long key
    cdef list over = []
    cdef Member* rows = <Member*>malloc(room * sizeof(Member))
    cdef Member* grown
    if rows is NULL:
        raise MemoryError()
    try:
        for m, start, end in groups.runs_over(limit):
            key = groups.key(m, start)
            if key not in full:  # a few thousand runs over the limit: a set lookup each is cheap
                continue
            size = end - start
            if size > room:
                room = size
                grown = <Member*>realloc(rows, room * sizeof(Member))
                if grown is NULL:
                    raise MemoryError()
                rows = grown
            for r in range(size):
                i = groups.entries[start + r].index
                rows[r].key = key
                rows[r].first = _rank_of_score(<object>PyList_GET_ITEM(scores, i)) if scores is not None else 0
                rows[r].stamp = _stamp(dates[i])
                rows[r].number = numbers[i]
                rows[r].index = i
            qsort(rows, size, sizeof(Member), _bucket_order)
            for r in range(limit, size):
                PyList_Append(over, rows[r].index)
    finally:
        free(rows)
    over.sort()
    return over
