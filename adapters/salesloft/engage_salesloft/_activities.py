"""Activities: the activity feed (/v2/activity_histories) to read, calls and notes to log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC
from typing import Any

from engage import Activity, ActivityQuery, CallDirection, CallInput, InputError, NoteInput, Page

from . import _mapping as m
from ._api import Params, Row, SalesloftApi, per_page
from ._paging import keyset_fetch


class ActivityOperations:
    def __init__(self, api: SalesloftApi) -> None:
        self.api = api

    def fetch(self, query: ActivityQuery) -> Callable[[str | None], Page[Activity]]:
        """The feed in the order things happened, keyed on ``occurred_at`` (the neutral
        window is about when things happened, not when the feed entry last changed)."""
        params: Params = []
        if query.target_id:
            params += [("resource_type[]", "person"), ("resource_id[]", query.target_id)]
        if query.owner_id:
            params.append(("user_guid", self.api.require_guid(query.owner_id)))
        for kind in dict.fromkeys(query.kinds):
            params += [("type[]", name) for name in m.activity_types(kind)]
        if query.until:
            params.append(("occurred_at[lt]", query.until.astimezone(UTC).isoformat()))

        def transform(rows: list[Row]) -> list[Activity]:
            # The feed names users by guid; owner_id is a user id everywhere else.
            users = self.api.ids_by_guid(str(r.get("user_guid") or "") for r in rows)
            return [m.history_activity(row, users) for row in rows]

        return keyset_fetch(
            self.api,
            "/v2/activity_histories",
            params,
            field="occurred_at",
            size=per_page(query.page_size),
            start=query.since,
            transform=transform,
        )

    def log_call(self, data: CallInput) -> Activity:
        # Refused rather than dropped: Salesloft's call record has neither field.
        if data.direction is not CallDirection.OUTBOUND:
            raise InputError("Salesloft logs outbound calls only (direction)")
        if data.occurred_at is not None:
            raise InputError("Salesloft stamps a call with the time it is logged (occurred_at)")
        payload: dict[str, Any] = {"person_id": data.target_id}
        for key, value in (
            ("duration", data.duration_seconds),
            ("disposition", data.outcome),
            ("notes", data.notes),
        ):
            if value is not None:
                payload[key] = value
        if data.owner_id:
            payload["user_guid"] = self.api.require_guid(data.owner_id)
        payload.update(data.vendor_fields)
        return m.call_activity(self.api.write("POST", "/v2/activities/calls", payload))

    def log_note(self, data: NoteInput) -> Activity:
        payload: dict[str, Any] = {
            "content": data.body,
            "associated_with_type": "person",
            "associated_with_id": data.target_id,
        }
        if data.owner_id:
            payload["user_guid"] = self.api.require_guid(data.owner_id)
        payload.update(data.vendor_fields)
        return m.note_activity(self.api.write("POST", "/v2/notes", payload))
