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
from ._api import MAX_BATCH, MIN_BATCH, SalesforceSession
from ._protocol_soql import Select, datetime_literal, quote

T = TypeVar("T")


@dataclass(frozen=True)
class Phase(Generic[T]):
    soql: str
    parse: Callable[[dict[str, Any]], T]


class Reader:
    def __init__(self, session: SalesforceSession) -> None:
        self.session = session

    def query(self, soql: str | Select, *, batch_size: int | None = None) -> wire.QueryResult:
        return self.session.query(str(soql), batch_size=batch_size)

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
        """The phases' rows, ``page_size`` per page (the whole batch, 2000, by default).

        Salesforce answers batches of 200 to 2000 rows. A smaller ``page_size``
        is served from a batch of whole pages (:func:`batch_for`), a page at a
        time: the page cursor holds the batch (its ``nextRecordsUrl``, none for
        the query's first batch), how many of its rows came before, and the last
        one's id. The batch being served is kept in memory, so its pages cost
        no request; resuming elsewhere refetches it once and goes on after that
        id (or, if it is gone, after as many rows).
        """
        batch = batch_for(page_size)
        # The batch being served: ((phase, link), answer), replaced as one (threads).
        held: list[tuple[tuple[int, str | None], wire.QueryResult]] = []

        def fetch(cursor: str | None) -> Page[T]:
            state = decode_cursor(cursor) if cursor else {"phase": 0}
            index, link, skip, after = _position(state, len(phases))
            phase = phases[index]
            key = (index, link)
            kept = held[-1] if held else None
            if skip and kept is not None and kept[0] == key:
                result = kept[1]
            else:
                result = self.more(link) if link else self.query(phase.soql, batch_size=batch)
                held[:] = [(key, result)]
            rows = result.records
            start = _start(rows, skip, after)
            end = len(rows) if page_size is None else start + page_size
            items = [phase.parse(row) for row in rows[start:end]]
            following: dict[str, Any] | None = None
            if end < len(rows):
                following = {"phase": index, "skip": end, "after": str(rows[end - 1].get("Id"))}
                if link:
                    following["next"] = link
            elif result.nextRecordsUrl:
                following = {"phase": index, "next": result.nextRecordsUrl}
            elif index + 1 < len(phases):
                following = {"phase": index + 1}
            return Page(items, encode_cursor(following) if following else None)

        return Pager(fetch)


def batch_for(page_size: int | None) -> int | None:
    """The query batch for pages of ``page_size``: the smallest multiple of it that
    Salesforce accepts (at least 200), so every batch splits into whole pages; ``None``
    (Salesforce's default, its largest batch, 2000) when no page size is asked for."""
    if page_size is None:
        return None
    if not 1 <= page_size <= MAX_BATCH:
        raise InputError(f"page_size on Salesforce is 1 to {MAX_BATCH}")
    return page_size * -(-MIN_BATCH // page_size)


def _position(state: dict[str, Any], phases: int) -> tuple[int, str | None, int, str | None]:
    index, link = state.get("phase"), state.get("next")
    skip, after = state.get("skip", 0), state.get("after")
    if (
        not isinstance(index, int)
        or isinstance(index, bool)
        or not 0 <= index < phases
        or not (link is None or isinstance(link, str))
        or not isinstance(skip, int)
        or isinstance(skip, bool)
        or skip < 0
        or not (after is None or isinstance(after, str))
    ):
        raise InputError("not a cursor of this list")
    return index, link or None, skip, after


def _start(rows: list[dict[str, Any]], skip: int, after: str | None) -> int:
    """Where the page starts in a (re)fetched batch: after the row ``after`` names,
    wherever it now is, else after ``skip`` rows."""
    if not skip:
        return 0
    if after is not None:
        if 0 < skip <= len(rows) and rows[skip - 1].get("Id") == after:
            return skip
        for number, row in enumerate(rows, 1):
            if row.get("Id") == after:
                return number
    return min(skip, len(rows))
