"""How a sequence state moves through its sequence's steps.

Seeding, enrolling, the task actions and the sequence-state actions all change
sequence states, so the rules live here once: entering a step creates that step's
work (a task for manual steps, a scheduled mailing for automatic e-mails),
advancing completes the open work and enters the next step, and the last step
finishes the state.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ._state_store import Record, Store, iso
from ._state_templates import STEP_TASK, blank_rels, mailing_attrs, task_attrs

OPEN_TASK_STATES = frozenset({"pending", "incomplete"})
# Sequence states a prospect cannot be added to the same sequence again from.
BLOCKING_STATES = frozenset({"active", "paused", "pending"})


def touch(record: Record, now: str) -> None:
    record.attributes["updatedAt"] = now


def set_state(record: Record, state: str, now: str) -> None:
    record.attributes["state"] = state
    record.attributes["stateChangedAt"] = now
    touch(record, now)


def steps_of(store: Store, sequence_id: int) -> list[Record]:
    steps = store.related("sequenceStep", "sequence", sequence_id)
    return sorted(steps, key=lambda s: (s.attributes["order"], s.id))


def enter_step(store: Store, state: Record, step: Record, moment: datetime) -> Record:
    """Point ``state`` at ``step`` and create the step's work; returns the task or mailing."""
    now = iso(moment)
    state.rels["sequenceStep"] = ("sequenceStep", step.id)
    touch(state, now)
    due = iso(moment + timedelta(seconds=int(step.attributes["interval"] or 0)))
    refs = {
        "prospect": state.rels["prospect"],
        "sequence": state.rels["sequence"],
        "sequenceState": ("sequenceState", state.id),
        "sequenceStep": ("sequenceStep", step.id),
    }
    mailbox = store.deref(state.rels["mailbox"])
    owner = ("user", mailbox.rel_id("user") or 0) if mailbox else None
    prospect = store.deref(state.rels["prospect"])
    account = prospect.rels.get("account") if prospect else None
    step_type = step.attributes["stepType"]
    if step_type in STEP_TASK:
        task_type, action = STEP_TASK[step_type]
        attrs = task_attrs(
            now, action=action, task_type=task_type, due_at=due, note=step.attributes["taskNote"]
        )
        rels = blank_rels(
            "task",
            **refs,
            owner=owner,
            subject=state.rels["prospect"],
            account=account,
            creator=("sequenceStep", step.id),
            taskPriority=("taskPriority", 2),
        )
        task = store.add("task", attrs, rels)
        if step_type == "manual_email":
            mailing = _mailing(store, state, step, now, "drafted", mailbox)
            mailing.rels["task"] = ("task", task.id)
            task.rels["mailing"] = ("mailing", mailing.id)
        return task
    mailing = _mailing(store, state, step, now, "scheduled", mailbox)
    mailing.attributes["scheduledAt"] = due
    return mailing


def _mailing(
    store: Store, state: Record, step: Record, now: str, status: str, mailbox: Record | None
) -> Record:
    prospect = store.deref(state.rels["prospect"])
    name = prospect.attributes.get("firstName") if prospect else None
    subject = f"Step {step.attributes['order']} for {name or 'you'}"
    attrs = mailing_attrs(
        now,
        state=status,
        subject=subject,
        mailbox_email=mailbox.attributes["email"] if mailbox else "",
    )
    user = ("user", mailbox.rel_id("user") or 0) if mailbox else None
    rels = blank_rels(
        "mailing",
        mailbox=state.rels["mailbox"],
        prospect=state.rels["prospect"],
        sequence=state.rels["sequence"],
        sequenceState=("sequenceState", state.id),
        sequenceStep=("sequenceStep", step.id),
        user=user,
    )
    return store.add("mailing", attrs, rels)


def complete_task(task: Record, now: str, completer: int | None) -> None:
    attrs = task.attributes
    attrs["completed"] = True
    attrs["completedAt"] = now
    set_state(task, "complete", now)
    task.rels["completer"] = ("user", completer) if completer else task.rels.get("owner")


def open_step_tasks(store: Store, state: Record) -> list[Record]:
    step_id = state.rel_id("sequenceStep")
    return [
        t
        for t in store.related("task", "sequenceState", state.id)
        if t.rel_id("sequenceStep") == step_id and t.attributes["state"] in OPEN_TASK_STATES
    ]


def advance(store: Store, state: Record, moment: datetime, completer: int | None) -> None:
    """Complete the current step's open work and enter the next step (or finish)."""
    now = iso(moment)
    for task in open_step_tasks(store, state):
        complete_task(task, now, completer)
    steps = steps_of(store, state.rel_id("sequence") or 0)
    current = state.rel_id("sequenceStep")
    ids = [s.id for s in steps]
    position = ids.index(current) if current in ids else -1
    if position + 1 < len(steps):
        enter_step(store, state, steps[position + 1], moment)
    else:
        finish(store, state, moment, reason="completed")


def finish(store: Store, state: Record, moment: datetime, *, reason: str | None = None) -> None:
    """Finish ``state``: open sequence work is dropped, as Outreach removes it."""
    now = iso(moment)
    for task in store.related("task", "sequenceState", state.id):
        if task.attributes["state"] in OPEN_TASK_STATES:
            store.delete("task", task.id)
    for mailing in store.related("mailing", "sequenceState", state.id):
        if mailing.attributes["state"] in {"drafted", "scheduled", "queued"}:
            store.delete("mailing", mailing.id)
    set_state(state, "finished", now)
    state.attributes["activeAt"] = None
    if reason == "replied":
        state.attributes["repliedAt"] = now
        state.attributes["replyCount"] += 1
