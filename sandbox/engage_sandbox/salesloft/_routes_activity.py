"""/v2/activity_histories, /v2/activities/calls and /v2/activities/emails."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ._data_activity import history
from ._errors import forbidden, invalid, invalid_many, not_found
from ._routes_listing import (
    Filter,
    echo_filters,
    envelope,
    field_in,
    field_range,
    freeze,
    read_paging,
    select,
)
from ._routes_params import Params
from ._routes_pipeline import Ctx, routes_for, single
from ._state import Emulator
from ._state_flow import complete_action
from ._state_store import (
    ACTIVITY_RESOURCE_TYPES,
    ACTIVITY_TYPES,
    CALL_DISPOSITIONS,
    CALL_SENTIMENTS,
    Record,
)

HISTORY_FILTERS = (
    "type", "occurred_at", "pinned", "resource_type", "resource_id", "id", "updated_at",
    "user_guid",
)  # fmt: skip


def _types(p: Params) -> list[Filter]:
    """``type[]=call`` or ``type[person][]=call`` (types scoped to a resource type)."""
    raw = p.raw("type")
    if raw is None:
        return []
    pairs: set[tuple[str | None, str]] = set()
    if isinstance(raw, dict):
        for resource, kinds in raw.items():
            if resource not in ACTIVITY_RESOURCE_TYPES:
                raise invalid(
                    "type", f"resource type must be one of: {', '.join(ACTIVITY_RESOURCE_TYPES)}"
                )
            for kind in kinds if isinstance(kinds, list) else [kinds]:
                pairs.add((str(resource), str(kind)))
    else:
        pairs = {(None, kind) for kind in p.get_list("type") or []}
    bad = sorted(kind for _, kind in pairs if kind not in ACTIVITY_TYPES)
    if bad:
        raise invalid("type", f"must be one of: {', '.join(ACTIVITY_TYPES)}")
    plain = {kind for resource, kind in pairs if resource is None}
    scoped = {(resource, kind) for resource, kind in pairs if resource is not None}
    return [lambda h: h["type"] in plain or (h["resource_type"], h["type"]) in scoped]


def list_histories(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("occurred_at", "updated_at"), "occurred_at")
    fs: list[Filter] = _types(p)
    for name in ("occurred_at", "updated_at"):
        if name == paging.sort_by:
            continue  # applied to the sorted list by select (sort_range)
        if (bounds := p.time_range(name)) is not None:
            fs.append(field_range(name, bounds))
    if p.has("pinned"):
        pinned = p.get_str("pinned")
        if pinned not in ("true", "false"):
            raise invalid("pinned", "must be 'true' or 'false'")
        fs.append(lambda h: (h["pinned_at"] is not None) == (pinned == "true"))
    resource_types = p.get_list("resource_type")
    if resource_types is not None:
        if any(r not in ACTIVITY_RESOURCE_TYPES for r in resource_types):
            raise invalid("resource_type", f"must be one of: {', '.join(ACTIVITY_RESOURCE_TYPES)}")
        fs.append(lambda h: h["resource_type"] in resource_types)
    if (resource_ids := p.get_list("resource_id")) is not None:
        if resource_types is None:
            raise invalid("resource_id", "requires the resource_type filter")
        fs.append(lambda h: str(h["resource_id"]) in resource_ids)
    if (ids := p.get_list("id")) is not None:
        fs.append(lambda h: h["id"] in ids)
    if (guid := p.get_str("user_guid")) is not None:
        fs.append(lambda h: h["user_guid"] == guid)
    histories = state.histories
    sort_field = paging.sort_by
    rows, total = select(
        state,
        ctx.emu.cache,
        "activity_histories",
        lambda: histories.values(),
        fs,
        freeze({k: v for k, v in p.data.items() if k in HISTORY_FILTERS and k != sort_field}),
        paging,
        lambda h: h[sort_field],
        sort_range=p.time_range(sort_field),
    )
    data = [ctx.render.history(h) for h in rows]
    return envelope(data, total, paging, echo_filters(p, HISTORY_FILTERS))


CALL_FILTERS = (
    "ids", "created_at", "updated_at", "user_guid", "person_id", "sentiment", "disposition",
)  # fmt: skip


def list_calls(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("created_at", "updated_at"), "updated_at")
    fs: list[Filter] = []
    for name, field in (("ids", "id"), ("person_id", "person_id")):
        if (ids := p.get_int_list(name)) is not None:
            fs.append(field_in(field, ids))
    for name in ("created_at", "updated_at"):
        if name == paging.sort_by:
            continue  # applied to the sorted list by select (sort_range)
        if (bounds := p.time_range(name)) is not None:
            fs.append(field_range(name, bounds))
    if (guids := p.get_list("user_guid")) is not None:
        users = {u["id"] for u in state.users.values() if u["guid"] in guids}
        fs.append(lambda c: c["user_id"] in users)
    for name in ("sentiment", "disposition"):
        if (values := p.get_list(name)) is not None:
            fs.append(field_in(name, values))
    sort_field = paging.sort_by
    rows, total = select(
        state,
        ctx.emu.cache,
        "calls",
        lambda: state.calls.values(),
        fs,
        freeze({k: v for k, v in p.data.items() if k in CALL_FILTERS and k != sort_field}),
        paging,
        lambda c: c[sort_field],
        sort_range=p.time_range(sort_field),
    )
    return envelope(
        [ctx.render.call(c) for c in rows], total, paging, echo_filters(p, CALL_FILTERS)
    )


def get_call(ctx: Ctx) -> dict[str, Any]:
    call = ctx.state.calls.get(ctx.record_id())
    if call is None:
        raise not_found()
    return single(ctx.render.call(call))


def acting_user(ctx: Ctx, guid: str | None) -> Record:
    """``user_guid`` defaults to the caller; only team admins may act for someone else."""
    if guid is None or guid == ctx.user["guid"]:
        return ctx.user
    if not ctx.admin:
        raise forbidden("Only team admins may act on behalf of another user")
    user = ctx.state.user_by_guid(guid)
    if user is None or not user["active"]:
        raise invalid("user_guid", "is not a user on this team")
    return user


def post_call(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    person_id = p.get_int("person_id")
    if person_id is None:
        raise invalid("person_id", "can't be blank")
    person = state.people.get(person_id)
    if person is None:
        raise invalid("person_id", "is invalid")
    user = acting_user(ctx, p.get_str("user_guid"))
    errors: dict[str, list[str]] = {}
    disposition, sentiment = p.get_str("disposition"), p.get_str("sentiment")
    if disposition is not None and disposition not in CALL_DISPOSITIONS:
        errors["disposition"] = ["is not in the team's disposition list"]
    if sentiment is not None and sentiment not in CALL_SENTIMENTS:
        errors["sentiment"] = ["is not in the team's sentiment list"]
    if p.get_list("linked_call_data_record_ids"):
        errors["linked_call_data_record_ids"] = ["must be unlinked call data records"]
    action = None
    if (action_id := p.get_int("action_id")) is not None:
        action = state.actions.get(action_id)
        if action_id in state.spent_actions:
            errors["action_id"] = ["has already been used"]
        elif action is None or action["person_id"] != person_id:
            errors["action_id"] = ["is invalid"]
        elif action["type"] != "phone":
            errors["action_id"] = ["must be a phone action"]
    if errors:
        raise invalid_many(errors)
    state.begin_write()
    now = ctx.now
    call: Record = {
        "id": state.new_id("call"),
        "to": p.get_str("to") or person["phone"] or person["mobile_phone"],
        "duration": p.get_int("duration"),
        "sentiment": sentiment,
        "disposition": disposition,
        "created_at": now,
        "updated_at": now,
        "recordings": [],
        "user_id": user["id"],
        "action_id": action["id"] if action else None,
        "person_id": person_id,
        "crm_activity_id": None,
        "note_id": None,
        "cadence_id": action["cadence_id"] if action else None,
        "step_id": action["step_id"] if action else None,
    }
    state.calls[call["id"]] = call
    if notes := p.get_str("notes"):
        note_id = state.new_id("note")
        state.notes[note_id] = {
            "id": note_id,
            "content": notes,
            "created_at": now,
            "updated_at": now,
            "associated_type": "person",
            "associated_id": person_id,
            "user_id": user["id"],
            "call_id": call["id"],
        }
        call["note_id"] = note_id
    person["counts"] = {**person["counts"], "calls": person["counts"].get("calls", 0) + 1}
    person.update(
        last_contacted_at=now,
        last_contacted_type="call",
        last_contacted_by_id=user["id"],
        updated_at=now,
    )
    state.add_history(
        history(
            state,
            "call",
            now,
            user["id"],
            ("person", person_id),
            {"call_id": call["id"]},
            {"disposition": disposition, "sentiment": sentiment},
        )
    )
    if action is not None:
        complete_action(ctx, action)
    return single(ctx.render.call(call))


EMAIL_FILTERS = (
    "ids", "updated_at", "bounced", "crm_activity_id", "action_id", "user_id", "status",
    "cadence_id", "step_id", "one_off", "person_id", "email_addresses", "personalization",
    "sent_at",
)  # fmt: skip
EMAIL_STATUSES = (
    "sent", "sent_from_gmail", "sent_from_external", "pending", "pending_reply_check",
    "scheduled", "sending", "delivering", "failed", "cancelled", "pending_through_gmail",
    "pending_through_external",
)  # fmt: skip


def list_emails(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("updated_at", "send_time"), "updated_at")
    fs: list[Filter] = []
    for name, field in (
        ("ids", "id"),
        ("crm_activity_id", "crm_activity_id"),
        ("action_id", "action_id"),
        ("user_id", "user_id"),
        ("cadence_id", "cadence_id"),
        ("step_id", "step_id"),
        ("person_id", "person_id"),
    ):
        if (ids := p.get_int_list(name)) is not None:
            fs.append(field_in(field, ids))
    keyset = "updated_at" if paging.sort_by == "updated_at" else None
    for name in ("updated_at", "sent_at"):
        if name == keyset:
            continue  # applied to the sorted list by select (sort_range)
        if (bounds := p.time_range(name)) is not None:
            fs.append(field_range(name, bounds))
    if (bounced := p.get_bool("bounced")) is not None:
        fs.append(lambda e: e["bounced"] == bounced)
    if (one_off := p.get_bool("one_off")) is not None:
        fs.append(lambda e: (e["cadence_id"] is None) == one_off)
    if (statuses := p.get_list("status")) is not None:
        if any(s not in EMAIL_STATUSES for s in statuses):
            raise invalid("status", f"must be among: {', '.join(EMAIL_STATUSES)}")
        fs.append(lambda e: e["status"] in statuses)
    if (addresses := p.get_list("email_addresses")) is not None:
        lowered = {a.lower() for a in addresses}
        fs.append(lambda e: e["recipient_email_address"].lower() in lowered)
    if (scores := p.get_list("personalization")) is not None:
        fs.append(lambda e: e["personalization"] in scores)
    sort_field = "send_after" if paging.sort_by == "send_time" else "updated_at"
    rows, total = select(
        state,
        ctx.emu.cache,
        "emails",
        lambda: state.emails.values(),
        fs,
        freeze({k: v for k, v in p.data.items() if k in EMAIL_FILTERS and k != keyset}),
        paging,
        lambda e: e[sort_field],
        sort_range=p.time_range(keyset) if keyset else None,
    )
    data = [ctx.render.email(e) for e in rows]
    return envelope(data, total, paging, echo_filters(p, EMAIL_FILTERS))


def get_email(ctx: Ctx) -> dict[str, Any]:
    email = ctx.state.emails.get(ctx.record_id())
    if email is None:
        raise not_found()
    return single(ctx.render.email(email))


def routes(emu: Emulator) -> list[Route]:
    return [
        *routes_for(emu, "/v2/activity_histories", {"GET": list_histories}),
        *routes_for(emu, "/v2/activities/calls", {"GET": list_calls, "POST": post_call}),
        *routes_for(emu, "/v2/activities/calls/{id}", {"GET": get_call}, item=True),
        *routes_for(emu, "/v2/activities/emails", {"GET": list_emails}),
        *routes_for(emu, "/v2/activities/emails/{id}", {"GET": get_email}, item=True),
    ]
