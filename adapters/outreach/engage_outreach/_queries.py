"""Neutral list filters as Outreach ``filter[...]`` parameters.

Only filters Outreach documents as filterable are used; a neutral filter with no
Outreach equivalent raises ``InputError`` naming it rather than being dropped.
"""

from __future__ import annotations

from datetime import datetime

from engage import (
    EnrollmentQuery,
    EnrollmentState,
    InputError,
    SequenceQuery,
    TargetQuery,
    TaskOrigin,
    TaskQuery,
    TaskStatus,
)

from ._mapping import (
    ENROLLMENT_STATES,
    MANUAL_TASK_TYPES,
    SEQUENCE_STEP_TASK_TYPES,
    TASK_STATES,
    iso,
)

Params = dict[str, str]
EXPAND_INCLUDES = {"target": "prospect", "sequence": "sequence", "step": "sequenceStep"}


def span(low: datetime | None, high: datetime | None) -> str:
    """An Outreach range value; ``neginf``/``inf`` leave an end open."""
    return f"{iso(low) if low else 'neginf'}..{iso(high) if high else 'inf'}"


def target_params(query: TargetQuery) -> Params:
    params: Params = {}
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    if query.owner_id:
        params["filter[owner][id]"] = query.owner_id
    if query.ids:
        params["filter[id]"] = ",".join(query.ids)
    return params


def sequence_params(query: SequenceQuery) -> Params:
    """Server-side filters; ``active`` is applied to what is read (enabled is not filterable)."""
    params: Params = {}
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    if query.owner_id:
        params["filter[owner][id]"] = query.owner_id
    return params


def vendor_states(state: EnrollmentState) -> list[str]:
    return [wire for wire, neutral in ENROLLMENT_STATES.items() if neutral is state]


def enrollment_params(query: EnrollmentQuery) -> Params:
    """Everything but ``owner_id``, which needs the owner's mailboxes looked up."""
    params: Params = {"include": "mailbox"}
    if query.target_id:
        params["filter[prospect][id]"] = query.target_id
    if query.sequence_id:
        params["filter[sequence][id]"] = query.sequence_id
    if query.state is not None:
        states = vendor_states(query.state)
        if not states:
            raise InputError(f"Outreach has no sequence state that means {query.state.value!r}")
        params["filter[state]"] = ",".join(states)
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    return params


def task_params(query: TaskQuery) -> Params:
    params: Params = {}
    if query.target_id:
        params["filter[prospect][id]"] = query.target_id
    if query.sequence_id:
        params["filter[sequence][id]"] = query.sequence_id
    if query.owner_id:
        params["filter[owner][id]"] = query.owner_id
    if query.status is not None:
        states = [wire for wire, neutral in TASK_STATES.items() if neutral is query.status]
        if not states:
            hint = (
                " (Outreach tasks are completed, never skipped)"
                if (query.status is TaskStatus.SKIPPED)
                else ""
            )
            raise InputError(f"Outreach cannot filter tasks by status {query.status.value!r}{hint}")
        params["filter[state]"] = ",".join(states)
    if query.origin is not None:
        if query.origin is TaskOrigin.OTHER:
            raise InputError("Outreach cannot filter tasks by origin 'other'")
        types = (
            SEQUENCE_STEP_TASK_TYPES
            if query.origin is TaskOrigin.SEQUENCE_STEP
            else (MANUAL_TASK_TYPES)
        )
        params["filter[taskType]"] = ",".join(types)
    if query.due_after or query.due_before:
        params["filter[dueAt]"] = span(query.due_after, query.due_before)
    if query.updated_since:
        params["filter[updatedAt]"] = span(query.updated_since, None)
    if query.expand:
        params["include"] = ",".join(EXPAND_INCLUDES[name] for name in sorted(set(query.expand)))
    return params
