"""Activities: the activity feed (/v2/activity_histories) to read, calls and notes to log."""

from __future__ import annotations

from datetime import timedelta

from engage import Activity, ActivityQuery, CallInput, NoteInput
from engage.transport import write_once

from . import _read as r
from . import _read_landed as landed
from . import _write as w
from ._api import Fetch, SalesloftApi, per_page
from ._wire import Row

# How far Salesloft's clock may be behind ours when a logged call or note is looked for.
CLOCK_SKEW = timedelta(minutes=5)


class ActivityOperations:
    def __init__(self, api: SalesloftApi) -> None:
        self.api = api

    def fetch(self, query: ActivityQuery) -> Fetch[Activity]:
        """The feed in the order things happened, keyed on ``occurred_at`` (the neutral
        window is about when things happened, not when the feed entry last changed)."""
        w.check_ids(query)  # before the owner's guid is looked up
        params = w.history_params(query, self.api.guid_or_none(query.owner_id))

        def transform(rows: list[Row]) -> list[Activity]:
            # The feed names users by guid; owner_id is a user id everywhere else.
            users = self.api.ids_by_guid(str(row.get("user_guid") or "") for row in rows)
            return [r.history_activity(row, users) for row in rows]

        return self.api.keyset(
            "/v2/activity_histories",
            params,
            field="occurred_at",
            size=per_page(query.page_size),
            start=query.since,
            transform=transform,
        )

    def log_call(self, data: CallInput) -> Activity:
        w.check_ids(data)  # refused before the owner's guid is looked up
        w.check_call(data)
        payload = w.call_payload(data, self.api.guid_or_none(data.owner_id))
        since = self.api.http.retry.now() - CLOCK_SKEW

        def lookup() -> Activity | None:
            rows, _ = self.api.page("/v2/activities/calls", w.recent_calls_params(data.target_id))
            found = [row for row in rows if landed.is_logged_call(row, data, since)]
            # Salesloft keeps a call's notes in a note of its own: the text tells our
            # call from another one with the same person, duration and disposition.
            note_ids = {str(row["id"]): landed.call_note_id(row) for row in found}
            notes = self.api.by_ids("/v2/notes", [n for n in note_ids.values() if n])
            found = [
                row
                for row in found
                if landed.note_text(notes.get(note_ids[str(row["id"])] or "")) == data.notes
            ]
            return r.call_activity(found[0]) if found else None

        return write_once(
            self.api.http,
            lambda: r.call_activity(self.api.write("POST", "/v2/activities/calls", payload)),
            lookup,
        )

    def log_note(self, data: NoteInput) -> Activity:
        w.check_ids(data)
        payload = w.note_payload(data, self.api.guid_or_none(data.owner_id))
        since = self.api.http.retry.now() - CLOCK_SKEW

        def lookup() -> Activity | None:
            rows, _ = self.api.page("/v2/notes", w.recent_notes_params(data.target_id))
            found = [row for row in rows if landed.is_logged_note(row, data, since)]
            return r.note_activity(found[0]) if found else None

        return write_once(
            self.api.http,
            lambda: r.note_activity(self.api.write("POST", "/v2/notes", payload)),
            lookup,
        )
