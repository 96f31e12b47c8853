"""How a target moves through a cadence: the tracker state machine shared by
the demo data and the Sales Engagement actions.

A tracker points at its current step tracker; completing or skipping that
step starts the next ActionCadenceStep (ordered by the cadence's step list),
and when no step is left the tracker completes with reason NoMoreSteps. Wait
steps complete by themselves once their wait is over, and paused trackers with
a ``ScheduledResumeDateTime`` resume by themselves, both on sandbox time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ._state_store import Record, Store

ACTIVE_STATES = frozenset({"Running", "Paused", "Processing", "Initializing"})


def steps_of(store: Store, cadence_id: str) -> list[Record]:
    """The steps a cadence runs: an orphan step (``IsOrphan``) is no longer one of them."""
    steps = store.lookup("ActionCadenceStep", "ActionCadenceId", cadence_id)
    return [s for s in steps if not s["IsOrphan"]]


def start_step(store: Store, tracker: Record, step: Record, user: str, now: datetime) -> Record:
    cadence = store.get(tracker["ActionCadenceId"]) or {}
    wait = step["Type"] == "Wait"
    due = (
        now + timedelta(seconds=step["WaitTimeInSeconds"] or 0)
        if wait
        else now + timedelta(days=step["ScheduledDaysUntilDue"] or 0)
    )
    step_tracker = store.insert(
        "ActionCadenceStepTracker",
        {
            "ActionCadenceId": tracker["ActionCadenceId"],
            "ActionCadenceName": cadence.get("Name"),
            "ActionCadenceStepId": step["Id"],
            "ActionCadenceTrackerId": tracker["Id"],
            "TargetId": tracker["TargetId"],
            "StepTitle": step["StepTitle"],
            "StepType": step["Type"],
            "State": "Scheduled" if wait else "Active",
            "ScheduledStartDateTime": now,
            "DueDateTime": due,
            "WasEverPaused": False,
            "IsActionTaken": False,
        },
        user_id=user,
        now=now,
    )
    store.update(tracker, {"CurrentStepId": step_tracker["Id"]}, user_id=user, now=now)
    if wait:
        store.timers.add(step_tracker["Id"])
    return step_tracker


def complete_tracker(store: Store, tracker: Record, reason: str, user: str, now: datetime) -> None:
    current = store.get(tracker["CurrentStepId"])
    if current is not None and current["State"] not in {"Completed", "Cancelled"}:
        store.update(
            current,
            {
                "State": "Cancelled",
                "CompletionReason": "AutomaticallyExited",
                "CompletionDate": now,
            },
            user_id=user,
            now=now,
        )
        store.timers.discard(current["Id"])
    store.update(
        tracker,
        {
            "State": "Complete",
            "CompletionReason": reason,
            "CurrentStepId": None,
            "ScheduledResumeDateTime": None,
        },
        user_id=user,
        now=now,
    )
    store.timers.discard(tracker["Id"])
    cadence = store.get(tracker["ActionCadenceId"])
    if cadence is not None:
        cadence["ActiveTargets"] = max(0, (cadence["ActiveTargets"] or 0) - 1)
        if reason == "NoMoreSteps":
            cadence["SuccessfulCompletions"] = (cadence["SuccessfulCompletions"] or 0) + 1


def advance_after(
    store: Store,
    step_tracker: Record,
    *,
    start_next: bool = True,
    user: str = "",
    now: datetime | None = None,
) -> None:
    """Record ``step_tracker`` as done on its tracker and, if asked, start the next step."""
    tracker = store.get(step_tracker["ActionCadenceTrackerId"])
    if tracker is None:
        return
    tracker["LastCompletedStepId"] = step_tracker["Id"]
    if not start_next or now is None:
        return
    steps = steps_of(store, tracker["ActionCadenceId"])
    ids = [s["Id"] for s in steps]
    position = (
        ids.index(step_tracker["ActionCadenceStepId"])
        if step_tracker["ActionCadenceStepId"] in ids
        else len(ids)
    )
    if position + 1 < len(steps):
        start_step(store, tracker, steps[position + 1], user or tracker["OwnerId"], now)
    else:
        complete_tracker(store, tracker, "NoMoreSteps", user or tracker["OwnerId"], now)


def finish_step(store: Store, step_tracker: Record, reason: str, user: str, now: datetime) -> None:
    taken = reason in {"ManuallyCompleted", "AutomaticallyCompleted"}
    store.update(
        step_tracker,
        {
            "State": "Completed",
            "CompletionReason": reason,
            "CompletionDate": now,
            "CompletedById": user if reason != "AutomaticallyCompleted" else None,
            "IsActionTaken": taken and reason == "ManuallyCompleted",
            "ActionTakenDateTime": now if reason == "ManuallyCompleted" else None,
        },
        user_id=user,
        now=now,
    )
    store.timers.discard(step_tracker["Id"])
    advance_after(store, step_tracker, user=user, now=now)


def resume(store: Store, tracker: Record, user: str, now: datetime) -> None:
    current = store.get(tracker["CurrentStepId"])
    if current is not None and current["State"] == "Paused":
        state = "Scheduled" if current["StepType"] == "Wait" else "Active"
        store.update(current, {"State": state}, user_id=user, now=now)
    store.update(
        tracker, {"State": "Running", "ScheduledResumeDateTime": None}, user_id=user, now=now
    )
    store.timers.discard(tracker["Id"])


def process_due(store: Store, now: datetime) -> None:
    """Let sandbox time do what Salesforce's scheduler would: resume trackers, end waits."""
    for record_id in sorted(store.timers):
        record = store.get(record_id)
        if record is None or record["IsDeleted"]:
            store.timers.discard(record_id)
            continue
        if store.type_of(record_id) == "ActionCadenceTracker":
            resume_at = record["ScheduledResumeDateTime"]
            if record["State"] == "Paused" and resume_at is not None and resume_at <= now:
                resume(store, record, record["OwnerId"], resume_at)
            elif record["State"] != "Paused":
                store.timers.discard(record_id)
            continue
        tracker = store.get(record["ActionCadenceTrackerId"])
        if record["State"] != "Scheduled" or tracker is None:
            store.timers.discard(record_id)
        elif tracker["State"] == "Running" and record["DueDateTime"] <= now:
            finish_step(
                store, record, "AutomaticallyCompleted", tracker["OwnerId"], record["DueDateTime"]
            )
