"""``POST /api/v2/tasks/{id}/actions/{action}``: the Task member actions.

Parameters travel as ``actionParams[name]=value`` query parameters (the reference's
deepObject form). A missing required parameter or one the action does not take
answers 400; an action that cannot apply to the task in its current state answers
422 ``validationError``, as Outreach's action endpoints do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from starlette.routing import Route

from ._errors import ApiError
from ._routes_jsonapi import render
from ._routes_pipeline import Ctx, api
from ._routes_read import load
from ._state_flow import advance, complete_task, finish, set_state, touch
from ._state_store import Record, iso, parse_time
from ._state_templates import ADVANCEABLE_TASK_TYPES, OPPORTUNITY_ASSOCIATIONS

ActionFn = Callable[[Ctx, Record, dict[str, str]], None]

# action name -> (required params, optional params)
PARAMS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "advance": (frozenset(), frozenset()),
    "deliver": (frozenset(), frozenset()),
    "markComplete": (frozenset(), frozenset({"completionAction", "completionNote"})),
    "reassignOwner": (frozenset({"ownerId"}), frozenset()),
    "reschedule": (frozenset({"dueAt"}), frozenset()),
    "snooze": (frozenset(), frozenset({"dueAt", "markAsUrgent"})),
    "updateNote": (frozenset({"note"}), frozenset()),
    "updateOpportunityAssociation": (frozenset({"opportunityAssociation"}), frozenset()),
}


def action_params(ctx: Ctx, required: frozenset[str], optional: frozenset[str]) -> dict[str, str]:
    """The ``actionParams[...]`` given, checked against what the action accepts."""
    given: dict[str, str] = {}
    for key, value in ctx.params:
        if not (key.startswith("actionParams[") and key.endswith("]")):
            raise ApiError(400, f"Unexpected query parameter '{key}'.")
        given[key[len("actionParams[") : -1]] = value
    for name in given:
        if name not in required | optional:
            raise ApiError(400, f"Unexpected action parameter '{name}'.")
    for name in sorted(required):
        if not given.get(name):
            raise ApiError(400, f"Missing required action parameter '{name}'.")
    return given


def _unprocessable(detail: str) -> ApiError:
    return ApiError(422, detail)


def _when(raw: str, name: str) -> datetime:
    try:
        return parse_time(raw)
    except ValueError as exc:
        raise _unprocessable(f"'{name}' is not a valid date-time: '{raw}'.") from exc


def _must_be_open(task: Record, verb: str) -> None:
    if task.attributes["state"] == "complete":
        raise _unprocessable(f"Task {task.id} is already complete and cannot be {verb}.")


def _active_state(ctx: Ctx, task: Record) -> Record:
    state = ctx.store.deref(task.rels.get("sequenceState"))
    if state is None:
        raise _unprocessable(f"Task {task.id} has no sequence state.")
    if state.attributes["state"] != "active":
        raise _unprocessable(
            f"The sequence state of task {task.id} is {state.attributes['state']}, not active."
        )
    return state


def do_advance(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    if task.attributes["taskType"] not in ADVANCEABLE_TASK_TYPES:
        raise _unprocessable(
            f"Only sequence step tasks can be advanced; task {task.id} is "
            f"a '{task.attributes['taskType']}' task."
        )
    _must_be_open(task, "advanced")
    advance(ctx.store, _active_state(ctx, task), ctx.now(), ctx.user_id)


def do_deliver(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    mailing = ctx.store.deref(task.rels.get("mailing"))
    if mailing is None:
        raise _unprocessable(f"Task {task.id} has no mailing to deliver.")
    if mailing.attributes["state"] != "drafted":
        raise _unprocessable(
            f"Mailing {mailing.id} is {mailing.attributes['state']} and cannot be delivered."
        )
    _must_be_open(task, "delivered")
    now = iso(ctx.now())
    set_state(mailing, "scheduled", now)
    mailing.attributes["scheduledAt"] = now
    complete_task(task, now, ctx.user_id)


def do_mark_complete(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    if task.attributes["state"] != "incomplete":
        raise _unprocessable(
            f"Task {task.id} is {task.attributes['state']}; only incomplete tasks can be completed."
        )
    state = ctx.store.deref(task.rels.get("sequenceState"))
    sequence_task = task.attributes["taskType"] in ADVANCEABLE_TASK_TYPES
    if sequence_task and state is not None and state.attributes["state"] == "active":
        outcome = params.get("completionAction", "")
        if outcome in {"finish_no_reply", "finish_replied"}:
            complete_task(task, iso(ctx.now()), ctx.user_id)
            reason = "replied" if outcome == "finish_replied" else None
            finish(ctx.store, state, ctx.now(), reason=reason)
        else:
            advance(ctx.store, state, ctx.now(), ctx.user_id)
        return
    complete_task(task, iso(ctx.now()), ctx.user_id)


def do_reassign(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    raw = params["ownerId"]
    owner = ctx.store.get("user", int(raw)) if raw.isdigit() else None
    if owner is None:
        raise _unprocessable(f"Could not find 'user' with ID '{raw}'.")
    task.rels["owner"] = ("user", owner.id)
    touch(task, iso(ctx.now()))


def do_reschedule(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    _must_be_open(task, "rescheduled")
    task.attributes["dueAt"] = iso(_when(params["dueAt"], "dueAt"))
    touch(task, iso(ctx.now()))


def do_snooze(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    _must_be_open(task, "snoozed")
    if "dueAt" in params:
        due = _when(params["dueAt"], "dueAt")
    else:
        now = ctx.now()
        current = parse_time(task.attributes["dueAt"]) if task.attributes["dueAt"] else now
        due = max(now, current) + timedelta(days=1)
    urgent = params.get("markAsUrgent", "false").lower()
    if urgent not in {"true", "false"}:
        raise _unprocessable("'markAsUrgent' must be true or false.")
    if urgent == "true":
        task.rels["taskPriority"] = ("taskPriority", 1)
    task.attributes["dueAt"] = iso(due)
    touch(task, iso(ctx.now()))


def do_update_note(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    if len(params["note"]) > 65535:
        raise _unprocessable("Note is too long (maximum is 65535 characters).")
    task.attributes["note"] = params["note"]
    touch(task, iso(ctx.now()))


def do_update_association(ctx: Ctx, task: Record, params: dict[str, str]) -> None:
    value = params["opportunityAssociation"]
    if value not in OPPORTUNITY_ASSOCIATIONS:
        raise _unprocessable(
            f"Opportunity association must be one of {', '.join(OPPORTUNITY_ASSOCIATIONS)}."
        )
    task.attributes["opportunityAssociation"] = value
    touch(task, iso(ctx.now()))


ACTIONS: dict[str, ActionFn] = {
    "advance": do_advance,
    "deliver": do_deliver,
    "markComplete": do_mark_complete,
    "reassignOwner": do_reassign,
    "reschedule": do_reschedule,
    "snooze": do_snooze,
    "updateNote": do_update_note,
    "updateOpportunityAssociation": do_update_association,
}


async def task_action(ctx: Ctx) -> tuple[int, Any]:
    name = ctx.request.path_params["action"]
    if name not in ACTIONS:
        raise ApiError(404, f"Could not find action '{name}' for 'task'.")
    task = load(ctx, "task", ctx.request.path_params["id"])
    params = action_params(ctx, *PARAMS[name])
    ACTIONS[name](ctx, task, params)
    return 200, {"data": render(task, ctx.base, {}, ctx.store)}


def routes() -> list[Route]:
    return [
        Route(
            "/api/v2/tasks/{id:int}/actions/{action}",
            api(task_action, "tasks", write=True),
            methods=["POST"],
        )
    ]
