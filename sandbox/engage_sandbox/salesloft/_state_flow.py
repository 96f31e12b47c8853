"""How cadence work moves: adding people, removing them, completing actions.

Only what the documents state is modelled: a person has one membership record
per cadence (re-adding reuses it), removal ends the open actions, a completed
action is gone from ``/v2/actions`` and the membership moves to its next step
or completes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ._data_activity import history
from ._errors import ApiError
from ._routes_pipeline import Ctx
from ._state_store import Record
from ._state_templates import EMPTY_MEMBERSHIP_COUNTS


def _midnight(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def open_action(ctx: Ctx, membership: Record, step: Record, due: datetime) -> Record:
    state = ctx.state
    action: Record = {
        "id": state.new_id("action"),
        "created_at": ctx.now,
        "updated_at": ctx.now,
        "type": ctx.emu.extras.action_type(step["type"]),
        "status": "in_progress",
        "due_on": due,
        "multitouch_group_id": None,
        "step_id": step["id"],
        "user_id": membership["user_id"],
        "person_id": membership["person_id"],
        "cadence_id": membership["cadence_id"],
        "task_id": None,
        "_membership_id": membership["id"],
    }
    state.add_action(action)
    membership["latest_action_id"] = action["id"]
    return action


def add_to_cadence(
    ctx: Ctx, person: Record, cadence: Record, user: Record, step: Record | None
) -> Record:
    """Create (or revive) the membership and its first open action."""
    state = ctx.state
    existing_id = state.membership_by_pair.get((person["id"], cadence["id"]))
    existing = state.memberships.get(existing_id) if existing_id is not None else None
    if existing is not None and existing["currently_on_cadence"]:
        # Not documented: status and body come from the options (``_state_options``).
        extras = ctx.emu.extras
        raise ApiError(extras.conflict_status, dict(extras.conflict_body))
    state.begin_write()
    now = ctx.now
    if existing is None:
        membership: Record = {
            "id": state.new_id("membership"),
            "added_at": now,
            "created_at": now,
            "updated_at": now,
            "person_deleted": False,
            "currently_on_cadence": True,
            "current_state": "staged",
            "cadence_id": cadence["id"],
            "person_id": person["id"],
            "user_id": user["id"],
            "latest_action_id": None,
            "counts": dict(EMPTY_MEMBERSHIP_COUNTS),
        }
        state.add_membership(membership)
    else:
        membership = existing
        membership.update(
            added_at=now,
            updated_at=now,
            currently_on_cadence=True,
            current_state="staged",
            user_id=user["id"],
        )
    cadence["_people_count"] += 1
    steps = state.steps_by_cadence.get(cadence["id"], [])
    first = step or (state.steps[steps[0]] if steps else None)
    if first is not None:
        open_action(ctx, membership, first, _midnight(now))
    state.add_history(
        history(
            state,
            "added_to_cadence",
            now,
            user["id"],
            ("person", person["id"]),
            {"cadence_id": cadence["id"], "cadence_membership_id": membership["id"]},
        )
    )
    return membership


def end_membership(ctx: Ctx, membership: Record, final_state: str) -> None:
    state = ctx.state
    for action_id in list(state.actions_by_membership.get(membership["id"], ())):
        state.drop_action(action_id)
    membership["currently_on_cadence"] = False
    membership["current_state"] = final_state
    membership["updated_at"] = ctx.now


def remove_membership(ctx: Ctx, membership: Record) -> None:
    if not membership["currently_on_cadence"]:
        return
    ctx.state.begin_write()
    acted = membership["current_state"] not in ("staged", "processing")
    end_membership(ctx, membership, "removed" if acted else "removed_no_action")


def remove_from_cadences(ctx: Ctx, person_id: int, *, deleted: bool = False) -> None:
    state = ctx.state
    for membership_id in state.memberships_by_person.get(person_id, ()):
        membership = state.memberships[membership_id]
        if membership["currently_on_cadence"]:
            end_membership(ctx, membership, "removed")
        if deleted:
            membership["person_deleted"] = True
            membership["updated_at"] = ctx.now


def complete_action(ctx: Ctx, action: Record) -> None:
    """The action is done: drop it and move its membership to the next step."""
    state = ctx.state
    state.drop_action(action["id"])
    state.spent_actions.add(action["id"])
    membership = state.memberships.get(action.get("_membership_id") or 0)
    state.add_history(
        history(
            state,
            "completed_action",
            ctx.now,
            action["user_id"],
            ("person", action["person_id"]),
            {"action_id": action["id"], "step_id": action["step_id"]},
        )
    )
    if membership is None or state.actions_by_membership.get(membership["id"]):
        return  # other touches of a multitouch step are still open
    membership["updated_at"] = ctx.now
    cadence = state.cadences[membership["cadence_id"]]
    if membership["current_state"] == "staged":
        cadence["_acted_on"] += 1
    steps = state.steps_by_cadence.get(membership["cadence_id"], [])
    current = steps.index(action["step_id"]) if action["step_id"] in steps else len(steps)
    if current + 1 < len(steps):
        step = state.steps[steps[current + 1]]
        gap = step["day"] - state.steps[steps[current]]["day"]
        membership["current_state"] = "active"
        open_action(ctx, membership, step, _midnight(ctx.now) + timedelta(days=gap))
    else:
        end_membership(ctx, membership, "completed")
