"""``filter[...]`` as Outreach documents it, compiled to predicates over records.

Legacy syntax: ``filter[attr]=a,b`` (any of), ``x..y`` (inclusive range, ``inf`` and
``neginf`` open it), ``__null__`` / ``__notnull__``; relationships by
``filter[rel][attr]`` for the attributes each relationship allows; ``filter[q]`` a
prefix search on accounts and prospects. With ``newFilterSyntax=true`` values are
taken literally (``filter[attr][]=v``) and ranges use ``[gte]/[gt]/[lte]/[lt]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ._errors import ApiError
from ._state_schema import CASELESS_ATTRS, ResourceDef, attr_kind
from ._state_store import Record, Store, iso, parse_time

Predicate = Callable[[Record], bool]
ValueTest = Callable[[Any], bool]

_KEY = re.compile(r"^filter((?:\[[^\[\]]*\])+)$")
_OPS = {"gte", "gt", "lte", "lt"}


def _bad(detail: str) -> ApiError:
    return ApiError(400, detail, error_id="badFilter", title="Bad Filter")


def _convert(kind: str, raw: str, name: str) -> Any:
    try:
        if kind == "int":
            return int(raw)
        if kind == "number":
            return float(raw)
        if kind == "bool":
            if raw.lower() not in {"true", "false"}:
                raise ValueError(raw)
            return raw.lower() == "true"
        if kind == "datetime":
            return iso(parse_time(raw))
    except ValueError as exc:
        raise _bad(f"Invalid value '{raw}' for filter on '{name}'.") from exc
    return raw.lower() if name in CASELESS_ATTRS else raw


def _norm(value: Any, name: str) -> Any:
    if isinstance(value, str) and name in CASELESS_ATTRS:
        return value.lower()
    return value


def _scalar_test(name: str, raws: list[str], ops: dict[str, str], literal: bool) -> ValueTest:
    """A test for one attribute value (lists match when any element does)."""
    kind = attr_kind(name)
    exact: set[Any] = set()
    ranges: list[tuple[Any, Any]] = []
    want_null: bool | None = None
    for raw in raws:
        parts = [raw] if literal else raw.split(",")
        for part in parts:
            if not literal and part in {"__null__", "__notnull__"}:
                want_null = part == "__null__"
            elif not literal and ".." in part:
                low, high = part.split("..", 1)
                ranges.append(
                    (
                        None if low in {"", "neginf"} else _convert(kind, low, name),
                        None if high in {"", "inf"} else _convert(kind, high, name),
                    )
                )
            else:
                exact.add(_convert(kind, part, name))
    bounds = {op: _convert(kind, raw, name) for op, raw in ops.items()}

    def one(value: Any) -> bool:
        if value is None:
            return False
        value = _norm(value, name)
        if exact and value in exact:
            return True
        for low, high in ranges:
            if (low is None or value >= low) and (high is None or value <= high):
                return True
        if bounds:
            checks = {
                "gte": lambda b: value >= b,
                "gt": lambda b: value > b,
                "lte": lambda b: value <= b,
                "lt": lambda b: value < b,
            }
            return all(checks[op](b) for op, b in bounds.items())
        return False

    def test(value: Any) -> bool:
        empty = value is None or value == []
        if want_null is not None and empty == want_null:
            return True
        if isinstance(value, list):
            return any(one(v) for v in value)
        return one(value)

    return test


def _attr_value(record: Record, name: str) -> Any:
    return record.id if name == "id" else record.attributes.get(name)


def compile_filters(
    rdef: ResourceDef, params: list[tuple[str, str]], store: Store
) -> list[Predicate]:
    """Turn the request's ``filter[...]`` parameters into record predicates."""
    literal = any(k == "newFilterSyntax" and v.lower() == "true" for k, v in params)
    grouped: dict[tuple[str, ...], list[str]] = {}
    for key, value in params:
        if not key.startswith("filter"):
            continue
        match = _KEY.match(key)
        if not match:
            raise _bad(f"Malformed filter parameter '{key}'.")
        path = tuple(match.group(1)[1:-1].split("]["))
        grouped.setdefault(path, []).append(value)
    by_attr: dict[str, tuple[list[str], dict[str, str]]] = {}
    predicates: list[Predicate] = []
    for path, values in grouped.items():
        head = path[0]
        if len(path) == 1 and head == "q":
            predicates.append(_prefix(rdef, values[-1]))
        elif len(path) == 1 or (literal and len(path) == 2 and (path[1] in _OPS or not path[1])):
            if head != "id" and head not in rdef.filterable:
                raise _bad(f"Filtering '{rdef.plural}' by '{head}' is not allowed.")
            raws, ops = by_attr.setdefault(head, ([], {}))
            if len(path) == 2 and path[1]:
                ops[path[1]] = values[-1]
            else:
                raws.extend(values if literal else values[-1:])
        elif len(path) == 2:
            predicates.append(_relationship(rdef, head, path[1], values[-1], store, literal))
        else:
            raise _bad(f"Malformed filter parameter 'filter[{']['.join(path)}]'.")
    for name, (raws, ops) in by_attr.items():
        predicates.append(_attr_predicate(name, _scalar_test(name, raws, ops, literal)))
    return predicates


def _attr_predicate(name: str, test: ValueTest) -> Predicate:
    return lambda record: test(_attr_value(record, name))


def _prefix(rdef: ResourceDef, text: str) -> Predicate:
    if not rdef.prefix_search:
        raise _bad(f"Filtering '{rdef.plural}' by 'q' is not allowed.")
    needle = text.lower()
    fields = rdef.prefix_search

    def test(record: Record) -> bool:
        for name in fields:
            value = record.attributes.get(name)
            values = value if isinstance(value, list) else [value]
            if any(isinstance(v, str) and v.lower().startswith(needle) for v in values):
                return True
        return False

    return test


def _relationship(
    rdef: ResourceDef, rel: str, attr: str, raw: str, store: Store, literal: bool
) -> Predicate:
    if rel in rdef.to_one and attr in rdef.to_one[rel].filter_attrs:
        if attr == "id":
            ids_test = _scalar_test("id", [raw], {}, literal)
            return lambda r: ids_test(r.rel_id(rel))
        target_type = rdef.to_one[rel].targets[0]
        test = _scalar_test(attr, [raw], {}, literal)

        def related_matches(record: Record) -> bool:
            ref = record.rels.get(rel)
            other = store.get(target_type, ref[1]) if ref else None
            return other is not None and test(_attr_value(other, attr))

        return related_matches
    many = rdef.to_many.get(rel)
    if many is not None and many.filterable and attr == "id":
        wanted = _scalar_test("id", [raw], {}, literal)
        keys = {t.rel_id(many.inverse) for t in store.iter(many.target) if wanted(t.id)} - {None}
        own = many.own
        return lambda r: (r.id if own is None else r.rel_id(own)) in keys
    raise _bad(f"Filtering '{rdef.plural}' by '{rel}.{attr}' is not allowed.")
