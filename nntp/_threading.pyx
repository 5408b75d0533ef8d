# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False, cdivision=True
"""Compiled ``layout`` of nntp.threads: JWZ on integer Message-ID codes in C arrays, same answers as the pure one.

Built by setup.py when Cython and a C compiler are present; nntp.threads uses it
if it imports (unless PITH_PURE_KERNELS is set) for threading without subject
grouping. Containers are indices: a Message-ID code, or past the codes a
duplicate article; children are singly linked lists (first, last, next). Every
step mirrors nntp.threads._Forest: link each article's References and then its
own parent, prune and splice dummies, sort children and roots by (date,
number) with stable merge sorts, and lay the trees out in preorder.
tests/nntp/test_threads_columns.py compares the two on random forests.
"""

from cpython.list cimport PyList_GET_ITEM
from cpython.ref cimport Py_INCREF
from cpython.tuple cimport PyTuple_New, PyTuple_SET_ITEM
from libc.stdint cimport INT64_MIN, int32_t, int64_t
from libc.stdlib cimport calloc, free, malloc
from libc.string cimport memcpy

from array import array

cdef int64_t NO_DATE = INT64_MIN
cdef int32_t UNSEEN = -2
cdef int32_t DUMMY = -1


cdef struct Forest:
    int32_t *art      # article index, DUMMY or UNSEEN
    int32_t *par
    int32_t *first
    int32_t *last
    int32_t *nxt
    const long long *k1
    const long long *k2


cdef inline void adopt(Forest *f, int32_t child, int32_t parent) noexcept nogil:
    f.par[child] = parent
    f.nxt[child] = -1
    if f.first[parent] < 0:
        f.first[parent] = child
    else:
        f.nxt[f.last[parent]] = child
    f.last[parent] = child


cdef inline void unlink(Forest *f, int32_t child) noexcept nogil:
    cdef int32_t parent = f.par[child], prev = -1, at = f.first[parent]
    while at != child:
        prev = at
        at = f.nxt[at]
    if prev < 0:
        f.first[parent] = f.nxt[child]
    else:
        f.nxt[prev] = f.nxt[child]
    if f.last[parent] == child:
        f.last[parent] = prev
    f.nxt[child] = -1
    f.par[child] = -1


cdef inline bint reaches(Forest *f, int32_t ancestor, int32_t node) noexcept nogil:
    if f.first[ancestor] < 0:
        return ancestor == node
    while node >= 0:
        if node == ancestor:
            return True
        node = f.par[node]
    return False


cdef inline bint before(Forest *f, int32_t a, int32_t b) noexcept nogil:
    """Article a's (date, number) key is greater than article b's: b goes first (-1: no article, the epoch, 0)."""
    cdef long long da = 0, db = 0, na = 0, nb = 0
    if a >= 0:
        da = f.k1[a]
        na = f.k2[a]
        if da == NO_DATE:
            da = 0
    if b >= 0:
        db = f.k1[b]
        nb = f.k2[b]
        if db == NO_DATE:
            db = 0
    return da > db or (da == db and na > nb)


cdef void merge_sort(Forest *f, int32_t *boxes, int32_t *keys, int32_t n, int32_t *tmp_boxes,
                     int32_t *tmp_keys) noexcept nogil:
    """Stable bottom-up merge sort of boxes by the article keys[] beside them."""
    cdef int32_t width = 1, lo, mid, hi, i, j, k
    while width < n:
        lo = 0
        while lo < n:
            mid = min(lo + width, n)
            hi = min(lo + 2 * width, n)
            i, j, k = lo, mid, lo
            while i < mid and j < hi:
                if before(f, keys[i], keys[j]):
                    tmp_boxes[k] = boxes[j]
                    tmp_keys[k] = keys[j]
                    j += 1
                else:
                    tmp_boxes[k] = boxes[i]
                    tmp_keys[k] = keys[i]
                    i += 1
                k += 1
            while i < mid:
                tmp_boxes[k] = boxes[i]
                tmp_keys[k] = keys[i]
                i += 1
                k += 1
            while j < hi:
                tmp_boxes[k] = boxes[j]
                tmp_keys[k] = keys[j]
                j += 1
                k += 1
            lo = hi
        memcpy(boxes, tmp_boxes, n * sizeof(int32_t))
        memcpy(keys, tmp_keys, n * sizeof(int32_t))
        width *= 2


cdef int32_t link_all(Forest *f, const int[:] own, const long long[:] starts, const int[:] refs, int32_t codes,
                      int32_t *order) noexcept nogil:
    """JWZ's first pass; returns how many containers there are (codes plus duplicates)."""
    cdef Py_ssize_t i, k, n = own.shape[0]
    cdef int32_t size = codes, made = 0, mine, box, parent, ref, old
    for i in range(n):
        mine = own[i]
        if f.art[mine] < 0:
            if f.art[mine] == UNSEEN:
                order[made] = mine
                made += 1
            f.art[mine] = <int32_t>i
            box = mine
        else:  # a duplicate Message-ID: its own container past the codes
            box = size
            size += 1
            f.art[box] = <int32_t>i
            order[made] = box
            made += 1
        parent = -1
        for k in range(starts[i], starts[i + 1]):
            ref = refs[k]
            if ref == mine:
                continue
            if f.art[ref] == UNSEEN:
                f.art[ref] = DUMMY
                order[made] = ref
                made += 1
                if parent >= 0:
                    adopt(f, ref, parent)
            elif parent >= 0 and f.par[ref] < 0 and not reaches(f, ref, parent):
                adopt(f, ref, parent)
            parent = ref
        if parent >= 0 and reaches(f, box, parent):
            parent = -1
        old = f.par[box]
        if old != parent:
            if old >= 0:
                unlink(f, box)
            if parent >= 0:
                adopt(f, box, parent)
    return made


cdef void splice(Forest *f, int32_t node, int32_t *pending) noexcept nogil:
    """Replace each dummy among node's children by its children, in order (iteratively)."""
    cdef int32_t at = f.first[node], after, top = 0, head = -1, tail = -1
    while True:
        while at >= 0:
            after = f.nxt[at]
            if f.art[at] < 0:
                pending[top] = after
                top += 1
                at = f.first[at]
            else:
                f.par[at] = node
                f.nxt[at] = -1
                if tail < 0:
                    head = at
                else:
                    f.nxt[tail] = at
                tail = at
                at = after
        if top == 0:
            break
        top -= 1
        at = pending[top]
    f.first[node] = head
    f.last[node] = tail


cdef void splice_below(Forest *f, int32_t root, int32_t *stack, int32_t *pending) noexcept nogil:
    cdef int32_t top = 1, node, at
    stack[0] = root
    while top:
        top -= 1
        node = stack[top]
        at = f.first[node]
        while at >= 0:
            if f.art[at] < 0:
                splice(f, node, pending)
                break
            at = f.nxt[at]
        at = f.first[node]
        while at >= 0:
            stack[top] = at
            top += 1
            at = f.nxt[at]


cdef void sort_below(Forest *f, int32_t root, int32_t *stack, int32_t *boxes, int32_t *keys, int32_t *tmp_boxes,
                     int32_t *tmp_keys) noexcept nogil:
    """Sort every container's children by their articles' (date, number), top-down."""
    cdef int32_t top = 1, node, at, n, j
    stack[0] = root
    while top:
        top -= 1
        node = stack[top]
        n = 0
        at = f.first[node]
        while at >= 0:
            boxes[n] = at
            keys[n] = f.art[at] if f.art[at] >= 0 else first_article(f, at)
            n += 1
            at = f.nxt[at]
        if n > 1:
            merge_sort(f, boxes, keys, n, tmp_boxes, tmp_keys)
            f.first[node] = boxes[0]
            for j in range(n - 1):
                f.nxt[boxes[j]] = boxes[j + 1]
            f.nxt[boxes[n - 1]] = -1
            f.last[node] = boxes[n - 1]
        for j in range(n):
            stack[top] = boxes[j]
            top += 1


cdef inline int32_t first_article(Forest *f, int32_t box) noexcept nogil:
    """The article of box, or for a dummy the first article down its first children (-1: none)."""
    while f.art[box] < 0:
        box = f.first[box]
        if box < 0:
            return -1
    return f.art[box]


cdef int32_t emit(Forest *f, int32_t root, int32_t *stack, int32_t *items, int32_t *counts, int32_t at,
                  int32_t *kids) noexcept nogil:
    """Preorder: items[] is the article index, or ~box for a dummy; counts[] how many children follow."""
    cdef int32_t top = 1, node, child, n, j
    stack[0] = root
    while top:
        top -= 1
        node = stack[top]
        items[at] = f.art[node] if f.art[node] >= 0 else ~node
        n = 0
        child = f.first[node]
        while child >= 0:
            kids[n] = child
            n += 1
            child = f.nxt[child]
        counts[at] = n
        at += 1
        for j in range(n - 1, -1, -1):
            stack[top] = kids[j]
            top += 1
    return at


cdef Py_ssize_t duplicates(const int[:] own, int codes) except -1:
    """How many articles carry a Message-ID an earlier one has (each gets a container past the codes): the
    containers are sized by what the articles need, not by a spare one per article (local.huge: 107 -> 59 MB
    of scratch at the peak of an entry)."""
    cdef Py_ssize_t i, n = own.shape[0], twins = 0
    cdef unsigned char *seen = <unsigned char *>calloc(codes + 1, 1)
    if seen == NULL:
        raise MemoryError()
    with nogil:
        for i in range(n):
            if seen[own[i]]:
                twins += 1
            else:
                seen[own[i]] = 1
    free(seen)
    return twins


cdef bint well_formed(const int[:] own, const long long[:] starts, const int[:] refs, int codes) noexcept nogil:
    """Codes in range and References runs inside ``refs``: C arrays are indexed by them without checks."""
    cdef Py_ssize_t i, n = own.shape[0]
    if starts.shape[0] != n + 1 or starts[0] < 0 or starts[n] > refs.shape[0]:
        return False
    for i in range(n):
        if own[i] < 0 or own[i] >= codes or starts[i + 1] < starts[i]:
            return False
    for i in range(starts[0], starts[n]):
        if refs[i] < 0 or refs[i] >= codes:
            return False
    return True


def layout(const int[:] own, const long long[:] starts, const int[:] refs, int codes, const long long[:] k1,
           const long long[:] k2):
    """(items, counts): the threaded forest in preorder, as nntp.threads._Forest.layout gives it (no grouping)."""
    cdef Py_ssize_t n = own.shape[0]
    if k1.shape[0] != n or k2.shape[0] != n or codes < 0 or not well_formed(own, starts, refs, codes):
        raise ValueError("threading: the Message-ID codes or References runs are out of range")
    if n == 0:
        return array("i"), array("i")
    cdef Py_ssize_t total = codes + duplicates(own, codes) + 1  # a container per code, and per twin article
    cdef Forest f
    cdef int32_t made, kept = 0, i, box, at = 0
    cdef int32_t *mem = <int32_t *>malloc(total * 12 * sizeof(int32_t))
    if mem == NULL:
        raise MemoryError()
    f.art, f.par, f.first, f.last, f.nxt = mem, mem + total, mem + 2 * total, mem + 3 * total, mem + 4 * total
    cdef int32_t *order = mem + 5 * total
    cdef int32_t *stack = mem + 6 * total
    cdef int32_t *pending = mem + 7 * total
    cdef int32_t *boxes = mem + 8 * total
    cdef int32_t *keys = mem + 9 * total
    cdef int32_t *tmp_boxes = mem + 10 * total
    cdef int32_t *tmp_keys = mem + 11 * total
    f.k1 = &k1[0] if n else NULL
    f.k2 = &k2[0] if n else NULL
    items = array("i", [0]) * (total - 1)  # not from a bytes object of the same size: no second copy at the peak
    counts = array("i", [0]) * (total - 1)
    cdef int32_t[:] out_items = items
    cdef int32_t[:] out_counts = counts
    try:
        with nogil:
            for i in range(total):
                f.art[i] = UNSEEN
                f.par[i] = -1
                f.first[i] = -1
                f.last[i] = -1
                f.nxt[i] = -1
            made = link_all(&f, own, starts, refs, codes, order)
            for i in range(made):  # the roots, pruned: order[] now holds them
                box = order[i]
                if f.par[box] >= 0:
                    continue
                splice_below(&f, box, stack, pending)
                if f.art[box] < 0 and f.first[box] < 0:
                    continue
                if f.art[box] < 0 and f.first[box] == f.last[box]:
                    box = f.first[box]
                order[kept] = box
                kept += 1
            for i in range(kept):
                sort_below(&f, order[i], stack, boxes, keys, tmp_boxes, tmp_keys)
                pending[i] = first_article(&f, order[i])
            merge_sort(&f, order, pending, kept, tmp_boxes, tmp_keys)
            for i in range(kept):
                at = emit(&f, order[i], stack, &out_items[0], &out_counts[0], at, boxes)
    finally:
        free(mem)
    del out_items, out_counts
    del items[at:]
    del counts[at:]
    return items, counts


def build_nodes(object cls, object source, const int[:] items, const int[:] counts, object dummy,
                list records=None):
    """Nodes of ``cls`` from a layout, as nntp.threads._build makes them: columns mode (source, index), or with
    ``records`` record mode (the record, its Message-ID); ``dummy(code, children)`` makes a dummy. Bottom-up, a
    node's children taken off the end of a stack."""
    cdef Py_ssize_t j, k, top, m = items.shape[0]
    cdef int item, many
    cdef Py_ssize_t known = len(records) if records is not None else 0
    cdef list stack = []
    cdef tuple children
    cdef tuple empty = ()
    new = object.__new__
    for j in range(m - 1, -1, -1):
        item = items[j]
        many = counts[j]
        if many:
            top = len(stack)
            if many > top:
                raise ValueError("threading: a layout names more children than it has made")
            children = PyTuple_New(many)
            for k in range(many):
                child = <object>PyList_GET_ITEM(stack, top - 1 - k)
                Py_INCREF(child)
                PyTuple_SET_ITEM(children, k, child)
            del stack[top - many:top]
        else:
            children = empty
        if item >= 0:
            node = new(cls)
            if records is None:
                node._held = source
                node._key = item
            else:
                if item >= known:
                    raise ValueError("threading: a layout names an article past the records")
                record = <object>PyList_GET_ITEM(records, item)
                node._held = record
                node._key = record.message_id
            node.children = children
            node.parent = None
        else:
            node = dummy(~item, children)
        stack.append(node)
    stack.reverse()
    return stack


def forest_shape(const int[:] counts):
    """(parents, ends, depths, roots) of a preorder layout, as nntp.jwz_pure.forest_shape gives them: each slot's
    parent slot (-1 for a root), the slot just past its subtree, its depth, and the slots of the roots followed
    by the layout's length. One pass with a stack of open nodes and the children each still awaits."""
    cdef Py_ssize_t n = counts.shape[0], s, top = 0, rooted = 0
    parents, ends, depths = array("i", [-1]) * n, array("i", [0]) * n, array("i", [0]) * n
    roots = array("i", [0]) * (n + 1)
    cdef int[:] p = parents, e = ends, d = depths, r = roots
    cdef int32_t *open_slots = <int32_t *>malloc((n + 1) * sizeof(int32_t))
    cdef int32_t *awaited = <int32_t *>malloc((n + 1) * sizeof(int32_t))
    if open_slots == NULL or awaited == NULL:
        free(open_slots)
        free(awaited)
        raise MemoryError()
    try:
        with nogil:
            for s in range(n):
                while top and awaited[top - 1] == 0:
                    top -= 1
                    e[open_slots[top]] = <int>s
                if top:
                    awaited[top - 1] -= 1
                    p[s] = open_slots[top - 1]
                    d[s] = <int>top
                else:
                    r[rooted] = <int>s
                    rooted += 1
                if counts[s] < 0:
                    with gil:
                        raise ValueError("threading: a layout with a negative child count")
                open_slots[top] = <int32_t>s
                awaited[top] = counts[s]
                top += 1
            while top:
                top -= 1
                e[open_slots[top]] = <int>n
    finally:
        free(open_slots)
        free(awaited)
    r[rooted] = <int>n
    return parents, ends, depths, roots[:rooted + 1]


def slot_threads(const int[:] items, const int[:] starts, const int[:] id_codes, Py_ssize_t articles,
                 Py_ssize_t codes):
    """(thread by article index, thread by Message-ID code, the missing articles' codes and threads) of a
    forest's slots, as app/rootindex.py's loop gives them: -1 where none; each missing article's code and
    thread position follow one another in the last array."""
    thread_at, by_code = array("i", [-1]) * articles, array("i", [-1]) * codes
    missing = array("i")
    cdef int[:] at = thread_at, by = by_code
    cdef Py_ssize_t position, slot, threads = starts.shape[0] - 1
    cdef int item
    for position in range(threads):
        for slot in range(starts[position], starts[position + 1]):
            item = items[slot]
            if item >= 0:
                if item >= articles or id_codes[item] < 0 or id_codes[item] >= codes:
                    raise ValueError("threading: a slot names an article or code out of range")
                at[item] = <int>position
                by[id_codes[item]] = <int>position
            else:
                missing.append(~item)
                missing.append(<int>position)
    return thread_at, by_code, missing


def subset_layout(const int[:] items, const int[:] parents, const unsigned char[:] wanted):
    """(items, counts) of the layout keeping the slots of the articles ``wanted`` (by article index) and
    their ancestors, in the same order, as nntp/jwz_pure.py's ``subset_layout`` gives them."""
    cdef Py_ssize_t n = items.shape[0], s, kept = 0, articles = wanted.shape[0]
    cdef int item, parent
    cdef unsigned char *keep = <unsigned char *>malloc(n + 1)
    cdef int *renumbered = <int *>malloc((n + 1) * sizeof(int))
    if keep == NULL or renumbered == NULL:
        free(keep)
        free(renumbered)
        raise MemoryError()
    try:
        for s in range(n):
            item = items[s]
            if item >= articles or parents[s] >= s:
                raise ValueError("threading: a slot names an article or parent out of range")
            keep[s] = item >= 0 and wanted[item] != 0
        for s in range(n - 1, -1, -1):
            parent = parents[s]
            if keep[s] and parent >= 0:
                keep[parent] = 1
        for s in range(n):
            if keep[s]:
                renumbered[s] = <int>kept
                kept += 1
        out_items, out_counts = array("i", [0]) * kept, array("i", [0]) * kept
        fill_subset(items, parents, keep, renumbered, out_items, out_counts)
    finally:
        free(keep)
        free(renumbered)
    return out_items, out_counts


cdef void fill_subset(const int[:] items, const int[:] parents, unsigned char *keep, int *renumbered,
                      int[:] out_items, int[:] out_counts) noexcept:
    cdef Py_ssize_t s, n = items.shape[0]
    for s in range(n):
        if keep[s]:
            out_items[renumbered[s]] = items[s]
            if parents[s] >= 0:
                out_counts[renumbered[parents[s]]] += 1
