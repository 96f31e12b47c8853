"""SOQL reads: one query per page, paged by ``nextRecordsUrl``, several objects in sequence.

A neutral list may span more than one Salesforce object (targets are Leads
then Contacts; tasks are Tasks then cadence step trackers). Each object is a
*phase*; the cursor holds the phase and Salesforce's ``nextRecordsUrl``, so a
pager resumes exactly where it stopped (within the 15 minutes a query locator
lives).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from engage import InputError, MappingError, NotFoundError
from engage._transport import build_error
from engage.pagination import Page, Pager, decode_cursor, encode_cursor

from . import _wire as wire
from ._session import VENDOR, SalesforceSession
from ._soql import Select

T = TypeVar("T")
MIN_BATCH, MAX_BATCH = 200, 2000  # what Sforce-Query-Options batchSize accepts


@dataclass(frozen=True)
class Phase(Generic[T]):
    soql: str
    parse: Callable[[dict[str, Any]], T]


class Reader:
    def __init__(self, session: SalesforceSession) -> None:
        self.session = session

    def query(self, soql: str | Select, *, page_size: int | None = None) -> wire.QueryResult:
        headers = None
        if page_size is not None:
            size = min(MAX_BATCH, max(MIN_BATCH, page_size))
            headers = {"Sforce-Query-Options": f"batchSize={size}"}
        response = self.session.send("GET", "query", params={"q": str(soql)}, headers=headers)
        return _result(response.json())

    def more(self, next_url: str) -> wire.QueryResult:
        if not next_url.startswith("/services/data/"):
            # Absolute or foreign links are refused by the session; this is a clearer error.
            raise InputError("the cursor does not hold a Salesforce query locator")
        return _result(self.session.send("GET", next_url).json())

    def rows(self, soql: str | Select) -> list[dict[str, Any]]:
        """Every row of a small query (following its pages)."""
        result = self.query(soql)
        rows = list(result.records)
        while result.nextRecordsUrl:
            result = self.more(result.nextRecordsUrl)
            rows.extend(result.records)
        return rows

    def one(self, soql: Select, parse: Callable[[dict[str, Any]], T], what: str) -> T:
        soql.limit = 1
        rows = self.query(soql).records
        if not rows:
            raise build_error(
                NotFoundError, f"no {what} with that id", **self.session.error_context()
            )
        return parse(rows[0])

    def pager(self, phases: Sequence[Phase[T]], page_size: int | None) -> Pager[T]:
        def fetch(cursor: str | None) -> Page[T]:
            state = decode_cursor(cursor) if cursor else {"phase": 0}
            index = state.get("phase")
            if not isinstance(index, int) or not 0 <= index < len(phases):
                raise InputError("not a cursor of this list")
            phase = phases[index]
            link = state.get("next")
            result = self.more(str(link)) if link else self.query(phase.soql, page_size=page_size)
            items = [phase.parse(row) for row in result.records]
            following: dict[str, Any] | None = None
            if result.nextRecordsUrl:
                following = {"phase": index, "next": result.nextRecordsUrl}
            elif index + 1 < len(phases):
                following = {"phase": index + 1}
            return Page(items, encode_cursor(following) if following else None)

        return Pager(fetch)


def _result(body: Any) -> wire.QueryResult:
    if not isinstance(body, dict):
        raise MappingError("expected a query result", vendor=VENDOR, object_type="query")
    return wire.QueryResult.model_validate(body)


def parser(
    model: type[Any], mapper: Callable[[Any, dict[str, Any]], T]
) -> Callable[[dict[str, Any]], T]:
    """Validate a row with a tolerant wire model, then map it (with the row itself as
    ``raw``); a misfit is a MappingError."""

    def parse(row: dict[str, Any]) -> T:
        try:
            return mapper(model.model_validate(row), row)
        except ValueError as exc:  # pydantic's ValidationError is a ValueError
            kind = row.get("attributes", {}).get("type", model.__name__)
            raise MappingError(
                f"record {row.get('Id')!s:.18} did not fit: {type(exc).__name__}",
                vendor=VENDOR,
                object_type=str(kind),
            ) from exc

    return parse
