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
from cpython.list cimport PyList_GET_ITEM, PyList_GET_SIZE, PyList_New, PyList_SET_ITEM
from cpython.object cimport PyObject
from cpython.ref cimport Py_INCREF
from cpython.set cimport PySet_Contains
from cpython.tuple cimport PyTuple_GET_ITEM, PyTuple_GET_SIZE
from cpython.datetime cimport (PyDateTime_CheckExact, datetime_day, datetime_hour, datetime_microsecond,
                               datetime_minute, datetime_month, datetime_second, datetime_tzinfo, datetime_year,
                               import_datetime)
from libc.stdlib cimport free, malloc, qsort

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
    int PyList_Append(object, object) except -1
    int PyDict_Contains(object, object) except -1
    int PyAnySet_Check(object)

cdef long long _SMALL = 1LL << 31  # products of two such numbers fit a long long


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


def gather(list values, dict table):
    cdef Py_ssize_t i, n = PyList_GET_SIZE(values)
    cdef dict out = {}
    cdef PyObject* key
    cdef PyObject* bucket
    cdef object value
    for i in range(n):
        value = <object>PyList_GET_ITEM(values, i)
        key = PyDict_GetItem(table, value)
        if key is NULL:
            continue
        bucket = PyDict_GetItem(out, <object>key)
        if bucket is NULL:
            PyDict_SetItem(out, <object>key, [i])
        else:
            PyList_Append(<object>bucket, i)
    return out


def codes(list values):
    cdef Py_ssize_t i, n = PyList_GET_SIZE(values)
    cdef dict ids = {}
    cdef list out = PyList_New(n)
    cdef PyObject* found
    cdef object value, code
    for i in range(n):
        value = <object>PyList_GET_ITEM(values, i)
        found = PyDict_GetItem(ids, value)
        if found is NULL:
            code = len(ids)
            PyDict_SetItem(ids, value, code)
        else:
            code = <object>found
        Py_INCREF(code)
        PyList_SET_ITEM(out, i, code)
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


def combine(list major, long long times, list minor):
    cdef Py_ssize_t i, n = PyList_GET_SIZE(major)
    if PyList_GET_SIZE(minor) != n:
        raise ValueError("major and minor differ in length")
    cdef list out = PyList_New(n)
    cdef object a, b, value
    cdef long long x, y
    cdef bint small = -_SMALL < times < _SMALL
    for i in range(n):
        a = <object>PyList_GET_ITEM(major, i)
        b = <object>PyList_GET_ITEM(minor, i)
        if small and type(a) is int and type(b) is int and -_SMALL < a < _SMALL and -_SMALL < b < _SMALL:
            x = a
            y = b
            value = x * times + y
        else:  # big or odd numbers: Python arithmetic, as the reference does
            value = a * times + b
        Py_INCREF(value)
        PyList_SET_ITEM(out, i, value)
    return out


cdef struct Member:
    long long first  # minus the score for keep = "best", else 0
    long long stamp  # microseconds since 1970, as kernels_pure.stamp
    long long number
    Py_ssize_t index


cdef list _tie_ids = []  # the Message-IDs, read by _earlier on a tie (set while beyond sorts)


cdef int _earlier(const void* pa, const void* pb) noexcept nogil:
    """qsort order: the reference's stable sorts, with the index as the last key."""
    cdef const Member* a = <const Member*>pa
    cdef const Member* b = <const Member*>pb
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
        x = <object>PyList_GET_ITEM(_tie_ids, i)
        y = <object>PyList_GET_ITEM(_tie_ids, j)
        if x != y:
            return -1 if x < y else 1
    return -1 if i < j else (1 if i > j else 0)


def beyond(list keys, full, Py_ssize_t limit, list dates, list numbers, list message_ids, list scores=None):
    global _tie_ids
    try:
        _tie_ids = message_ids
        return _beyond(keys, full, limit, dates, numbers, scores)
    except OverflowError:  # a score or number past 64 bits: the reference copes
        return kernels_pure.beyond(keys, full, limit, dates, numbers, message_ids, scores)
    finally:
        _tie_ids = []


cdef list _beyond(list keys, full, Py_ssize_t limit, list dates, list numbers, list scores):
    cdef Py_ssize_t i, k, size, n = PyList_GET_SIZE(keys)
    cdef dict buckets = {}
    cdef PyObject* bucket
    cdef object key
    cdef list members, over = []
    cdef Member* rows
    for i in range(n):
        key = <object>PyList_GET_ITEM(keys, i)
        if key in full:
            bucket = PyDict_GetItem(buckets, key)
            if bucket is NULL:
                PyDict_SetItem(buckets, key, [i])
            else:
                PyList_Append(<object>bucket, i)
    for members in buckets.values():
        size = len(members)
        if size <= limit:
            continue
        rows = <Member*>malloc(size * sizeof(Member))
        if rows is NULL:
            raise MemoryError()
        try:
            for k in range(size):
                i = members[k]
                rows[k].first = -scores[i] if scores is not None else 0
                rows[k].stamp = _stamp(dates[i])
                rows[k].number = numbers[i]
                rows[k].index = i
            qsort(rows, size, sizeof(Member), _earlier)
            for k in range(limit, size):
                PyList_Append(over, rows[k].index)
        finally:
            free(rows)
    over.sort()
    return over
