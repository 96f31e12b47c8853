"""JSON:API documents as Outreach renders them: resource objects, ``include``,
sparse fieldsets, ``sort`` and cursor pages with ``links.first/prev/next``.

Cursors are opaque base64 of the last (or first) row's sort key, so a page is
found by binary search in the sorted rows instead of by counting from the start,
and rows inserted before the cursor do not shift later pages.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from ._errors import ApiError
from ._state_schema import RESOURCES, ResourceDef, plural_of
from ._state_store import Record, Ref, Store

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_OFFSET = 10000
COUNT_CAP = 2_000_000


def _bad(detail: str) -> ApiError:
    return ApiError(400, detail)


# ---------------------------------------------------------------- rendering


def parse_fields(params: list[tuple[str, str]]) -> dict[str, set[str]]:
    fields: dict[str, set[str]] = {}
    for key, value in params:
        if key.startswith("fields[") and key.endswith("]"):
            fields[key[7:-1]] = {v for v in value.split(",") if v}
    return fields


def render(record: Record, base: str, fields: dict[str, set[str]], store: Store) -> dict[str, Any]:
    """One resource object: type, id, attributes, relationships, links.self."""
    rdef = RESOURCES[record.type]
    wanted = fields.get(record.type)
    attributes = {k: v for k, v in record.attributes.items() if wanted is None or k in wanted}
    relationships: dict[str, Any] = {}
    for name in sorted({*rdef.to_one, *rdef.to_many}):
        if wanted is not None and name not in wanted:
            continue
        if name in rdef.to_one:
            ref = record.rels.get(name)
            relationships[name] = {"data": {"type": ref[0], "id": ref[1]} if ref else None}
            continue
        many = rdef.to_many[name]
        key = record.id if many.own is None else record.rel_id(many.own)
        if key is None:
            relationships[name] = {"data": []} if many.with_data else {"links": {}}
            continue
        link = f"{base}/api/v2/{plural_of(many.target)}?filter[{many.inverse}][id]={key}"
        if many.with_data:
            related = store.related(many.target, many.inverse, key)
            data = [{"type": many.target, "id": r.id} for r in related]
            relationships[name] = {"data": data, "links": {"related": link}}
        else:
            relationships[name] = {"links": {"related": link}}
    return {
        "type": record.type,
        "id": record.id,
        "attributes": attributes,
        "relationships": relationships,
        "links": {"self": f"{base}/api/v2/{rdef.plural}/{record.id}"},
    }


# ---------------------------------------------------------------- include


def parse_include(rdef: ResourceDef, raw: str | None) -> list[list[str]]:
    if not raw:
        return []
    paths = []
    for item in raw.split(","):
        path = [p for p in item.strip().split(".") if p]
        if not path:
            continue
        types = [rdef.type]
        for segment in path:
            next_types: list[str] = []
            for t in types:
                d = RESOURCES.get(t)
                if d is None:
                    continue
                if segment in d.to_one:
                    next_types.extend(d.to_one[segment].targets)
                elif segment in d.to_many and d.to_many[segment].with_data:
                    next_types.append(d.to_many[segment].target)
            if not next_types:
                raise _bad(f"Cannot include '{item}' on '{rdef.plural}'.")
            types = next_types
        paths.append(path)
    return paths


def _refs(record: Record, name: str, store: Store) -> list[Ref]:
    rdef = RESOURCES[record.type]
    if name in rdef.to_one:
        ref = record.rels.get(name)
        return [ref] if ref else []
    many = rdef.to_many.get(name)
    if many is None or not many.with_data:
        return []
    key = record.id if many.own is None else record.rel_id(many.own)
    if key is None:
        return []
    return [(many.target, r.id) for r in store.related(many.target, many.inverse, key)]


def collect_included(primary: list[Record], paths: list[list[str]], store: Store) -> list[Record]:
    """Related records for ``include``, each once (by type and id), primaries excluded."""
    seen = {(r.type, r.id) for r in primary}
    out: dict[Ref, Record] = {}
    for path in paths:
        level = primary
        for segment in path:
            following: list[Record] = []
            for record in level:
                for ref in _refs(record, segment, store):
                    target = store.deref(ref)
                    if target is None:
                        continue
                    following.append(target)
                    if ref not in seen and ref not in out:
                        out[ref] = target
            level = following
    return list(out.values())


# ---------------------------------------------------------------- sort and pages


def parse_sort(rdef: ResourceDef, raw: str | None) -> list[tuple[str, bool]]:
    if not raw:
        return []
    spec = []
    for item in raw.split(","):
        item = item.strip()
        desc = item.startswith("-")
        name = item[1:] if desc else item
        if name != "id" and name not in rdef.sortable:
            raise _bad(f"Sorting '{rdef.plural}' by '{name}' is not allowed.")
        spec.append((name, desc))
    return spec


def _key(record: Record, name: str) -> tuple[bool, Any]:
    value = record.id if name == "id" else record.attributes.get(name)
    return (True, 0) if value is None else (False, value)


def sort_records(records: list[Record], spec: list[tuple[str, bool]]) -> list[Record]:
    """Stable multi-pass sort; ties fall back to ascending id. Nulls sort last ascending."""
    ordered = sorted(records, key=lambda r: r.id)
    for name, desc in reversed(spec):
        ordered.sort(key=lambda r, n=name: _key(r, n), reverse=desc)  # type: ignore[misc]
    return ordered


def _cursor_key(record: Record, spec: list[tuple[str, bool]]) -> list[Any]:
    return [list(_key(record, name)) for name, _ in spec] + [record.id]


def _compare(record: Record, key: list[Any], spec: list[tuple[str, bool]]) -> int:
    for (name, desc), wanted in zip(spec, key, strict=False):
        mine = _key(record, name)
        theirs = (bool(wanted[0]), wanted[1])
        if mine != theirs:
            lower = mine < theirs
            return (1 if lower else -1) if desc else (-1 if lower else 1)
    last = int(key[-1])
    return (record.id > last) - (record.id < last)


def encode_cursor(record: Record, spec: list[tuple[str, bool]], sort_raw: str) -> str:
    payload = json.dumps({"s": sort_raw, "k": _cursor_key(record, spec)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def _decode_cursor(token: str, sort_raw: str) -> list[Any]:
    try:
        padded = token + "=" * (-len(token) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key = payload["k"]
        if payload["s"] != sort_raw or not isinstance(key, list):
            raise ValueError("cursor was made for another sort")
        return key
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise _bad(f"Invalid page cursor '{token}'.") from exc


def _first_after(rows: list[Record], key: list[Any], spec: list[tuple[str, bool]]) -> int:
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if _compare(rows[mid], key, spec) > 0:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _first_not_before(rows: list[Record], key: list[Any], spec: list[tuple[str, bool]]) -> int:
    lo, hi = 0, len(rows)
    while lo < hi:
        mid = (lo + hi) // 2
        if _compare(rows[mid], key, spec) >= 0:
            hi = mid
        else:
            lo = mid + 1
    return lo


def _int_param(params: dict[str, str], name: str, default: int, maximum: int, low: int) -> int:
    raw = params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise _bad(f"'{name}' must be an integer.") from exc
    if value < low or value > maximum:
        raise _bad(f"'{name}' must be between {low} and {maximum}.")
    return value


@dataclass
class Page:
    rows: list[Record]
    links: dict[str, str]


def paginate(
    rows: list[Record],
    spec: list[tuple[str, bool]],
    params: list[tuple[str, str]],
    url: str,
) -> Page:
    """Cut one page out of sorted ``rows`` and build its links."""
    single = dict(params)
    sort_raw = single.get("sort", "")
    kept = [(k, v) for k, v in params if k not in {"page[after]", "page[before]", "page[offset]"}]

    def link(extra: list[tuple[str, str]]) -> str:
        query = urlencode(kept + extra)
        return f"{url}?{query}" if query else url

    if "page[offset]" in single or "page[limit]" in single:
        limit = _int_param(single, "page[limit]", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, 1)
        offset = _int_param(single, "page[offset]", 0, MAX_OFFSET, 0)
        links = {"first": link([])}
        if offset > 0:
            links["prev"] = link([("page[offset]", str(max(0, offset - limit)))])
        if offset + limit < len(rows):
            links["next"] = link([("page[offset]", str(offset + limit))])
        last = max(0, (len(rows) - 1) // limit * limit)
        links["last"] = link([("page[offset]", str(last))])
        return Page(rows[offset : offset + limit], links)

    size = _int_param(single, "page[size]", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, 1)
    start = 0
    if "page[after]" in single:
        start = _first_after(rows, _decode_cursor(single["page[after]"], sort_raw), spec)
        end = min(len(rows), start + size)
    elif "page[before]" in single:
        end = _first_not_before(rows, _decode_cursor(single["page[before]"], sort_raw), spec)
        start = max(0, end - size)
    else:
        end = min(len(rows), size)
    page = rows[start:end]
    links = {"first": link([])}
    if start > 0 and page:
        links["prev"] = link([("page[before]", encode_cursor(page[0], spec, sort_raw))])
    if end < len(rows) and page:
        links["next"] = link([("page[after]", encode_cursor(page[-1], spec, sort_raw))])
    return Page(page, links)


def count_meta(total: int) -> dict[str, Any]:
    return {"count": min(total, COUNT_CAP), "count_truncated": total > COUNT_CAP}
