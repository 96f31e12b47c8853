"""Neutral input or query -> toy request: pure functions, no I/O.

What the vendor cannot store or filter by is refused with ``InputError``,
never silently dropped.
"""

from __future__ import annotations

from typing import Any

from engage import InputError, TargetInput, TargetQuery, TaskQuery
from engage.transport import IdFormat

PERSON_FIELDS = ("email", "first_name", "last_name")
DEFAULT_PAGE_SIZE = 10
# A toy id is a positive integer: ASCII digits, no sign, no leading zero, at most 19.
IDS = IdFormat(r"[1-9][0-9]{0,18}", "a toy id (a positive whole number)")


def vendor_id(value: object, what: str) -> str:
    """``value`` if it is a toy id, else ``InputError`` naming ``what`` (before any request:
    an id goes into a URL path, where ``../`` or ``?`` would address something else)."""
    return IDS.check(value, what)


def new_person(data: TargetInput) -> dict[str, Any]:
    unsupported = sorted(
        name
        for name, value in data.model_dump(exclude=set(PERSON_FIELDS)).items()
        if value not in (None, {})
    )
    if unsupported:
        raise InputError(f"the toy vendor cannot store {', '.join(unsupported)}")
    return data.model_dump(include=set(PERSON_FIELDS))


def people_params(query: TargetQuery) -> dict[str, Any]:
    refuse_filters(query)
    return {"limit": query.page_size or DEFAULT_PAGE_SIZE}


def email_params(email: str) -> dict[str, Any]:
    return {"email": email}


def refuse_filters(query: TargetQuery | TaskQuery) -> None:
    if filters := query.active_filters():
        raise InputError(f"the toy vendor cannot filter by {', '.join(sorted(filters))}")
