"""Salesforce record ids: 15-character keys with an 18-character checksum form.

Ids are minted from per-prefix counters, never from randomness, so a replayed
scenario gets the same ids. The key prefix (first three characters) names the
object type exactly as Salesforce's do (``00Q`` Lead, ``003`` Contact, ...).
"""

from __future__ import annotations

import re

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SUFFIX = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
# Characters 4-5 of a real id name the pod that minted it; the sandbox is "5e".
POD = "5e"
_ID_RE = re.compile(r"^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$")


def checksum(id15: str) -> str:
    """The three-character suffix that makes an id case-insensitively unique."""
    out = ""
    for chunk in range(3):
        bits = 0
        for pos, char in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= char <= "Z":
                bits |= 1 << pos
        out += _SUFFIX[bits]
    return out


def make_id(prefix: str, number: int) -> str:
    """The 18-character id of record ``number`` of the type with key ``prefix``."""
    digits = ""
    while number:
        number, rest = divmod(number, 62)
        digits = _BASE62[rest] + digits
    id15 = f"{prefix}{POD}0{digits.rjust(9, '0')}"
    return id15 + checksum(id15)


def normalize(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character id; ``None`` if malformed."""
    if not isinstance(value, str) or not _ID_RE.match(value):
        return None
    if len(value) == 15:
        return value + checksum(value)
    head = value[:15]
    # An 18-character id is case-insensitive: its suffix restores the case of the head.
    if checksum(head) == value[15:]:
        return value
    return None


class IdMinter:
    """Hands out ids per key prefix, in order."""

    def __init__(self) -> None:
        self._counters: dict[str, int] = {}

    def next(self, prefix: str) -> str:
        number = self._counters.get(prefix, 0) + 1
        self._counters[prefix] = number
        return make_id(prefix, number)
