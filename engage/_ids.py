"""A vendor's id format, checked before a caller's id reaches a path, a query or a body."""

from __future__ import annotations

import re

from pydantic import BaseModel

from .errors import InputError

__all__ = ["IdFormat", "shown_value"]


def shown_value(value: object) -> str:
    """``value`` for an error message: a string's repr cut to 40 characters, else its type."""
    if isinstance(value, str):
        cut = repr(value[:40])
        return cut if len(value) <= 40 else f"{cut}... ({len(value)} characters)"
    return f"of type {type(value).__name__}"


class IdFormat:
    """What a vendor's ids look like, e.g. ``IdFormat(r"[1-9][0-9]{0,18}", "a Salesloft id
    (a positive whole number such as 1001)")``.

    Every caller id goes through :meth:`check` before it is used, so ``../people/1``
    or ``1?per_page=100`` can never address anything: the whole value must match.
    """

    def __init__(self, pattern: str, description: str) -> None:
        self._pattern = re.compile(pattern)
        self.description = description

    def matches(self, value: object) -> bool:
        return isinstance(value, str) and self._pattern.fullmatch(value) is not None

    def check(self, value: object, what: str) -> str:
        """``value`` if it is an id of this format, else :class:`InputError` naming ``what``."""
        if self.matches(value):
            assert isinstance(value, str)
            return value
        raise InputError(f"{what} {shown_value(value)} is not {self.description}")

    def check_fields(self, data: BaseModel) -> None:
        """Every id field of a neutral input or query: each ``*_id`` and each of ``ids``."""
        for name in type(data).model_fields:
            value = getattr(data, name)
            if name.endswith("_id") and value is not None:
                self.check(value, name)
            elif name == "ids":
                for item in value or ():
                    self.check(item, name)
