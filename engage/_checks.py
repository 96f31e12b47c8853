"""Checks of what a caller passes to the resource namespaces, run before any request.

Ids, lists of ids, texts, moments, limits and cursors: each bad value becomes an
:class:`InputError` that names the argument and never echoes more of the value
than :func:`_shown` allows.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from itertools import islice
from typing import Any, TypeVar

from pydantic_core import PydanticCustomError

from .errors import EngageError, InputError
from .models import (
    CallInput,
    EnrollmentInput,
    NoteInput,
    TargetInput,
    TaskInput,
    _check_id,
    _moment,
    _shown,
)
from .pagination import Page, Pager

T = TypeVar("T")
InputT = TypeVar("InputT", TargetInput, EnrollmentInput, TaskInput, CallInput, NoteInput)

MAX_BATCH = 10_000
"""At most this many items in one ``enroll_many`` / ``complete_many``."""
MAX_CURSOR_LENGTH = 65_535
# What an adapter trips over when handed the cursor of another list (a missing
# key, a value of the wrong type): reported as the caller's bad cursor.
_CURSOR_TROUBLE = (KeyError, IndexError, TypeError, ValueError, AttributeError)


def _id(value: object, what: str = "id") -> str:
    """A non-blank id string; an int is taken as its decimal digits (unambiguous)."""
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            value = str(value)
        except ValueError:  # more digits than Python will print
            raise InputError(f"{what} is an int far too large to be an id") from None
    if not isinstance(value, str):
        raise InputError(f"{what} must be a non-empty string, got {_shown(value)}")
    if value != value.strip():
        # Never silently trimmed: " 1" from a product's form is a bug worth seeing.
        raise InputError(f"{what} {_shown(value)} has leading or trailing whitespace")
    try:
        return _check_id(value)
    except ValueError as exc:
        raise InputError(f"{what} {_shown(value)}: {exc}") from None


def _sequence_of(value: object, what: str, kind: str, cap: int) -> list[Any]:
    """The items of a list argument: refuses None, one string, a mapping, a non-iterable."""
    if value is None:
        raise InputError(f"{what} must be a list of {kind}, not None")
    if isinstance(value, str | bytes):
        raise InputError(f"{what} must be a list of {kind}, not one string: {_shown(value)}")
    if isinstance(value, Mapping):
        raise InputError(f"{what} must be a list of {kind}, not a mapping")
    if not isinstance(value, Iterable):
        raise InputError(f"{what} must be a list of {kind}, got {_shown(value)}")
    items = list(islice(iter(value), cap + 1))
    if len(items) > cap:
        raise InputError(f"{what} has more than {cap} items")
    return items


def _ids(value: object, what: str, cap: int = MAX_BATCH) -> tuple[str, ...]:
    items = _sequence_of(value, what, "ids", cap)
    found: list[str] = []
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise InputError(f"{what}[{index}] must be a string id, got {_shown(item)}")
        found.append(_id(item, f"{what}[{index}]"))
    return tuple(found)


def _names(value: object, what: str) -> tuple[Any, ...]:
    """A list of enum names (checked by the query model), never one bare string."""
    return tuple(_sequence_of(value, what, "names", 100))


def _text(value: object, what: str, limit: int, *, blank: bool = True) -> str:
    if not isinstance(value, str):
        raise InputError(f"{what} must be a string, got {_shown(value)}")
    if len(value) > limit:
        raise InputError(f"{what} must have at most {limit} characters, got {len(value)}")
    if not blank and not value.strip():
        raise InputError(f"{what} must not be blank")
    return value


def _optional_text(value: object, what: str, limit: int) -> str | None:
    return None if value is None else _text(value, what, limit)


def _aware(value: object, what: str) -> datetime:
    try:
        return _moment(value)
    except PydanticCustomError as exc:
        raise InputError(f"{what} {exc.message()}") from None


def _count(limit: object) -> int | None:
    if limit is None:
        return None
    if not isinstance(limit, int) or isinstance(limit, bool):
        raise InputError(f"limit must be a whole number, got {_shown(limit)}")
    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    return limit


def _cursor(cursor: object) -> str | None:
    if cursor is None:
        return None
    if not isinstance(cursor, str):
        raise InputError(f"cursor must be a string (a pager's .cursor), got {_shown(cursor)}")
    if not cursor.strip():
        raise InputError("cursor must not be blank: pass None to start at the first page")
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise InputError(f"not a cursor engage issued: longer than {MAX_CURSOR_LENGTH} characters")
    _resumed(Pager(_never_fetched), cursor)  # the pager checks its cursor's format
    return cursor


def _never_fetched(cursor: str | None) -> Page[Any]:
    raise AssertionError("a pager built only to check a cursor was read")


def _bad_cursor(exc: BaseException) -> InputError:
    return InputError(
        f"not a cursor of this list: the list could not read it ({type(exc).__name__}); "
        "resume a list only with a cursor it gave"
    )


def _guarded(pager: Pager[T]) -> Pager[T]:
    """``pager`` whose fetch at a page cursor it did not hand out itself (the page of a
    caller's cursor) turns an adapter's ``KeyError``, ``TypeError``, ... into InputError.

    The pager checks its own cursors (format, checksum, which list gave them); this
    catches what is left: an adapter tripping over a page state it cannot use. Pages
    reached by following the list's own next cursors are not guarded, nor is the first
    page of a list read from the start: an adapter's bug there is not the caller's input.
    """
    handed_out: list[str | None] = [None]

    def fetch(at: str | None) -> Page[T]:
        if at is None or at == handed_out[0]:
            page = pager.fetch_page(at)
        else:
            try:
                page = pager.fetch_page(at)
            except EngageError:
                raise
            except _CURSOR_TROUBLE as exc:
                raise _bad_cursor(exc) from exc
        handed_out[0] = page.next_cursor
        return page

    return Pager(fetch)


def _resumed(pager: Pager[T], cursor: str) -> Pager[T]:
    try:
        return pager.resume(cursor)
    except EngageError:
        raise
    except _CURSOR_TROUBLE as exc:
        raise _bad_cursor(exc) from exc


def _input(model: type[InputT], data: object, fields: Mapping[str, object]) -> InputT:
    """The input from ``data`` (a model or a mapping) or else from keyword ``fields``."""
    if data is None:
        return model(**fields)
    if fields:
        raise InputError(f"pass either a {model.__name__} or keyword fields, not both")
    return _one(model, data, "data")


def _one(model: type[InputT], data: object, what: str) -> InputT:
    if isinstance(data, model):
        return model.coerce(data)
    if isinstance(data, Mapping):
        if not all(isinstance(key, str) for key in data):
            raise InputError(f"{what} must have string keys (field names)")
        return model.coerce(dict(data))
    article = "an" if model.__name__[0] in "AEIOU" else "a"
    raise InputError(f"{what} must be {article} {model.__name__} or a mapping, got {_shown(data)}")
