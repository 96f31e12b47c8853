"""Demo cadences: steps, trackers in every state with their step trackers, and tasks.

Split from ``_data`` to keep modules small; ``DemoOrg`` mixes this in.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from ._state_flow import advance_after, complete_tracker, start_step
from ._state_schema_cadence import _ERROR_CODES
from ._state_store import Record, Store

_PLANS = [
    ["SendAnEmail", "Wait", "MakeACall", "CreateTask", "SendAnEmail"],
    ["MakeACall", "SendAnEmail", "Wait", "LinkedInConnection", "MakeACall", "CreateTask"],
    ["SendAnEmail", "MakeACall", "Wait", "SendAnEmail"],
]
_STEP_TITLES = {
    "SendAnEmail": "Send email",
    "Wait": "Wait",
    "MakeACall": "Call",
    "CreateTask": "Follow-up task",
    "LinkedInConnection": "Connect on LinkedIn",
}
_CADENCE_NAMES = [
    "Inbound Lead Follow-up",
    "Outbound Prospecting",
    "Event Attendees",
    "Trial Nurture",
    "Re-engagement",
    "Champion Change",
]
TRACKER_STATES = ["Running", "Paused", "Complete", "Error", "Processing", "Initializing"]
_STATE_WEIGHTS = [50, 15, 22, 5, 4, 4]
_CURRENT_STEP_STATE = {
    "Running": "Active",
    "Paused": "Paused",
    "Error": "Error",
    "Processing": "InProgress",
    "Initializing": "Queued",
}
_SUBTYPE = {"MakeACall": "Call", "SendAnEmail": "Email", "CreateTask": "Task"}


class CadenceData:
    """The cadence half of the demo org (needs ``store``, ``rng``, ``now``, ``add``, ``ago``)."""

    store: Store
    rng: random.Random
    now: datetime
    add: Callable[..., Record]
    ago: Callable[..., datetime]
    n: Callable[..., int]

    def cadence(self, index: int, reps: list[Record]) -> tuple[Record, list[Record]]:
        state = (
            "Active"
            if index < 2 or index % 5 not in (2, 3)
            else ("Inactive", "Draft")[index % 5 - 2]
        )
        owner = self.rng.choice(reps)["Id"]
        created = self.ago(120, 90)
        name = _CADENCE_NAMES[index] if index < len(_CADENCE_NAMES) else f"Cadence {index + 1}"
        plan = _PLANS[index % len(_PLANS)]
        cadence = self.add(
            "ActionCadence",
            {
                "Name": name,
                "Description": f"{name} cadence for the demo org.",
                "State": state,
                "Type": "Standard",
                "OwnerId": owner,
                "FolderId": owner,
                "ActivatedDate": None if state == "Draft" else (created + timedelta(days=1)).date(),
                "TotalSteps": len(plan),
                "TotalTargets": 0,
                "ActiveTargets": 0,
                "SuccessfulCompletions": 0,
                "LastEditedDateTime": created,
            },
            created,
            owner,
        )
        steps: list[Record] = []
        for n, kind in enumerate(plan):
            template = self.store.minter.next("00X") if kind == "SendAnEmail" else None
            step = self.add(
                "ActionCadenceStep",
                {
                    "ActionCadenceId": cadence["Id"],
                    "StepName": f"Step {n + 1}",
                    "StepTitle": f"{_STEP_TITLES[kind]} {n + 1}",
                    "ParentStepName": f"Step {n}" if n else None,
                    "Type": kind,
                    "TemplateId": template,
                    "HasVariant": template is not None and n == 0,
                    "WaitTimeInSeconds": 86400 * (1 + n % 2) if kind == "Wait" else None,
                    "ScheduledDaysUntilDue": None if kind == "Wait" else 1 + n % 3,
                    "DayGroup": n,
                    "MinuteGroup": 0,
                    "GraphState": "Included",
                    "SubCadenceName": "",
                    "AllManuallyCompletedCount": 0,
                    "AllSkippedCount": 0,
                },
                created,
                owner,
            )
            if step["HasVariant"]:
                variant = self.store.minter.next("00X")
                self.store.hidden[step["Id"]] = {"variants": [(template, 50.0), (variant, 50.0)]}
            steps.append(step)
        return cadence, steps

    def orphan_steps(self, cadences: list[tuple[Record, list[Record]]]) -> None:
        """Steps left behind by an edit of every other cadence (``IsOrphan``, GraphState
        Orphaned): the Object Reference says to query ``IsOrphan = false`` for the steps
        a cadence runs. Each sits between two live steps by DayGroup, so a reader that
        forgets the filter shows it in the middle of the cadence. Added after all other
        records and without the random generator, so no other id or value moves."""
        for index, (cadence, steps) in enumerate(cadences):
            if index % 2 or len(steps) < 2:
                continue
            self.add(
                "ActionCadenceStep",
                {
                    "ActionCadenceId": cadence["Id"],
                    "StepName": f"Step {len(steps) + 1}",
                    "StepTitle": "Removed call",
                    "Type": "MakeACall",
                    "ScheduledDaysUntilDue": 1,
                    "DayGroup": 0,
                    "MinuteGroup": 30,
                    "GraphState": "Orphaned",
                    "IsOrphan": True,
                    "SubCadenceName": "",
                    "AllManuallyCompletedCount": 0,
                    "AllSkippedCount": 0,
                },
                cadence["LastEditedDateTime"],
                cadence["OwnerId"],
            )

    def tracker(
        self, cadence: Record, steps: list[Record], target: Record, state: str, reps: list[Record]
    ) -> None:
        owner = (
            target["OwnerId"] if any(r["Id"] == target["OwnerId"] for r in reps) else reps[0]["Id"]
        )
        started = self.ago(40, 2)
        tracker = self.add(
            "ActionCadenceTracker",
            {
                "ActionCadenceId": cadence["Id"],
                "TargetId": target["Id"],
                "OwnerId": owner,
                "State": "Running",
            },
            started,
            owner,
        )
        cadence["TotalTargets"] += 1
        cadence["ActiveTargets"] += 1
        done = len(steps) if state == "Complete" else self.rng.randrange(len(steps))
        if state == "Complete" and self.rng.random() < 0.4:
            done = self.rng.randrange(len(steps))
        moment = started
        for index in range(done):
            moment = min(moment + timedelta(hours=self.rng.randint(4, 60)), self.now)
            step_tracker = start_step(self.store, tracker, steps[index], owner, moment)
            skipped = steps[index]["Type"] != "Wait" and self.rng.random() < 0.15
            reason = (
                "AutomaticallyCompleted" if steps[index]["Type"] == "Wait" else "ManuallyCompleted"
            )
            self.finish(
                step_tracker, "ManuallySkipped" if skipped else reason, target, owner, moment
            )
        if state == "Complete":
            if done < len(steps):
                start_step(self.store, tracker, steps[done], owner, moment)
            reason = "NoMoreSteps" if done == len(steps) else "ManuallyRemoved"
            if (
                reason == "ManuallyRemoved"
                and target["Id"].startswith("00Q")
                and self.rng.random() < 0.3
            ):
                reason = "LeadConverted"
            complete_tracker(self.store, tracker, reason, owner, moment)
            tracker["CompletionDisposition"] = self.rng.choice(
                ["Success", "No Response", "Not Interested"]
            )
            return
        moment = min(moment + timedelta(hours=2), self.now)
        current = start_step(self.store, tracker, steps[done], owner, moment)
        waiting = state == "Running" and current["StepType"] == "Wait"
        current["State"] = "Scheduled" if waiting else _CURRENT_STEP_STATE[state]
        tracker["State"] = state
        tracker["IsTrackerActive"] = True
        if state == "Paused":
            current["WasEverPaused"] = True
            tracker["ScheduledResumeDateTime"] = self.now + timedelta(days=self.rng.randint(2, 9))
            self.store.timers.add(tracker["Id"])
        elif state == "Error":
            code = self.rng.choice(_ERROR_CODES.split("|"))
            current["ErrorCode"] = code
            tracker["ErrorMessage"] = f"The step could not run: {code}"

    def finish(
        self, step_tracker: Record, reason: str, target: Record, owner: str, when: datetime
    ) -> None:
        taken = reason != "ManuallySkipped"
        step_tracker.update(
            State="Completed",
            CompletionReason=reason,
            CompletionDate=when,
            CompletedById=owner,
            IsActionTaken=taken,
            ActionTakenDateTime=when if taken else None,
        )
        advance_after(self.store, step_tracker, start_next=False)
        kind = step_tracker["StepType"]
        if taken and kind in _SUBTYPE:
            self.add(
                "Task",
                {
                    "WhoId": target["Id"],
                    "Subject": f"{step_tracker['StepTitle']} ({step_tracker['ActionCadenceName']})",
                    "Status": "Completed",
                    "Priority": "Normal",
                    "TaskSubtype": _SUBTYPE[kind],
                    "Type": {"Call": "Call", "Email": "Email"}.get(_SUBTYPE[kind], "Other"),
                    "OwnerId": owner,
                    "ActivityDate": when.date(),
                    "CompletedDateTime": when,
                    "CallDurationInSeconds": self.rng.randint(20, 900)
                    if kind == "MakeACall"
                    else None,
                    "CallType": "Outbound" if kind == "MakeACall" else None,
                    "ActionCadenceStepTrackerId": step_tracker["Id"],
                },
                when,
                owner,
            )

    def task(self, reps: list[Record], targets: list[Record]) -> None:
        status = self.rng.choice(
            ["Not Started", "In Progress", "Completed", "Completed", "Deferred"]
        )
        subtype = self.rng.choice(["Task", "Task", "Call", "Email"])
        created = self.ago(30, 1)
        due = (self.now + timedelta(days=self.rng.randint(-10, 14))).date()
        self.add(
            "Task",
            {
                "WhoId": self.rng.choice(targets)["Id"],
                "Subject": {
                    "Call": "Call back",
                    "Email": "Email follow-up",
                    "Task": "Prepare proposal",
                }[subtype],
                "Status": status,
                "Priority": self.rng.choice(["High", "Normal", "Normal", "Low"]),
                "TaskSubtype": subtype,
                "Type": {"Call": "Call", "Email": "Email"}.get(subtype, "Other"),
                "OwnerId": self.rng.choice(reps)["Id"],
                "ActivityDate": due,
                "CompletedDateTime": created + timedelta(hours=3)
                if status == "Completed"
                else None,
                "Description": "Created in the demo org.",
            },
            created,
        )
