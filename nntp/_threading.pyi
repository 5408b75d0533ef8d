# The compiled layout (nntp/_threading.pyx, built by setup.py) takes what nntp.jwz_pure's does, without the subject
# grouping, and gives the same arrays (tests/nntp/test_threads_columns.py compares the two).
from array import array
from collections.abc import Callable, Sequence
from typing import Any

def layout(own: Sequence[int], starts: Sequence[int], refs: Sequence[int], codes: int, dates: Sequence[int],
           numbers: Sequence[int]) -> tuple[array[int], array[int]]: ...

def build_nodes(cls: type[Any], source: Any, items: array[int], counts: array[int],
                dummy: Callable[[int, tuple[Any, ...]], Any], records: list[Any] | None = None) -> list[Any]: ...
def forest_shape(counts: array[int]) -> tuple[array[int], array[int], array[int], array[int]]: ...
def slot_threads(items: array[int], starts: array[int], id_codes: array[int], articles: int,
                 codes: int) -> tuple[array[int], array[int], array[int]]: ...
