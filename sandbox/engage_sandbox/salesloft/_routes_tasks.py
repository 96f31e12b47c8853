"""/v2/tasks (manual tasks) and /v2/actions (open cadence steps)."""

from __future__ import annotations

from datetime import date, timedelta
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
from ._routes_params import parse_day, parse_moment
from ._routes_pipeline import Ctx, routes_for, single
from ._state import Emulator
from ._state_store import Record

TASK_STATES = ("scheduled", "completed")
TASK_TYPES = ("call", "email", "general")
INTERVALS = ("overdue", "today", "tomorrow", "this_week", "next_week")
TASK_FILTERS = (
    "ids", "user_id", "person_id", "account_id", "current_state", "task_type",
    "time_interval_filter", "idempotency_key", "locale",
)  # fmt: skip


def _interval(name: str, today: date) -> Filter:
    monday = today - timedelta(days=today.weekday())
    if name == "overdue":
        return lambda t: t["current_state"] == "scheduled" and t["due_date"] < today
    if name == "today":
        return lambda t: t["due_date"] == today
    if name == "tomorrow":
        return lambda t: t["due_date"] == today + timedelta(days=1)
    if name == "this_week":
        return lambda t: monday <= t["due_date"] < monday + timedelta(days=7)
    return lambda t: monday + timedelta(days=7) <= t["due_date"] < monday + timedelta(days=14)


def _in(values: list[str] | None, get: Any, allowed: tuple[str, ...], name: str) -> list[Filter]:
    if values is None:
        return []
    bad = [v for v in values if v not in allowed]
    if bad:
        raise invalid(name, f"must be among: {', '.join(allowed)}")
    return [lambda r: get(r) in values]


def list_tasks(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("due_date", "due_at"), "due_date", "ASC")
    fs: list[Filter] = []
    for name, field in (("ids", "id"), ("user_id", "user_id"), ("person_id", "person_id")):
        if (ids := p.get_int_list(name)) is not None:
            fs.append(field_in(field, ids))
    if (accounts := p.get_int_list("account_id")) is not None:
        wanted = set(accounts)
        fs.append(lambda t: state.people.get(t["person_id"], {}).get("account_id") in wanted)
    fs += _in(
        p.get_list("current_state"), lambda t: t["current_state"], TASK_STATES, "current_state"
    )
    fs += _in(p.get_list("task_type"), lambda t: t["task_type"], TASK_TYPES, "task_type")
    today = ctx.now.date()
    if (interval := p.get_str("time_interval_filter")) is not None:
        if interval not in INTERVALS:
            raise invalid("time_interval_filter", f"must be one of: {', '.join(INTERVALS)}")
        fs.append(_interval(interval, today))
    if (key := p.get_str("idempotency_key")) is not None:
        fs.append(lambda t: t["_idempotency_key"] == key)
    if (locales := p.get_list("locale")) is not None:
        fs.append(lambda t: state.people.get(t["person_id"], {}).get("locale") in locales)
    sort_field = paging.sort_by
    rows, total = select(
        state,
        ctx.emu.cache,
        "tasks",
        lambda: state.tasks.values(),
        fs,
        (freeze({k: v for k, v in p.data.items() if k in TASK_FILTERS}), today.isoformat()),
        paging,
        lambda t: t[sort_field],
    )
    return envelope(
        [ctx.render.task(t) for t in rows], total, paging, echo_filters(p, TASK_FILTERS)
    )


def _task(ctx: Ctx) -> Record:
    task = ctx.state.tasks.get(ctx.record_id())
    if task is None:
        raise not_found()
    return task


def get_task(ctx: Ctx) -> dict[str, Any]:
    return single(ctx.render.task(_task(ctx)))


def post_task(ctx: Ctx) -> dict[str, Any]:
    """Create a task; a repeated ``idempotency_key`` returns the first task unchanged."""
    p = ctx.params
    state = ctx.state
    key = p.get_str("idempotency_key")
    if key and key in state.task_by_idempotency_key:
        return single(ctx.render.task(state.tasks[state.task_by_idempotency_key[key]]))
    errors: dict[str, list[str]] = {}
    for name in ("subject", "person_id", "user_id", "task_type", "due_date", "current_state"):
        if not p.get_str(name):
            errors[name] = ["can't be blank"]
    if errors:
        raise invalid_many(errors)
    if p.get_str("current_state") != "scheduled":
        errors["current_state"] = ["must be one of: scheduled"]
    if p.get_str("task_type") not in TASK_TYPES:
        errors["task_type"] = [f"must be one of: {', '.join(TASK_TYPES)}"]
    person_id, user_id = p.get_int("person_id"), p.get_int("user_id")
    if person_id not in state.people:
        errors["person_id"] = ["is invalid"]
    user = state.users.get(user_id or 0)
    if user is None or not user["active"]:
        errors["user_id"] = ["is invalid"]
    if errors:
        raise invalid_many(errors)
    # A date only: nothing documented gives a manual task a time of day but
    # remind_at, so due_at (documented as "can be null") stays null.
    due_date = parse_day(p.get_str("due_date") or "", "due_date")
    remind = p.get_str("remind_at")
    remind_at = parse_moment(remind, "remind_at") if remind else None
    state.begin_write()
    now = ctx.now
    task: Record = {
        "id": state.new_id("task"),
        "created_at": now,
        "updated_at": now,
        "due_date": due_date,
        "due_at": None,
        "subject": p.get_str("subject"),
        "current_state": "scheduled",
        "task_type": p.get_str("task_type"),
        "remind_at": remind_at,
        "completed_at": None,
        "description": p.get_str("description"),
        "person_id": person_id,
        "user_id": user_id,
        "created_by_user_id": ctx.user["id"],
        "completed_by_id": None,
        "_idempotency_key": key or None,
    }
    state.tasks[task["id"]] = task
    if key:
        state.task_by_idempotency_key[key] = task["id"]
    return single(ctx.render.task(task))


def put_task(ctx: Ctx) -> dict[str, Any]:
    """Only the documented fields change; ``current_state`` may only become ``completed``."""
    p = ctx.params
    task = _task(ctx)
    changes: dict[str, Any] = {}
    state_value = p.get_str("current_state")
    if state_value is not None and state_value != "completed":
        raise invalid("current_state", "must be one of: completed")
    if p.has("subject"):
        if not p.get_str("subject"):
            raise invalid("subject", "can't be blank")
        changes["subject"] = p.get_str("subject")
    if p.has("description"):
        changes["description"] = p.get_str("description")
    if p.has("due_date"):
        # A due_at of the old date would contradict the new one.
        changes["due_date"] = parse_day(p.get_str("due_date") or "", "due_date")
        changes["due_at"] = None
    if p.has("remind_at"):
        remind = p.get_str("remind_at")
        changes["remind_at"] = parse_moment(remind, "remind_at") if remind else None
    p.get_bool("is_logged")  # validated; logging has no visible effect on the task record
    state = ctx.state
    state.begin_write()
    task.update(changes)
    task["updated_at"] = ctx.now
    if state_value == "completed" and task["current_state"] != "completed":
        task.update(current_state="completed", completed_at=ctx.now, completed_by_id=ctx.user["id"])
        state.add_history(
            history(
                state,
                "task",
                ctx.now,
                ctx.user["id"],
                ("person", task["person_id"]),
                {"task_id": task["id"]},
                {"subject": task["subject"], "task_type": task["task_type"]},
            )
        )
    return single(ctx.render.task(task))


ACTION_FILTERS = (
    "ids", "step_id", "type", "due_on", "user_guid", "person_id", "cadence_id",
    "multitouch_group_id", "updated_at",
)  # fmt: skip


def _action_owner_filter(ctx: Ctx) -> list[Filter]:
    """Non-admins only ever see their own actions and may not ask for anyone else's."""
    guids = ctx.params.get_list("user_guid")
    if guids is not None:
        if not ctx.admin and any(g != ctx.user["guid"] for g in guids):
            raise forbidden("Only team admins may filter actions by other users")
        users = {u["id"] for u in ctx.state.users.values() if u["guid"] in guids}
        return [lambda a: a["user_id"] in users]
    if not ctx.admin:
        me = ctx.user["id"]
        return [lambda a: a["user_id"] == me]
    return []


def list_actions(ctx: Ctx) -> dict[str, Any]:
    p = ctx.params
    state = ctx.state
    paging = read_paging(p, ("created_at", "updated_at"), "updated_at")
    fs: list[Filter] = [lambda a: a["status"] == "in_progress", *_action_owner_filter(ctx)]
    if (ids := p.get_int_list("ids")) is not None:
        fs.append(field_in("id", ids))
    if (step_id := p.get_int("step_id")) is not None:
        fs.append(lambda a: a["step_id"] == step_id)
    if (kind := p.get_str("type")) is not None:
        fs.append(lambda a: a["type"] == kind)
    sort_field = paging.sort_by
    keyset = "updated_at" if sort_field == "updated_at" else None
    for name in ("due_on", "updated_at"):
        if name == keyset:
            continue  # applied to the sorted list by select (sort_range)
        if (bounds := p.time_range(name)) is not None:
            fs.append(field_range(name, bounds))
    for name in ("person_id", "cadence_id", "multitouch_group_id"):
        if (values := p.get_int_list(name)) is not None:
            fs.append(field_in(name, values))
    filter_key = freeze({k: v for k, v in p.data.items() if k in ACTION_FILTERS and k != keyset})
    rows, total = select(
        state,
        ctx.emu.cache,
        "actions",
        lambda: state.actions.values(),
        fs,
        (filter_key, ctx.user["id"]),
        paging,
        lambda a: a[sort_field],
        sort_range=p.time_range(keyset) if keyset else None,
    )
    data = [ctx.render.action(a) for a in rows]
    return envelope(data, total, paging, echo_filters(p, ACTION_FILTERS))


def get_action(ctx: Ctx) -> dict[str, Any]:
    """Open actions only (in_progress or pending_activity); a completed one is a 404."""
    action = ctx.state.actions.get(ctx.record_id())
    if action is None or (not ctx.admin and action["user_id"] != ctx.user["id"]):
        raise not_found()
    return single(ctx.render.action(action))


def routes(emu: Emulator) -> list[Route]:
    return [
        *routes_for(emu, "/v2/tasks", {"GET": list_tasks, "POST": post_task}),
        *routes_for(emu, "/v2/tasks/{id}", {"GET": get_task, "PUT": put_task}, item=True),
        *routes_for(emu, "/v2/actions", {"GET": list_actions}),
        *routes_for(emu, "/v2/actions/{id}", {"GET": get_action}, item=True),
    ]
