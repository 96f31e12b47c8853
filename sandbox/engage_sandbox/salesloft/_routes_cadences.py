"""/v2/cadences, /v2/steps and /v2/cadence_memberships."""

from __future__ import annotations

import json
from typing import Any

from starlette.routing import Route

from ._errors import ApiError, invalid, not_found
from ._routes_listing import Filter, echo_filters, envelope, freeze, read_paging, select
from ._routes_params import Params, in_range
from ._routes_pipeline import Ctx, routes_for, single
from ._state import Emulator
from ._state_flow import add_to_cadence, remove_membership
from ._state_store import Record


def visible(ctx: Ctx, cadence: Record) -> bool:
    """Admins see every cadence; others see team, shared and their own cadences."""
    return (
        ctx.admin
        or cadence["team_cadence"]
        or cadence["shared"]
        or cadence["owner_id"] == ctx.user["id"]
    )


def _ids_filter(p: Params) -> list[Filter]:
    ids = p.get_int_list("ids")
    if ids is None:
        return []
    wanted = set(ids)
    return [lambda r: r["id"] in wanted]


def _updated(p: Params) -> list[Filter]:
    bounds = p.time_range("updated_at")
    return [] if bounds is None else [lambda r: in_range(r["updated_at"], bounds)]


def _bool(p: Params, name: str, get: Any) -> list[Filter]:
    flag = p.get_bool(name)
    return [] if flag is None else [lambda r: bool(get(r)) == flag]


def _group_ids(p: Params) -> set[int] | None:
    raw = p.raw("group_ids")
    if raw is None:
        return None
    if isinstance(raw, str) and raw.startswith("["):
        try:
            raw = json.loads(raw)
        except ValueError as exc:
            raise invalid("group_ids", "must be a list of group ids") from exc
    items = raw if isinstance(raw, list) else str(raw).split(",")
    try:
        return {int(str(i)) for i in items if str(i).strip()}
    except ValueError as exc:
        raise invalid("group_ids", "must be a list of group ids") from exc


CADENCE_FILTERS = (
    "ids", "updated_at", "team_cadence", "shared", "owned_by_guid", "people_addable", "name",
    "group_ids", "archived",
)  # fmt: skip


def list_cadences(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    paging = read_paging(p, ("created_at", "updated_at", "name"), "updated_at")
    # An updated_at range while sorting by it is applied by bisecting (select's sort_range).
    keyset = paging.sort_by == "updated_at"
    fs: list[Filter] = [lambda c: visible(ctx, c), *_ids_filter(p)]
    fs += [] if keyset else _updated(p)
    fs += _bool(p, "team_cadence", lambda c: c["team_cadence"])
    fs += _bool(p, "shared", lambda c: c["shared"])
    fs += _bool(p, "people_addable", lambda c: not c["archived_at"] and not c["draft"])
    fs += _bool(p, "archived", lambda c: c["archived_at"])
    if (guids := p.get_list("owned_by_guid")) is not None:
        owners = {u["id"] for u in ctx.state.users.values() if u["guid"] in guids}
        fs.append(lambda c: c["owner_id"] in owners)
    if (names := p.get_list("name")) is not None:
        fs.append(lambda c: c["name"] in names)
    if (groups := _group_ids(p)) is not None:
        fs.append(lambda c: bool(groups & set(c["_group_ids"])))
    sorts = {
        "created_at": lambda c: c["created_at"],
        "updated_at": lambda c: c["updated_at"],
        "name": lambda c: c["name"].lower(),
    }
    key = freeze(
        {
            k: v
            for k, v in p.data.items()
            if k in CADENCE_FILTERS and not (keyset and k == "updated_at")
        }
    )
    rows, total = select(
        ctx.state,
        ctx.emu.cache,
        "cadences",
        lambda: ctx.state.cadences.values(),
        fs,
        (key, ctx.user["id"]),
        paging,
        sorts[paging.sort_by],
        sort_range=p.time_range("updated_at") if keyset else None,
    )
    data = [ctx.render.cadence(c) for c in rows]
    return envelope(data, total, paging, echo_filters(p, CADENCE_FILTERS))


def _cadence(ctx: Ctx, cadence_id: int | None) -> Record:
    cadence = ctx.state.cadences.get(cadence_id) if cadence_id is not None else None
    if cadence is None or not visible(ctx, cadence):
        raise not_found()
    return cadence


def get_cadence(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.cadence(_cadence(ctx, ctx.record_id())))


STEP_FILTERS = ("ids", "cadence_id", "type", "has_due_actions")


def list_steps(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("created_at", "updated_at"), "updated_at")
    fs: list[Filter] = [lambda s: visible(ctx, state.cadences[s["cadence_id"]]), *_ids_filter(p)]
    if (cadence_id := p.get_int("cadence_id")) is not None:
        fs.append(lambda s: s["cadence_id"] == cadence_id)
    if (kind := p.get_str("type")) is not None:
        fs.append(lambda s: s["type"] == kind)
    due_day = ctx.now
    if (has_due := p.get_bool("has_due_actions")) is not None:
        due_steps = {
            a["step_id"]
            for a in state.actions.values()
            if a["status"] == "in_progress" and a["due_on"] <= due_day
        }
        fs.append(lambda s: (s["id"] in due_steps) == has_due)
    key = freeze({k: v for k, v in p.data.items() if k in STEP_FILTERS})
    rows, total = select(
        state,
        ctx.emu.cache,
        "steps",
        lambda: state.steps.values(),
        fs,
        (key, ctx.user["id"], due_day.date().isoformat() if has_due is not None else None),
        paging,
        (lambda s: s["created_at"])
        if paging.sort_by == "created_at"
        else (lambda s: s["updated_at"]),
    )
    return envelope(
        [ctx.render.step(s) for s in rows], total, paging, echo_filters(p, STEP_FILTERS)
    )


def get_step(ctx: Ctx) -> dict[str, Any]:
    step = ctx.state.steps.get(ctx.record_id())
    if step is None or not visible(ctx, ctx.state.cadences[step["cadence_id"]]):
        raise not_found()
    return single(ctx.render.step(step))


MEMBERSHIP_FILTERS = ("ids", "person_id", "cadence_id", "updated_at", "currently_on_cadence")


def list_memberships(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("added_at", "updated_at"), "updated_at")
    keyset = paging.sort_by == "updated_at"  # its range is select's sort_range
    fs: list[Filter] = [*_ids_filter(p), *([] if keyset else _updated(p))]
    source: Any = state.memberships.values()
    if (person_id := p.get_int("person_id")) is not None:
        ids = state.memberships_by_person.get(person_id, [])
        source = [state.memberships[i] for i in ids]
    if (cadence_id := p.get_int("cadence_id")) is not None:
        fs.append(lambda m: m["cadence_id"] == cadence_id)
    fs += _bool(p, "currently_on_cadence", lambda m: m["currently_on_cadence"])
    key = freeze(
        {
            k: v
            for k, v in p.data.items()
            if k in MEMBERSHIP_FILTERS and not (keyset and k == "updated_at")
        }
    )
    sort_field = paging.sort_by
    rows, total = select(
        state,
        ctx.emu.cache,
        "cadence_memberships",
        lambda: source,
        fs,
        key,
        paging,
        lambda m: m[sort_field],
        sort_range=p.time_range("updated_at") if keyset else None,
    )
    data = [ctx.render.membership(m) for m in rows]
    return envelope(data, total, paging, echo_filters(p, MEMBERSHIP_FILTERS))


def _membership(ctx: Ctx) -> Record:
    membership = ctx.state.memberships.get(ctx.record_id())
    if membership is None:
        raise not_found()
    return membership


def get_membership(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.membership(_membership(ctx)))


def post_membership(ctx: Ctx) -> dict[str, Any]:
    """Add a person to a cadence under the documented ownership rule.

    The membership's user defaults to the caller. The cadence must be a team
    cadence or be owned by that user; otherwise the request is refused with 403
    (acting for a teammate on a cadence they cannot run). The Personal Cadence
    Admin permission is not modelled.
    """
    p = ctx.params
    state = ctx.state
    errors: dict[str, list[str]] = {}
    person_id, cadence_id = p.get_int("person_id"), p.get_int("cadence_id")
    if person_id is None:
        errors["person_id"] = ["can't be blank"]
    if cadence_id is None:
        errors["cadence_id"] = ["can't be blank"]
    if errors:
        raise ApiError(422, {"errors": errors})
    person = state.people.get(person_id or 0)
    if person is None:
        raise not_found()
    cadence = _cadence(ctx, cadence_id)
    user_id = p.get_int("user_id")
    user = ctx.user if user_id is None else state.users.get(user_id)
    if user is None or not user["active"]:
        raise invalid("user_id", "is not a user on this team")
    if not cadence["team_cadence"] and cadence["owner_id"] != user["id"]:
        raise ApiError(
            403,
            {
                "error": "A person cannot be added to this cadence for that user: the cadence "
                "is neither a team cadence nor owned by the user"
            },
        )
    if cadence["archived_at"] or cadence["draft"]:
        raise invalid("cadence_id", "cannot have people added to it")
    if person["do_not_contact"]:
        raise invalid("person_id", "is marked do not contact")
    step = None
    if (step_id := p.get_int("step_id")) is not None:
        step = state.steps.get(step_id)
        if step is None or step["cadence_id"] != cadence["id"]:
            raise invalid("step_id", "is not a step of this cadence")
    task = None
    if (task_id := p.get_int("task_id")) is not None:
        task = state.tasks.get(task_id)
        if task is None:
            raise invalid("task_id", "is invalid")
    membership = add_to_cadence(ctx, person, cadence, user, step)
    if task is not None and task["current_state"] != "completed":
        task.update(
            current_state="completed",
            completed_at=ctx.now,
            completed_by_id=ctx.user["id"],
            updated_at=ctx.now,
        )
    return single(ctx.render.membership(membership))


def delete_membership(ctx: Ctx) -> None:
    remove_membership(ctx, _membership(ctx))


def routes(emu: Emulator) -> list[Route]:
    return [
        *routes_for(emu, "/v2/cadences", {"GET": list_cadences}),
        *routes_for(emu, "/v2/cadences/{id}", {"GET": get_cadence}, item=True),
        *routes_for(emu, "/v2/steps", {"GET": list_steps}),
        *routes_for(emu, "/v2/steps/{id}", {"GET": get_step}, item=True),
        *routes_for(
            emu, "/v2/cadence_memberships", {"GET": list_memberships, "POST": post_membership}
        ),
        *routes_for(
            emu,
            "/v2/cadence_memberships/{id}",
            {"GET": get_membership, "DELETE": delete_membership},
            item=True,
        ),
    ]
