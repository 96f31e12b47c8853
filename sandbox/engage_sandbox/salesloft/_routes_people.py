"""/v2/people and /v2/person_upserts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.routing import Route

from ._errors import invalid, not_found
from ._routes_listing import (
    Filter,
    echo_filters,
    envelope,
    field_is,
    field_range,
    freeze,
    read_paging,
    select,
)
from ._routes_params import Params, in_range
from ._routes_people_write import create_person, update_person, upsert_person
from ._routes_pipeline import Ctx, routes_for, single
from ._state import Emulator
from ._state_flow import remove_from_cadences
from ._state_store import Record, State

SORTS: dict[str, Callable[[Record], Any]] = {
    "created_at": lambda p: p["created_at"],
    "updated_at": lambda p: p["updated_at"],
    "last_contacted_at": lambda p: p["last_contacted_at"],
    "name": lambda p: f"{p['first_name'] or ''} {p['last_name'] or ''}".strip().lower() or None,
    "title": lambda p: p["title"],
    "job_seniority": lambda p: p["job_seniority"],
    "call_count": lambda p: p["counts"].get("calls", 0),
    "sent_emails": lambda p: p["counts"].get("emails_sent", 0),
    "clicked_emails": lambda p: p["counts"].get("emails_clicked", 0),
    "replied_emails": lambda p: p["counts"].get("emails_replied_to", 0),
    "viewed_emails": lambda p: p["counts"].get("emails_viewed", 0),
    "account": lambda p: p["account_id"],
    "cadence_stage_name": lambda p: p["person_stage_id"],
}

FILTERS = (
    "ids", "updated_at", "created_at", "email_addresses", "owned_by_guid", "person_stage_id",
    "crm_id", "owner_crm_id", "do_not_contact", "can_email", "can_call", "can_text",
    "account_id", "custom_fields", "import_id", "job_seniority", "owner_is_active",
    "cadence_id", "replied", "bounced", "success", "eu_resident", "title", "country", "state",
    "city", "last_contacted", "new", "phone_number", "locales", "owner_id",
)  # fmt: skip

NULL = "_is_null"


def _nullable_in(values: list[str], get: Callable[[Record], Any], cast: type = str) -> Filter:
    wanted = {cast(v) for v in values if v != NULL}
    nulls = NULL in values
    return lambda p: (get(p) is None and nulls) or (get(p) is not None and get(p) in wanted)


def _can(channel: str, want: bool) -> Filter:
    def check(p: Record) -> bool:
        able = not p["do_not_contact"] and channel not in p["contact_restrictions"]
        if channel == "email":
            able = able and bool(p["email_address"]) and not p["bouncing"]
        elif channel in ("call", "message"):
            able = able and bool(p["phone"] or p["mobile_phone"])
        return able == want

    return check


def _on_cadence(state: State, person_id: int) -> set[int]:
    out = set()
    for membership_id in state.memberships_by_person.get(person_id, ()):
        membership = state.memberships[membership_id]
        if membership["currently_on_cadence"]:
            out.add(membership["cadence_id"])
    return out


def _filters(p: Params, state: State, sort_by: str | None = None) -> list[Filter]:
    fs: list[Filter] = []
    if (ids := p.get_int_list("ids")) is not None:
        wanted = set(ids)
        fs.append(lambda r: r["id"] in wanted)
    for name in ("updated_at", "created_at"):
        if name == sort_by:
            continue  # applied to the sorted list by select (sort_range)
        if (bounds := p.time_range(name)) is not None:
            fs.append(field_range(name, bounds))
    if (emails := p.get_list("email_addresses")) is not None:
        fs.append(_nullable_in([e.lower() for e in emails], lambda r: _lower(r["email_address"])))
    if (guids := p.get_list("owned_by_guid")) is not None:
        owners = {u["id"] for u in state.users.values() if u["guid"] in guids}
        fs.append(lambda r: r["owner_id"] in owners)
    for name, field in (
        ("person_stage_id", "person_stage_id"),
        ("import_id", "import_id"),
        ("account_id", "account_id"),
        ("owner_id", "owner_id"),
    ):
        if (values := p.get_list(name)) is not None:
            _check_ints(name, values)
            fs.append(_nullable_in(values, _getter(field), int))
    if (crm_ids := p.get_list("crm_id")) is not None:
        fs.append(lambda r: r["crm_id"] in crm_ids)
    raw_owner_crm = p.raw("owner_crm_id")
    if isinstance(raw_owner_crm, dict):
        excluded = raw_owner_crm.get("_not_in") or []
        excluded = set(excluded if isinstance(excluded, list) else [excluded])
        fs.append(lambda r: r["owner_crm_id"] not in excluded)
    elif (owner_crm := p.get_list("owner_crm_id")) is not None:
        fs.append(_nullable_in(owner_crm, lambda r: r["owner_crm_id"]))
    for name, field in (
        ("do_not_contact", "do_not_contact"),
        ("eu_resident", "eu_resident"),
        ("bounced", "bouncing"),
    ):
        if (flag := p.get_bool(name)) is not None:
            fs.append(field_is(field, flag))
    for name, channel in (("can_email", "email"), ("can_call", "call"), ("can_text", "message")):
        if (flag := p.get_bool(name)) is not None:
            fs.append(_can(channel, flag))
    if (fields := p.raw("custom_fields")) is not None:
        if not isinstance(fields, dict):
            raise invalid("custom_fields", "must be an object")
        want = {str(k): str(v).lower() for k, v in fields.items()}
        fs.append(
            lambda r: all(str(r["custom_fields"].get(k, "")).lower() == v for k, v in want.items())
        )
    if (seniorities := p.get_list("job_seniority")) is not None:
        fs.append(_nullable_in(seniorities, lambda r: r["job_seniority"]))
    if (active := p.get_bool("owner_is_active")) is not None:
        fs.append(lambda r: bool(state.users.get(r["owner_id"], {}).get("active")) == active)
    if (cadences := p.get_list("cadence_id")) is not None:
        _check_ints("cadence_id", cadences)
        wanted_c = {int(c) for c in cadences if c != NULL}
        nulls = NULL in cadences
        fs.append(
            lambda r: (
                bool(_on_cadence(state, r["id"]) & wanted_c)
                or (nulls and not _on_cadence(state, r["id"]))
            )
        )
    if (replied := p.get_bool("replied")) is not None:
        fs.append(lambda r: (r["counts"].get("emails_replied_to", 0) > 0) == replied)
    if (success := p.get_bool("success")) is not None:
        fs.append(lambda r: (r["success_count"] > 0) == success)
    for name in ("title", "country", "state", "city"):
        if (values := p.get_list(name)) is not None:
            lowered = [v.lower() for v in values]
            fs.append(_contains(name, lowered))
    fs.extend(_last_contacted(p))
    if (new := p.get_bool("new")) is not None:
        fs.append(
            lambda r: (r["last_contacted_at"] is None and not _on_cadence(state, r["id"])) == new
        )
    if (phone := p.get_bool("phone_number")) is not None:
        fs.append(lambda r: bool(r["phone"] or r["mobile_phone"] or r["home_phone"]) == phone)
    if (locales := p.get_list("locales")) is not None:
        wanted_l = {v for v in locales if v != "Null"}
        fs.append(lambda r: r["locale"] in wanted_l or ("Null" in locales and r["locale"] is None))
    return fs


def _last_contacted(p: Params) -> list[Filter]:
    raw = p.raw("last_contacted")
    if raw is None:
        return []
    if raw == "_is_null" or (isinstance(raw, list) and "_is_null" in raw):
        return [lambda r: r["last_contacted_at"] is None]
    if raw == "_is_not_null" or (isinstance(raw, list) and "_is_not_null" in raw):
        return [lambda r: r["last_contacted_at"] is not None]
    bounds = p.time_range("last_contacted") or {}
    return [lambda r: in_range(r["last_contacted_at"], bounds)]


def _getter(field: str) -> Callable[[Record], Any]:
    return lambda r: r[field]


def _contains(field: str, needles: list[str]) -> Filter:
    """The docs say "exact match" and "supports partial matching": substring, any case."""
    return lambda r: r[field] is not None and any(v in r[field].lower() for v in needles)


def _lower(value: str | None) -> str | None:
    return value.lower() if value else None


def _check_ints(name: str, values: list[str]) -> None:
    if any(v != NULL and not v.lstrip("-").isdigit() for v in values):
        raise invalid(name, "must be an array of integers")


def list_people(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    paging = read_paging(p, tuple(SORTS), "updated_at")
    keyset = paging.sort_by if paging.sort_by in ("updated_at", "created_at") else None
    filters = _filters(p, ctx.state, keyset)
    rows, total = select(
        ctx.state,
        ctx.emu.cache,
        "people",
        lambda: ctx.state.people.values(),
        filters,
        freeze({k: v for k, v in p.data.items() if k in FILTERS and k != keyset}),
        paging,
        SORTS[paging.sort_by],
        sort_range=p.time_range(keyset) if keyset else None,
    )
    render = ctx.render
    return envelope([render.person(r) for r in rows], total, paging, echo_filters(p, FILTERS))


def _person(ctx: Ctx) -> Record:
    person = ctx.state.people.get(ctx.record_id())
    if person is None:
        raise not_found()
    return person


def get_person(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.person(_person(ctx)))


def post_person(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.person(create_person(ctx)))


def put_person(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.person(update_person(ctx, _person(ctx))))


def delete_person(ctx: Ctx) -> None:
    """Deleting twice succeeds, as documented; an id that never existed is a 404."""
    person_id = ctx.record_id()
    state = ctx.state
    if person_id in state.deleted_people:
        return
    person = _person(ctx)
    state.begin_write()
    remove_from_cadences(ctx, person_id, deleted=True)
    for action_id in [a["id"] for a in state.actions.values() if a["person_id"] == person_id]:
        state.drop_action(action_id)
    state.unindex_person(person)
    del state.people[person_id]
    state.deleted_people.add(person_id)


def post_upsert(ctx: Ctx) -> dict[str, Any]:
    kind, person = upsert_person(ctx)
    return single({"upsert_type": kind, "person": ctx.render.person(person)})


def routes(emu: Emulator) -> list[Route]:
    return [
        *routes_for(emu, "/v2/people", {"GET": list_people, "POST": post_person}),
        *routes_for(
            emu,
            "/v2/people/{id}",
            {"GET": get_person, "PUT": put_person, "DELETE": delete_person},
            item=True,
        ),
        *routes_for(emu, "/v2/person_upserts", {"POST": post_upsert}),
    ]
