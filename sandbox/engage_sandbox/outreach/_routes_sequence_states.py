"""Enrolment (``POST /api/v2/sequenceStates``) and the finish, pause and resume actions.

A prospect can hold one live (active, paused or pending) sequence state per
sequence; a second enrolment is refused, by default with 422 "... is already in
this sequence ...". Outreach's own status and words for that refusal are in no
public sample, so both can be set, for tests that hold a client to not relying on
them: ``options.extras["already_enrolled_detail"]`` (the detail; ``{prospect}``,
``{sequence}``, ``{state_id}`` and ``{state}`` are filled in) and
``options.extras["already_enrolled_status"]`` (422 unless set, e.g. 409).
"""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ._errors import ApiError, invalid
from ._routes_bodies import relationships, require, resource_object
from ._routes_jsonapi import render
from ._routes_pipeline import Ctx, api
from ._routes_read import load
from ._routes_task_actions import action_params
from ._state_flow import BLOCKING_STATES, enter_step, finish, set_state, steps_of
from ._state_store import Record, iso
from ._state_templates import blank_rels, sequence_state_attrs

ALREADY_ENROLLED_DETAIL = (
    "Prospect {prospect} is already in this sequence (sequence state {state_id} is {state})."
)


class _Blank(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"  # a placeholder the emulator does not know stays as written


def already_enrolled(ctx: Ctx, prospect: Record, sequence: Record, other: Record) -> ApiError:
    """The refusal of a second live sequence state, in the words the options set."""
    extras = ctx.rt.kit.options.extras
    template = str(extras.get("already_enrolled_detail") or ALREADY_ENROLLED_DETAIL)
    values = _Blank(
        prospect=str(prospect.id),
        sequence=str(sequence.id),
        state_id=str(other.id),
        state=str(other.attributes["state"]),
    )
    try:
        detail = template.format_map(values)
    except (ValueError, IndexError, AttributeError):
        detail = template  # not a format string: the text as given
    status = int(extras.get("already_enrolled_status") or 422)
    return ApiError(status, detail, pointer="/data/relationships/prospect")


async def enroll(ctx: Ctx) -> tuple[int, Any]:
    data = resource_object(ctx.body, "sequenceState")
    if data.get("attributes"):
        raise invalid("Sequence states take no attributes on create.", "/data/attributes")
    rels = relationships(data, "sequenceState", ctx.store)
    for name, label in (("prospect", "Prospect"), ("sequence", "Sequence"), ("mailbox", "Mailbox")):
        require(rels, name, "/data/relationships", label)
    prospect = ctx.store.deref(rels["prospect"])
    sequence = ctx.store.deref(rels["sequence"])
    if prospect is None or sequence is None:  # relationships() checked they exist
        raise invalid("Prospect and sequence must exist.", "/data/relationships")
    for other in ctx.store.related("sequenceState", "prospect", prospect.id):
        if other.rel_id("sequence") == sequence.id and other.attributes["state"] in BLOCKING_STATES:
            raise already_enrolled(ctx, prospect, sequence, other)
    if prospect.attributes.get("optedOut"):
        raise invalid(
            "Prospect has opted out and cannot be sequenced.", "/data/relationships/prospect"
        )
    steps = steps_of(ctx.store, sequence.id)
    if not steps:
        raise invalid("Sequence has no steps.", "/data/relationships/sequence")
    now = iso(ctx.now())
    enabled = bool(sequence.attributes["enabled"])
    attrs = sequence_state_attrs(now, "active" if enabled else "disabled")
    state_rels = blank_rels(
        "sequenceState",
        account=prospect.rels.get("account"),
        creator=("user", ctx.user_id),
    )
    state_rels.update(rels)
    state = ctx.store.add("sequenceState", attrs, state_rels)
    if enabled:
        enter_step(ctx.store, state, steps[0], ctx.now())
    else:
        state.rels["sequenceStep"] = ("sequenceStep", steps[0].id)
    sequence.attributes["lastUsedAt"] = now
    return 201, {"data": render(state, ctx.base, {}, ctx.store)}


def _action(name: str) -> Any:
    async def handler(ctx: Ctx) -> tuple[int, Any]:
        state = load(ctx, "sequenceState", ctx.request.path_params["id"])
        action_params(ctx, frozenset(), frozenset())
        current = state.attributes["state"]
        now = iso(ctx.now())
        if name == "finish":
            if current == "finished":
                raise ApiError(422, f"Sequence state {state.id} is already finished.")
            finish(ctx.store, state, ctx.now())
        elif name == "pause":
            if current != "active":
                raise ApiError(
                    422, f"Sequence state {state.id} is {current}; only active ones can be paused."
                )
            set_state(state, "paused", now)
            state.attributes["pauseReason"] = "manual"
        else:
            if current != "paused":
                raise ApiError(
                    422, f"Sequence state {state.id} is {current}; only paused ones can be resumed."
                )
            set_state(state, "active", now)
            state.attributes["activeAt"] = now
            state.attributes["pauseReason"] = None
        return 200, {"data": render(state, ctx.base, {}, ctx.store)}

    return handler


def routes() -> list[Route]:
    out = [Route("/api/v2/sequenceStates", api(enroll, "sequenceStates"), methods=["POST"])]
    for name in ("finish", "pause", "resume"):
        out.append(
            Route(
                f"/api/v2/sequenceStates/{{id:int}}/actions/{name}",
                api(_action(name), "sequenceStates", write=True),
                methods=["POST"],
            )
        )
    return out
