"""SOQL reads: one query per page, paged by ``nextRecordsUrl``, several objects in sequence.

A neutral list may span more than one Salesforce object (targets are Leads
then Contacts; tasks are Tasks then cadence step trackers). Each object is a
*phase*; the cursor holds the phase and Salesforce's ``nextRecordsUrl``, so a
pager resumes exactly where it stopped (within the 15 minutes a query locator
lives).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from engage import InputError, NotFoundError
from engage.pagination import Page, Pager, decode_cursor, encode_cursor, paging_loop_error
from engage.transport import build_error

from . import _wire as wire
from ._api import SalesforceSession
from ._protocol_soql import Select, datetime_literal, quote

T = TypeVar("T")


@dataclass(frozen=True)
class Phase(Generic[T]):
    soql: str
    parse: Callable[[dict[str, Any]], T]


class Reader:
    def __init__(self, session: SalesforceSession) -> None:
        self.session = session

    def query(self, soql: str | Select, *, page_size: int | None = None) -> wire.QueryResult:
        return self.session.query(str(soql), page_size=page_size)

    def more(self, next_url: str) -> wire.QueryResult:
        return self.session.more(next_url)

    def rows(self, soql: str | Select) -> list[dict[str, Any]]:
        """Every row of a small query (following its pages)."""
        result = self.query(soql)
        rows = list(result.records)
        followed: set[str] = set()
        while result.nextRecordsUrl:
            if result.nextRecordsUrl in followed:
                raise paging_loop_error("a query's nextRecordsUrl leads back to a page read")
            followed.add(result.nextRecordsUrl)
            result = self.more(result.nextRecordsUrl)
            rows.extend(result.records)
        return rows

    def created_since(
        self,
        sobject: str,
        equal: Mapping[str, str | int | None],
        since: datetime,
        text: tuple[str, str | None] | None = None,
    ) -> str | None:
        """The id of the newest ``sobject`` created since ``since`` whose filterable
        fields equal ``equal`` (and whose long ``text`` field, compared here, since
        Salesforce cannot filter on it, holds the given text): how a create that may
        have landed is recognised, Salesforce having no idempotency keys."""
        select = Select(sobject, ["Id", *([text[0]] if text else [])], order="CreatedDate DESC")
        for name, value in equal.items():
            if isinstance(value, str):
                select.and_where(f"{name} = {quote(value)}")
            elif isinstance(value, int):
                select.and_where(f"{name} = {value}")
        select.and_where(f"CreatedDate >= {datetime_literal(since)}")
        select.limit = 20
        for row in self.query(select).records:
            if text is None or (row.get(text[0]) or None) == (text[1] or None):
                return str(row["Id"])
        return None

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
