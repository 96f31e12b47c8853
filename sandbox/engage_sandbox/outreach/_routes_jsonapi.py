"""JSON:API documents as Outreach renders them: resource objects, ``include`` and
sparse fieldsets (``sort`` and pages are in ``_routes_pages``)."""

from __future__ import annotations

from typing import Any

from ._errors import ApiError
from ._state_schema import RESOURCES, ResourceDef, plural_of
from ._state_store import Record, Ref, Store


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
