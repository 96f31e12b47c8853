"""The SOQL syntax tree the parser produces and the query runner walks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class SoqlError(Exception):
    """A query Salesforce would refuse; ``code`` is MALFORMED_QUERY, INVALID_FIELD, ..."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    pos: int

    def is_kw(self, *words: str) -> bool:
        return self.kind == "ident" and self.text.upper() in words


@dataclass(frozen=True)
class FieldRef:
    path: tuple[str, ...]
    pos: int


@dataclass(frozen=True)
class Literal:
    kind: str  # string, number, boolean, null, datetime, date, dateconst
    value: Any
    raw: str
    pos: int


@dataclass(frozen=True)
class Comparison:
    field: FieldRef
    op: str  # = != < <= > >= LIKE
    value: Literal


@dataclass(frozen=True)
class InList:
    field: FieldRef
    values: tuple[Literal, ...]
    negate: bool


@dataclass(frozen=True)
class SemiJoin:
    field: FieldRef
    query: Query
    negate: bool


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND / OR
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


Cond = Comparison | InList | SemiJoin | BoolOp | Not


@dataclass(frozen=True)
class Count:
    field: FieldRef | None
    alias: str | None


@dataclass(frozen=True)
class OrderItem:
    field: FieldRef
    descending: bool
    nulls_last: bool


@dataclass(frozen=True)
class Query:
    text: str
    fields: tuple[FieldRef | Count, ...]
    sobject: str
    sobject_pos: int
    where: Cond | None
    order: tuple[OrderItem, ...]
    limit: int | None
    offset: int | None
