"""Run a parsed SOQL query over the store: resolve fields, filter, sort, project, page.

Filtering is one linear pass with predicates compiled once per query, so a
query over 50k records costs the same as reading them; a query that pins Id
reads only those rows, and one ordered by an indexed field reads its range
from the store's sorted keys (``_state_query_ordered``), a page at a time.
Fields resolve against the org's profile (``objects``); a WHERE on a field the
describe marks not filterable, or an ORDER BY on one not sortable, is refused
with INVALID_FIELD before any row is read, as Salesforce refuses it at parse time.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from . import _state_soql as soql
from ._state_ids import normalize
from ._state_query_ordered import ordered_rows
from ._state_schema import (
    ID_TYPES,
    NUMBER_TYPES,
    OBJECTS,
    TEXT_TYPES,
    FieldSpec,
    ObjectSpec,
    object_ci,
)
from ._state_soql_dates import as_datetime, date_range
from ._state_store import Record, Store

Getter = Callable[[Record], Any]
Predicate = Callable[[Record], bool]
MAX_OFFSET = 2000


def located(text: str, pos: int, code: str, detail: str) -> soql.SoqlError:
    err = soql.malformed(text, pos, detail)
    return soql.SoqlError(code, err.message)


def serialize(value: Any) -> Any:
    """Salesforce's JSON forms: ``2026-01-15T09:00:00.000+0000`` and ``2026-01-15``."""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}+0000"
    if isinstance(value, date):
        return value.isoformat()
    return value


@dataclass
class Resolved:
    getter: Getter
    spec: FieldSpec
    hops: tuple[tuple[str, str], ...]  # (relationship name, foreign key field)


@dataclass
class Result:
    sobject: str
    rows: Sequence[Record]
    tree: dict[str, Any]
    aggregate: dict[str, Any] | None
    count_only: bool


class Compiler:
    def __init__(
        self,
        store: Store,
        now: datetime,
        text: str,
        objects: Mapping[str, ObjectSpec] = OBJECTS,
    ) -> None:
        self.store = store
        self.now = now
        self.text = text
        self.objects = objects

    def resolve(self, sobject: str, ref: soql.FieldRef) -> Resolved:
        path = list(ref.path)
        if len(path) > 1 and path[0].lower() == sobject.lower():
            path = path[1:]
        obj = self.objects[sobject]
        hops: list[tuple[str, str]] = []
        for segment in path[:-1]:
            rel = obj.relationship_ci(segment)
            targets = rel.reference_to if rel else ()
            target = next((t for t in targets if t in self.objects), None)
            if rel is None or rel.relationship is None or target is None:
                raise located(
                    self.text,
                    ref.pos,
                    "INVALID_FIELD",
                    f"Didn't understand relationship '{segment}' in field path. If you are "
                    "attempting to use a custom relationship, be sure to append the '__r' after "
                    "the custom relationship name. Please reference your WSDL or the describe "
                    "call for the appropriate names.",
                )
            hops.append((rel.relationship, rel.name))
            obj = self.objects[target]
        spec = obj.field_ci(path[-1])
        if spec is None:
            raise located(
                self.text,
                ref.pos,
                "INVALID_FIELD",
                f"No such column '{path[-1]}' on entity '{obj.name}'. If you are attempting to "
                "use a custom field, be sure to append the '__c' after the custom field name. "
                "Please reference your WSDL or the describe call for the appropriate names.",
            )
        name = spec.name
        fks = tuple(fk for _, fk in hops)
        store = self.store

        def getter(record: Record) -> Any:
            current: Record | None = record
            for fk in fks:
                current = store.get(current[fk]) if current is not None else None
            return None if current is None else current.get(name)

        return Resolved(getter, spec, tuple(hops))

    def usable(self, sobject: str, ref: soql.FieldRef, verb: str) -> Resolved:
        """``ref`` resolved for a WHERE (``verb`` "filtered") or ORDER BY ("sorted")."""
        resolved = self.resolve(sobject, ref)
        allowed = resolved.spec.filterable if verb == "filtered" else resolved.spec.sortable
        if not allowed:
            raise located(
                self.text,
                ref.pos,
                "INVALID_FIELD",
                f"field '{resolved.spec.name}' can not be {verb} in a query call",
            )
        return resolved

    def value_of(self, spec: FieldSpec, lit: soql.Literal) -> Any:
        """Check a literal against the field's type and bring it to the stored form."""
        kind, value = lit.kind, lit.value
        ok = {
            "string": spec.type in TEXT_TYPES or spec.type in ID_TYPES,
            "number": spec.type in NUMBER_TYPES,
            "boolean": spec.type == "boolean",
            "datetime": spec.type == "datetime",
            "date": spec.type == "date",
            "dateconst": spec.type in {"date", "datetime"},
            "null": True,
        }[kind]
        if kind == "dateconst" and ok and date_range(value, self.now) is None:
            raise located(self.text, lit.pos, "MALFORMED_QUERY", f"unexpected token: '{lit.raw}'")
        if not ok:
            quoted = " and should not be enclosed in quotes" if kind == "string" else ""
            raise located(
                self.text,
                lit.pos,
                "INVALID_FIELD",
                f"value of filter criterion for field '{spec.name}' must be of type "
                f"{spec.type}{quoted}",
            )
        if kind == "string" and spec.type in ID_TYPES:
            return normalize(value) or value
        if kind == "string":
            return str(value).casefold()
        return value

    def predicate(self, sobject: str, cond: soql.Cond) -> Predicate:
        if isinstance(cond, soql.BoolOp):
            parts = [self.predicate(sobject, item) for item in cond.items]
            if cond.op == "AND":
                return lambda r: all(p(r) for p in parts)
            return lambda r: any(p(r) for p in parts)
        if isinstance(cond, soql.Not):
            inner = self.predicate(sobject, cond.item)
            return lambda r: not inner(r)
        field = self.usable(sobject, cond.field, "filtered")
        get = _normalized_getter(field)
        if isinstance(cond, soql.InList):
            wanted = {self.value_of(field.spec, lit) for lit in cond.values}
            if cond.negate:
                return lambda r: get(r) not in wanted
            return lambda r: get(r) in wanted
        if isinstance(cond, soql.SemiJoin):
            if field.spec.type not in ID_TYPES:
                raise located(self.text, cond.field.pos, "INVALID_FIELD", "Invalid semi join")
            ids = self.semi_join(cond.query)
            if cond.negate:
                return lambda r: get(r) not in ids
            return lambda r: get(r) in ids
        return self.comparison(field, get, cond)

    def semi_join(self, sub: soql.Query) -> set[Any]:
        if len(sub.fields) != 1 or isinstance(sub.fields[0], soql.Count):
            raise located(self.text, sub.sobject_pos, "MALFORMED_QUERY", "Invalid semi join")
        result = execute(self.store, sub, self.now, include_deleted=False, objects=self.objects)
        field = self.resolve(result.sobject, sub.fields[0])
        return {field.getter(row) for row in result.rows}

    def comparison(self, field: Resolved, get: Getter, cond: soql.Comparison) -> Predicate:
        op, lit = cond.op, cond.value
        value = self.value_of(field.spec, lit)
        if op == "LIKE":
            if field.spec.type not in TEXT_TYPES:
                raise located(self.text, lit.pos, "INVALID_FIELD", "invalid operator on id field")
            pattern = soql.like_pattern(lit.value)
            return lambda r: (v := get(r)) is not None and pattern.fullmatch(v) is not None
        if lit.kind == "null":
            if op == "=":
                return lambda r: get(r) is None
            if op == "!=":
                return lambda r: get(r) is not None
            return lambda r: False
        if lit.kind == "dateconst":
            return _date_predicate(
                field.spec, get, op, date_range(value, self.now) or (value, value)
            )
        return _compare(get, op, value)


def _normalized_getter(field: Resolved) -> Getter:
    get = field.getter
    if field.spec.type in TEXT_TYPES:
        return lambda r: None if (v := get(r)) is None else str(v).casefold()
    return get


def _compare(get: Getter, op: str, value: Any) -> Predicate:
    if op == "=":
        return lambda r: get(r) == value
    if op == "!=":
        return lambda r: get(r) != value
    ops: dict[str, Callable[[Any, Any], bool]] = {
        "<": lambda a, b: a < b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        ">=": lambda a, b: a >= b,
    }
    test = ops[op]
    return lambda r: (v := get(r)) is not None and test(v, value)


def _date_predicate(spec: FieldSpec, get: Getter, op: str, bounds: tuple[Any, Any]) -> Predicate:
    start, end = bounds
    if spec.type == "datetime":
        start, end = as_datetime(start), as_datetime(end)
    tests: dict[str, Callable[[Any], bool]] = {
        "=": lambda v: start <= v < end,
        "!=": lambda v: not start <= v < end,
        "<": lambda v: v < start,
        "<=": lambda v: v < end,
        ">": lambda v: v >= end,
        ">=": lambda v: v >= start,
    }
    test = tests[op]
    if op == "!=":
        return lambda r: (v := get(r)) is None or test(v)
    return lambda r: (v := get(r)) is not None and test(v)


def execute(
    store: Store,
    query: soql.Query,
    now: datetime,
    *,
    include_deleted: bool,
    objects: Mapping[str, ObjectSpec] = OBJECTS,
) -> Result:
    obj = object_ci(query.sobject, objects)
    if obj is None:
        raise located(
            query.text,
            query.sobject_pos,
            "INVALID_TYPE",
            f"sObject type '{query.sobject}' is not supported. If you are attempting to use a "
            "custom object, be sure to append the '__c' after the entity name. Please reference "
            "your WSDL or the describe call for the appropriate names.",
        )
    compiler = Compiler(store, now, query.text, objects)
    tree, counts = _select_tree(compiler, obj.name, query)
    predicate = compiler.predicate(obj.name, query.where) if query.where else None
    order = [(compiler.usable(obj.name, item.field, "sorted"), item) for item in query.order]
    if query.offset is not None and query.offset > MAX_OFFSET:
        raise soql.SoqlError("NUMBER_OUTSIDE_VALID_RANGE", "Maximum SOQL offset allowed is 2000")
    candidates = _id_candidates(store, obj.name, query.where)
    indexed = None
    if candidates is None and not include_deleted and not counts:
        indexed = ordered_rows(compiler, obj.name, query, order, predicate)
    if indexed is not None:
        rows: Sequence[Record] = indexed
    else:
        source = (
            candidates if candidates is not None else store.rows(obj.name, include_deleted=True)
        )
        scanned = [
            r
            for r in source
            if (include_deleted or not r["IsDeleted"]) and (predicate is None or predicate(r))
        ]
        for resolved, item in reversed(order):
            scanned = _sorted(
                scanned, _normalized_getter(resolved), item.descending, item.nulls_last
            )
        scanned = scanned[query.offset or 0 :]
        rows = scanned if query.limit is None else scanned[: query.limit]
    aggregate: dict[str, Any] | None = None
    if counts:
        aggregate = {"attributes": {"type": "AggregateResult"}}
        for i, (alias, get) in enumerate(counts):
            hits = len(rows) if get is None else sum(1 for r in rows if get(r) is not None)
            aggregate[alias or f"expr{i}"] = hits
    count_only = bool(counts) and all(get is None for _, get in counts) and len(counts) == 1
    return Result(obj.name, rows, tree, aggregate, count_only and not counts[0][0])


def _select_tree(
    compiler: Compiler, sobject: str, query: soql.Query
) -> tuple[dict[str, Any], list[tuple[str | None, Getter | None]]]:
    tree: dict[str, Any] = {}
    counts: list[tuple[str | None, Getter | None]] = []
    seen: set[str] = set()
    plain = [f for f in query.fields if isinstance(f, soql.FieldRef)]
    for item in query.fields:
        if isinstance(item, soql.Count):
            getter = compiler.resolve(sobject, item.field).getter if item.field else None
            counts.append((item.alias, getter))
            continue
        resolved = compiler.resolve(sobject, item)
        key = ".".join([h for h, _ in resolved.hops] + [resolved.spec.name]).lower()
        if key in seen:
            raise located(
                query.text, item.pos, "MALFORMED_QUERY", f"duplicate field selected: {key}"
            )
        seen.add(key)
        node = tree
        for rel, fk in resolved.hops:
            node = node.setdefault(rel, {"__fk__": fk})
        node[resolved.spec.name] = None
    if counts and plain:
        raise located(
            query.text,
            plain[0].pos,
            "MALFORMED_QUERY",
            f"Field must be grouped or aggregated: {plain[0].path[-1]}",
        )
    return tree, counts


def _id_candidates(store: Store, sobject: str, cond: soql.Cond | None) -> list[Record] | None:
    """Rows worth testing when the filter pins ``Id``; ``None`` means scan the table."""
    items = cond.items if isinstance(cond, soql.BoolOp) and cond.op == "AND" else (cond,)
    for item in items:
        if isinstance(item, soql.Comparison | soql.InList) and item.field.path[-1].lower() == "id":
            if len(item.field.path) != 1:
                continue
            if isinstance(item, soql.Comparison) and item.op == "=" and item.value.kind == "string":
                values = [item.value.value]
            elif isinstance(item, soql.InList) and not item.negate:
                values = [lit.value for lit in item.values if lit.kind == "string"]
            else:
                continue
            found = [store.get(normalize(v) or "") for v in values]
            unique = {
                r["Id"]: r for r in found if r is not None and store.type_of(r["Id"]) == sobject
            }
            return sorted(unique.values(), key=lambda r: r["Id"])
    return None


def _sorted(rows: list[Record], get: Getter, descending: bool, nulls_last: bool) -> list[Record]:
    nulls = [r for r in rows if get(r) is None]
    values = sorted((r for r in rows if get(r) is not None), key=get, reverse=descending)
    return values + nulls if nulls_last else nulls + values


def project(
    store: Store, record: Record, sobject: str, tree: dict[str, Any], version: str
) -> Record:
    out: Record = {
        "attributes": {
            "type": sobject,
            "url": f"/services/data/v{version}/sobjects/{sobject}/{record['Id']}",
        }
    }
    for key, node in tree.items():
        if key == "__fk__":
            continue
        if node is None:
            out[key] = serialize(record.get(key))
            continue
        related = store.get(record.get(node["__fk__"]))
        if related is None:
            out[key] = None
        else:
            out[key] = project(store, related, store.type_of(related["Id"]) or "", node, version)
    return out
