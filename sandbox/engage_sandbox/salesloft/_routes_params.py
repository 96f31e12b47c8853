"""Rails-style request parameters as Salesloft reads them.

Salesloft is a Rails API: ``ids[]=1&ids[]=2`` is an array, ``updated_at[gt]=...``
an object and ``type[person][]=call`` an object of arrays. Bodies may be JSON or
form-encoded with the same bracket syntax, and create endpoints also read the
query string (the spec puts cadence membership parameters there), so all three
sources are folded into one nested mapping before a handler looks at them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl

from ._errors import ApiError, invalid

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
RANGE_OPS = ("gt", "gte", "lt", "lte")


def _insert(target: dict[str, Any], key: str, value: str) -> None:
    match = _KEY.match(key)
    if match is None:
        target[key] = value
        return
    path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
    node: Any = target
    for i, part in enumerate(path):
        last = i == len(path) - 1
        nxt = None if last else path[i + 1]
        if part == "":
            # "name[]": append to the array held by the parent.
            if isinstance(node, list):
                node.append(value)
            return
        if not isinstance(node, dict):
            return
        if last:
            node[part] = value
        elif nxt == "":
            existing = node.get(part)
            if not isinstance(existing, list):
                existing = []
                node[part] = existing
            node = existing
        else:
            existing = node.get(part)
            if not isinstance(existing, dict):
                existing = {}
                node[part] = existing
            node = existing


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        _insert(out, key, value)
    return out


def parse_query(query: str) -> dict[str, Any]:
    return parse_pairs(parse_qsl(query, keep_blank_values=True))


def parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw.strip():
        return {}
    if "json" in content_type:
        try:
            payload = json.loads(raw)
        except ValueError as exc:
            raise ApiError(400, {"error": "Bad Request"}) from exc
        if not isinstance(payload, dict):
            raise ApiError(400, {"error": "Bad Request"})
        return payload
    return parse_query(raw.decode("utf-8", "replace"))


class Params:
    """Typed access to one request's merged parameters; bad values raise a 422."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def has(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def get_str(self, name: str) -> str | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, dict | list):
            raise invalid(name, "must be a single value")
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value)

    def get_int(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool | dict | list):
            raise invalid(name, "must be an integer")
        try:
            return int(str(value))
        except ValueError as exc:
            raise invalid(name, "must be an integer") from exc

    def get_bool(self, name: str) -> bool | None:
        value = self.data.get(name)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return value
        text = str(value).lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise invalid(name, "must be 'true' or 'false'")

    def get_list(self, name: str) -> list[str] | None:
        """An array filter: ``name[]=a&name[]=b``, a JSON list, or one plain value."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, dict):
            raise invalid(name, "must be an array")
        items = value if isinstance(value, list) else [value]
        return [str(v).lower() if isinstance(v, bool) else str(v) for v in items]

    def get_int_list(self, name: str) -> list[int] | None:
        values = self.get_list(name)
        if values is None:
            return None
        try:
            return [int(v) for v in values]
        except ValueError as exc:
            raise invalid(name, "must be an array of integers") from exc

    def time_range(self, name: str) -> dict[str, datetime] | None:
        """``name[gt|gte|lt|lte]=iso8601``; a bare ``name=iso8601`` is an equality filter."""
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            if isinstance(value, list):
                raise invalid(name, "must be an object with keys gt, gte, lt, lte")
            return {"eq": parse_time(str(value), name)}
        out: dict[str, datetime] = {}
        for op, raw in value.items():
            if op not in RANGE_OPS or isinstance(raw, dict | list):
                raise invalid(name, "must be an object with keys gt, gte, lt, lte")
            out[op] = parse_time(str(raw), name)
        return out


def parse_time(text: str, field: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text.strip().replace(" ", "+"))
    except ValueError as exc:
        raise invalid(field, "must be an iso8601 timestamp") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# "ISO-8601 date format required" (due_date) and "ISO-8601 datetime format required"
# (remind_at): the extended forms only, so a timestamp is never read as a date or
# a date as a timestamp.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def parse_day(text: str, field: str) -> date:
    """A date field: ``YYYY-MM-DD`` and nothing else (no time of day, no basic form)."""
    if _ISO_DATE.fullmatch(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise invalid(field, "must be an ISO-8601 date (YYYY-MM-DD)")


def parse_moment(text: str, field: str) -> datetime:
    """A datetime field: a date alone is refused rather than read as midnight."""
    if not _ISO_DATETIME.match(text.strip()):
        raise invalid(field, "must be an iso8601 timestamp")
    return parse_time(text, field)


def in_range(value: datetime | None, bounds: dict[str, datetime]) -> bool:
    if value is None:
        return False
    for op, limit in bounds.items():
        if (
            (op == "gt" and not value > limit)
            or (op == "gte" and not value >= limit)
            or (op == "lt" and not value < limit)
            or (op == "lte" and not value <= limit)
            or (op == "eq" and value != limit)
        ):
            return False
    return True


def fmt_time(value: datetime | None) -> str | None:
    """Salesloft's timestamp form: microseconds and an explicit offset."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def fmt_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()
