"""The emulator's own options (``SandboxOptions.extras``): answers and values Salesloft's
documents allow but leave open, so that tests can meet each one.

* ``enroll_conflict_status`` (422 or 409, default 422) and ``enroll_conflict_body``
  (a JSON object): the answer to adding a person who is already on the cadence.
  The documents do not give it; the default is
  ``{"errors": {"person_id": ["is already on this cadence"]}}`` for a 422 and
  ``{"error": "Conflict"}`` for a 409.
* ``archived_cadences`` (a list of cadence ids): cadences archived when the team is
  built. Per the membership page, "all actions and people were archived with it": a
  membership still on such a cadence becomes ``archived`` (off the cadence) and its
  open actions are gone; ended memberships keep their state.
* ``action_types`` (step type -> action type): the ``type`` of the actions a step
  opens. By default an email step opens ``email``, a phone step ``phone`` and any
  other step ``other``; "New types may be added in the future", so
  ``{"other": "linkedin"}`` shows a type the documents do not list yet.

Other keys are ignored, as the other emulators do; a known key with a value of the
wrong kind is refused when the emulator is built (``ValueError``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._state_store import State

DEFAULT_CONFLICT_BODIES: dict[int, dict[str, Any]] = {
    422: {"errors": {"person_id": ["is already on this cadence"]}},
    409: {"error": "Conflict"},
}
DEFAULT_ACTION_TYPES = {"email": "email", "phone": "phone"}


@dataclass(frozen=True)
class Extras:
    conflict_status: int = 422
    conflict_body: dict[str, Any] = field(default_factory=dict)
    archived_cadences: tuple[int, ...] = ()
    action_types: dict[str, str] = field(default_factory=dict)

    def action_type(self, step_type: str) -> str:
        """The type of an action opened by a step of ``step_type``."""
        if step_type in self.action_types:
            return self.action_types[step_type]
        return DEFAULT_ACTION_TYPES.get(step_type, "other")


def _refuse(name: str, wanted: str) -> ValueError:
    return ValueError(f"salesloft sandbox extras[{name!r}] must be {wanted}")


def read_extras(raw: Mapping[str, Any]) -> Extras:
    status = raw.get("enroll_conflict_status", 422)
    if status not in DEFAULT_CONFLICT_BODIES or isinstance(status, bool):
        raise _refuse("enroll_conflict_status", "422 or 409")
    body = raw.get("enroll_conflict_body", DEFAULT_CONFLICT_BODIES[status])
    if not isinstance(body, dict):
        raise _refuse("enroll_conflict_body", "a JSON object")
    archived = raw.get("archived_cadences", [])
    if not isinstance(archived, list | tuple) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in archived
    ):
        raise _refuse("archived_cadences", "a list of cadence ids")
    types = raw.get("action_types", {})
    if not isinstance(types, dict) or not all(
        isinstance(k, str) and isinstance(v, str) and v for k, v in types.items()
    ):
        raise _refuse("action_types", "a mapping of step type to action type")
    return Extras(status, dict(body), tuple(archived), dict(types))


def apply_extras(state: State, extras: Extras) -> None:
    """Turn a freshly built team into the one ``extras`` describes."""
    # Seeded actions carry the default type of their step's type (a multitouch step's
    # second touch the other channel's), so the option is applied to that type.
    if extras.action_types:
        for action in state.actions.values():
            action["type"] = extras.action_types.get(action["type"], action["type"])
    for cadence_id in extras.archived_cadences:
        cadence = state.cadences.get(cadence_id)
        if cadence is None:
            raise _refuse("archived_cadences", f"ids of existing cadences (no {cadence_id})")
        _archive(state, cadence)


def _archive(state: State, cadence: dict[str, Any]) -> None:
    when = state.now0
    cadence["archived_at"] = when
    cadence["updated_at"] = when
    for membership in state.memberships.values():
        if membership["cadence_id"] != cadence["id"] or not membership["currently_on_cadence"]:
            continue
        for action_id in list(state.actions_by_membership.get(membership["id"], ())):
            state.drop_action(action_id)
        membership["currently_on_cadence"] = False
        membership["current_state"] = "archived"
        membership["updated_at"] = when
