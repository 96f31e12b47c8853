"""Creates and updates of prospects and tasks, deleting a prospect, logging calls,
and prospect notes.

Responses carry the resource without ``included``, because Outreach stopped
honouring ``include`` on create and update responses.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ._errors import invalid
from ._routes_bodies import attributes, relationships, require, resource_object
from ._routes_jsonapi import render
from ._routes_pipeline import Ctx, api
from ._routes_read import load
from ._state_flow import advance, finish, touch
from ._state_store import Record, iso
from ._state_templates import (
    NOTE_TYPES,
    OPPORTUNITY_ASSOCIATIONS,
    TASK_ACTIONS,
    blank_rels,
    call_attrs,
    prospect_attrs,
    prospect_name,
    prospect_note_attrs,
    task_attrs,
)

CALL_DIRECTIONS = ("inbound", "outbound")
CALL_OUTCOMES = ("Answered", "Not Answered")
SEQUENCE_ACTIONS = ("Advance", "Finish", "Finish - No Reply", "Finish - Replied")


def created(ctx: Ctx, record: Record, status: int = 201) -> tuple[int, Any]:
    return status, {"data": render(record, ctx.base, {}, ctx.store)}


def _check_emails(ctx: Ctx, emails: list[str], own_id: int | None) -> None:
    if ctx.rt.kit.options.extras.get("allow_duplicate_emails"):
        return
    wanted = {e.lower() for e in emails}
    if not wanted:
        return
    for other in ctx.store.iter("prospect"):
        if other.id != own_id and wanted & {e.lower() for e in other.attributes["emails"]}:
            raise invalid(
                "Contacts contact is using an email address that has already been taken.",
                "/data/attributes/emails",
            )


async def create_prospect(ctx: Ctx) -> tuple[int, Any]:
    data = resource_object(ctx.body, "prospect")
    values = attributes(data, "prospect")
    rels = relationships(data, "prospect", ctx.store)
    _check_emails(ctx, values.get("emails", []), None)
    now = iso(ctx.now())
    attrs = prospect_attrs(now)
    attrs.update(values)
    attrs["name"] = prospect_name(attrs)
    me = ("user", ctx.user_id)
    record = ctx.store.add("prospect", attrs, blank_rels("prospect", creator=me, updater=me))
    record.rels.update(rels)
    return created(ctx, record)


async def update_prospect(ctx: Ctx) -> tuple[int, Any]:
    record = load(ctx, "prospect", ctx.request.path_params["id"])
    data = resource_object(ctx.body, "prospect", id_=record.id)
    values = attributes(data, "prospect")
    rels = relationships(data, "prospect", ctx.store)
    if "emails" in values:
        _check_emails(ctx, values["emails"], record.id)
    record.attributes.update(values)
    record.attributes["name"] = prospect_name(record.attributes)
    record.rels.update(rels)
    record.rels["updater"] = ("user", ctx.user_id)
    touch(record, iso(ctx.now()))
    return created(ctx, record, 200)


async def delete_prospect(ctx: Ctx) -> tuple[int, Any]:
    """``DELETE /prospects/{id}``: 204, no body. Only the prospect goes; records that
    point at it keep their linkage (what Outreach does with them is not emulated)."""
    record = load(ctx, "prospect", ctx.request.path_params["id"])
    ctx.store.delete("prospect", record.id)
    return 204, None


def _task_values(values: dict[str, Any]) -> None:
    if "action" in values and values["action"] not in TASK_ACTIONS:
        raise invalid(
            f"Action must be one of {', '.join(TASK_ACTIONS)}.", "/data/attributes/action"
        )
    association = values.get("opportunityAssociation")
    if association is not None and association not in OPPORTUNITY_ASSOCIATIONS:
        raise invalid(
            f"Opportunity association must be one of {', '.join(OPPORTUNITY_ASSOCIATIONS)}.",
            "/data/attributes/opportunityAssociation",
        )


async def create_task(ctx: Ctx) -> tuple[int, Any]:
    data = resource_object(ctx.body, "task")
    values = attributes(data, "task")
    rels = relationships(data, "task", ctx.store)
    require(values, "action", "/data/attributes", "Action")
    require(values, "dueAt", "/data/attributes", "Due at")
    require(rels, "owner", "/data/relationships", "Owner")
    subject = require(rels, "subject", "/data/relationships", "Subject")
    _task_values(values)
    now = iso(ctx.now())
    attrs = task_attrs(now, action=values["action"], task_type="manual", due_at=values["dueAt"])
    attrs.update(values)
    account = subject
    if subject[0] == "prospect":
        prospect = ctx.store.deref(subject)
        account = prospect.rels.get("account") if prospect else None
    task_rels = blank_rels(
        "task",
        creator=("user", ctx.user_id),
        prospect=subject if subject[0] == "prospect" else None,
        account=account,
        taskPriority=("taskPriority", 2),
    )
    task_rels.update(rels)
    return created(ctx, ctx.store.add("task", attrs, task_rels))


async def update_task(ctx: Ctx) -> tuple[int, Any]:
    record = load(ctx, "task", ctx.request.path_params["id"])
    data = resource_object(ctx.body, "task", id_=record.id)
    values = attributes(data, "task")
    rels = relationships(data, "task", ctx.store)
    _task_values(values)
    if rels.get("subject", record.rels["subject"]) is None:
        raise invalid("Subject can't be blank.", "/data/relationships/subject")
    record.attributes.update(values)
    record.rels.update(rels)
    touch(record, iso(ctx.now()))
    return created(ctx, record, 200)


async def create_call(ctx: Ctx) -> tuple[int, Any]:
    data = resource_object(ctx.body, "call")
    values = attributes(data, "call")
    rels = relationships(data, "call", ctx.store)
    direction = require(values, "direction", "/data/attributes", "Direction")
    if direction not in CALL_DIRECTIONS:
        raise invalid("Direction must be either inbound or outbound.", "/data/attributes/direction")
    if values.get("outcome") not in (None, *CALL_OUTCOMES):
        raise invalid(
            "Outcome must be either Answered or Not Answered.", "/data/attributes/outcome"
        )
    action = values.get("sequenceAction")
    if action not in (None, *SEQUENCE_ACTIONS):
        raise invalid(
            f"Sequence action must be one of {', '.join(SEQUENCE_ACTIONS)}.",
            "/data/attributes/sequenceAction",
        )
    now = iso(ctx.now())
    attrs = call_attrs(now)
    attrs.update(values)
    attrs["completedAt"] = attrs["completedAt"] or now
    call_rels = blank_rels("call", user=("user", ctx.user_id))
    call_rels.update(rels)
    task = ctx.store.deref(call_rels["task"])
    if task is not None:
        for name in ("sequence", "sequenceState", "sequenceStep"):
            call_rels[name] = task.rels.get(name)
        call_rels["prospect"] = call_rels["prospect"] or task.rels.get("prospect")
    record = ctx.store.add("call", attrs, call_rels)
    if task is not None:
        task.rels["call"] = ("call", record.id)
        touch(task, now)
        state = ctx.store.deref(task.rels.get("sequenceState"))
        if action and state is not None and state.attributes["state"] == "active":
            if action == "Advance":
                advance(ctx.store, state, ctx.now(), ctx.user_id)
            else:
                finish(
                    ctx.store, state, ctx.now(), reason="replied" if "Replied" in action else None
                )
    return created(ctx, record)


async def create_prospect_note(ctx: Ctx) -> tuple[int, Any]:
    data = resource_object(ctx.body, "prospectNote")
    values = attributes(data, "prospectNote")
    rels = relationships(data, "prospectNote", ctx.store)
    require(rels, "prospect", "/data/relationships", "Prospect")
    require(values, "message", "/data/attributes", "Message")
    if values.get("noteType") not in (None, *NOTE_TYPES):
        raise invalid(
            f"Note type must be one of {', '.join(NOTE_TYPES)}.", "/data/attributes/noteType"
        )
    rule = values.pop("opportunityAssociationRule", None)
    if rule not in (None, "recent_created", "recent_updated"):
        raise invalid(
            "Opportunity association rule must be recent_created or recent_updated.",
            "/data/attributes/opportunityAssociationRule",
        )
    attrs = prospect_note_attrs(iso(ctx.now()))
    attrs.update({k: v for k, v in values.items() if v is not None})
    note_rels = blank_rels("prospectNote", creator=("user", ctx.user_id))
    note_rels.update(rels)
    return created(ctx, ctx.store.add("prospectNote", attrs, note_rels))


def routes() -> list[Route]:
    return [
        Route("/api/v2/prospects", api(create_prospect, "prospects"), methods=["POST"]),
        Route("/api/v2/prospects/{id:int}", api(update_prospect, "prospects"), methods=["PATCH"]),
        Route("/api/v2/prospects/{id:int}", api(delete_prospect, "prospects"), methods=["DELETE"]),
        Route("/api/v2/tasks", api(create_task, "tasks"), methods=["POST"]),
        Route("/api/v2/tasks/{id:int}", api(update_task, "tasks"), methods=["PATCH"]),
        Route("/api/v2/calls", api(create_call, "calls"), methods=["POST"]),
        Route(
            "/api/v2/prospectNotes", api(create_prospect_note, "prospectNotes"), methods=["POST"]
        ),
    ]
