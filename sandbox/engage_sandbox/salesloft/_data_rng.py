"""A faster ``random.Random`` for bulk demo data.

The stdlib's ``randrange``/``choice`` go through ``getrandbits`` rejection
sampling, which dominated building 50,000 people. Scaling ``random()`` is
plenty for demo data and just as deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class Rng(random.Random):
    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        if stop is None:
            start, stop = 0, start
        return start + int(self.random() * (stop - start))

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def sample(self, population: Sequence[T], k: int, *, counts: object = None) -> list[T]:
        pool = list(population)
        out: list[T] = []
        for _ in range(k):
            out.append(pool.pop(int(self.random() * len(pool))))
        return out
