"""/v2/notes, /v2/users and /v2/me."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ._data_activity import history
from ._errors import invalid, invalid_many, not_found
from ._routes_activity import acting_user
from ._routes_listing import (
    Filter,
    Paging,
    echo_filters,
    envelope,
    field_in,
    freeze,
    read_paging,
    select,
)
from ._routes_params import in_range
from ._routes_pipeline import Ctx, routes_for, single
from ._state import Emulator
from ._state_store import Record

NOTE_FILTERS = ("associated_with_type", "associated_with_id", "updated_at", "ids")
NOTE_TARGETS = ("person", "account")


def list_notes(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("created_at", "updated_at"), "updated_at")
    fs: list[Filter] = [lambda n: n["id"] not in state.deleted_notes]
    kind = p.get_str("associated_with_type")
    if kind is not None:
        kind = kind.lower()
        if kind not in NOTE_TARGETS:
            raise invalid("associated_with_type", "must be one of: person, account")
        fs.append(lambda n: n["associated_type"] == kind)
    if (target := p.get_int("associated_with_id")) is not None:
        if kind is None:
            raise invalid("associated_with_type", "must be present to filter by associated_with_id")
        fs.append(lambda n: n["associated_id"] == target)
    keyset = paging.sort_by == "updated_at"  # its range is select's sort_range
    if not keyset and (bounds := p.time_range("updated_at")) is not None:
        fs.append(lambda n: in_range(n["updated_at"], bounds))
    if (ids := p.get_int_list("ids")) is not None:
        fs.append(field_in("id", ids))
    sort_field = paging.sort_by
    rows, total = select(
        state,
        ctx.emu.cache,
        "notes",
        lambda: state.notes.values(),
        fs,
        freeze(
            {
                k: v
                for k, v in p.data.items()
                if k in NOTE_FILTERS and not (keyset and k == "updated_at")
            }
        ),
        paging,
        lambda n: n[sort_field],
        sort_range=p.time_range("updated_at") if keyset else None,
    )
    return envelope(
        [ctx.render.note(n) for n in rows], total, paging, echo_filters(p, NOTE_FILTERS)
    )


def _note(ctx: Ctx) -> Record:
    note = ctx.state.notes.get(ctx.record_id())
    if note is None:
        raise not_found()
    return note


def get_note(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.note(_note(ctx)))


def _call_for_note(ctx: Ctx, note_id: int | None) -> int | None:
    call_id = ctx.params.get_int("call_id")
    if call_id is None:
        return None
    call = ctx.state.calls.get(call_id)
    if call is None:
        raise invalid("call_id", "is invalid")
    if call["note_id"] is not None and call["note_id"] != note_id:
        raise invalid("call_id", "already has a note")
    return call_id


def post_note(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    errors = {
        name: ["can't be blank"]
        for name in ("content", "associated_with_type", "associated_with_id")
        if not p.get_str(name)
    }
    if errors:
        raise invalid_many(errors)
    kind = (p.get_str("associated_with_type") or "").lower()
    if kind not in NOTE_TARGETS:
        raise invalid("associated_with_type", "must be one of: person, account")
    target = p.get_int("associated_with_id")
    exists = target in state.people if kind == "person" else target in state.accounts
    if not exists:
        raise invalid("associated_with_id", "is invalid")
    user = acting_user(ctx, p.get_str("user_guid"))
    call_id = _call_for_note(ctx, None)
    p.get_bool("skip_crm_sync")
    state.begin_write()
    now = ctx.now
    note: Record = {
        "id": state.new_id("note"),
        "content": p.get_str("content"),
        "created_at": now,
        "updated_at": now,
        "associated_type": kind,
        "associated_id": target,
        "user_id": user["id"],
        "call_id": call_id,
    }
    state.notes[note["id"]] = note
    if call_id is not None:
        state.calls[call_id]["note_id"] = note["id"]
    state.add_history(
        history(
            state,
            "note",
            now,
            user["id"],
            (kind, target or 0),
            {"note_id": note["id"]},
            {"content": note["content"]},
        )
    )
    return single(ctx.render.note(note))


def put_note(ctx: Ctx) -> dict[str, Any]:
    """Content is required; a new call moves the note to that call."""
    note = _note(ctx)
    content = ctx.params.get_str("content")
    if not content:
        raise invalid("content", "can't be blank")
    call_id = _call_for_note(ctx, note["id"])
    state = ctx.state
    state.begin_write()
    if call_id is not None and call_id != note["call_id"]:
        if note["call_id"] is not None:
            state.calls[note["call_id"]]["note_id"] = None
        state.calls[call_id]["note_id"] = note["id"]
        note["call_id"] = call_id
    note["content"] = content
    note["updated_at"] = ctx.now
    return single(ctx.render.note(note))


def delete_note(ctx: Ctx) -> None:
    """Repeat deletes succeed, as documented."""
    note_id = ctx.record_id()
    state = ctx.state
    if note_id in state.deleted_notes:
        return
    note = _note(ctx)
    state.begin_write()
    if note["call_id"] is not None:
        state.calls[note["call_id"]]["note_id"] = None
    del state.notes[note_id]
    state.deleted_notes.add(note_id)


USER_FILTERS = (
    "ids", "guid", "group_id", "role_id", "search", "active", "visible_only", "has_crm_user",
    "work_country",
)  # fmt: skip
USER_SORTS = ("id", "email", "name", "group", "role")


def list_users(ctx: Ctx) -> dict[str, Any]:
    """Users are only paginated when ``page`` is given; otherwise every match is returned."""
    p = ctx.params
    state = ctx.state
    paged = p.has("page")
    paging = read_paging(p, USER_SORTS, "id")
    fs: list[Filter] = []
    if (ids := p.get_int_list("ids")) is not None:
        fs.append(field_in("id", ids))
    if (guids := p.get_list("guid")) is not None:
        fs.append(lambda u: u["guid"] in guids)
    if (groups := p.get_list("group_id")) is not None:
        fs.append(
            lambda u: (
                str(u["_group_id"]) in groups or (u["_group_id"] is None and "_is_null" in groups)
            )
        )
    if (roles := p.get_list("role_id")) is not None:
        fs.append(lambda u: u["_role"] in roles)
    if (search := p.get_str("search")) is not None:
        words = search.lower().split()
        fs.append(
            lambda u: all(
                any(w in (u[f] or "").lower() for f in ("first_name", "last_name", "email"))
                for w in words
            )
        )
    if (active := p.get_bool("active")) is not None:
        fs.append(lambda u: u["active"] == active)
    if p.get_bool("visible_only") is not False:
        fs.append(lambda u: u["active"])
    if (has_crm := p.get_bool("has_crm_user")) is not None:
        fs.append(lambda u: u["crm_connected"] == has_crm)
    if (countries := p.get_list("work_country")) is not None:
        fs.append(lambda u: u["work_country"] in countries)
    sorts = {
        "id": lambda u: u["id"],
        "email": lambda u: u["email"],
        "name": lambda u: u["name"].lower(),
        "group": lambda u: u["_group_id"],
        "role": lambda u: u["_role"],
    }
    if not paged:
        paging = Paging(1, max(1, len(state.users)), paging.sort_by, paging.direction,
                        paging.include_counts, paging.limit_counts)  # fmt: skip
    rows, total = select(
        state,
        ctx.emu.cache,
        "users",
        lambda: state.users.values(),
        fs,
        freeze({k: v for k, v in p.data.items() if k in USER_FILTERS}),
        paging,
        sorts[paging.sort_by],
    )
    return envelope(
        [ctx.render.user(u) for u in rows], total, paging, echo_filters(p, USER_FILTERS)
    )


def get_user(ctx: Ctx) -> dict[str, Any]:
    user = ctx.state.users.get(ctx.record_id())
    if user is None:
        raise not_found()
    return single(ctx.render.user(user))


def get_me(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.user(ctx.user))


def routes(emu: Emulator) -> list[Route]:
    return [
        *routes_for(emu, "/v2/notes", {"GET": list_notes, "POST": post_note}),
        *routes_for(
            emu,
            "/v2/notes/{id}",
            {"GET": get_note, "PUT": put_note, "DELETE": delete_note},
            item=True,
        ),
        *routes_for(emu, "/v2/users", {"GET": list_users}),
        *routes_for(emu, "/v2/users/{id}", {"GET": get_user}, item=True),
        *routes_for(emu, "/v2/me", {"GET": get_me}),
    ]
