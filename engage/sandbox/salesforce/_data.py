"""Deterministic demo org: users, accounts, leads, contacts, cadences, trackers, tasks, notes.

Everything is drawn from ``random.Random(seed)`` and dated relative to the
sandbox clock, so the same seed and clock give the same org, id for id.
``size`` scales the record counts (1.0 is about 2,000 records).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ._fields_cadence import _ERROR_CODES
from ._store import Record, Store

DEMO_USERNAME = "admin@engage-sandbox.example"
DEMO_PASSWORD = "sandbox-password"
DEMO_SECURITY_TOKEN = "SANDBOXTOKEN42"

_FIRST = [
    "Ada",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Keiko",
    "Liam",
    "Maya",
    "Noor",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tara",
    "Umar",
    "Vera",
    "Wes",
    "Xin",
    "Yara",
    "Zoe",
]
_LAST = [
    "Abbott",
    "Baker",
    "Chen",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lopez",
    "Murphy",
    "Nakamura",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Schmidt",
    "Tanaka",
    "Ueda",
    "Varga",
    "Weber",
    "Young",
    "Zhang",
]
_CO_A = [
    "Acme",
    "Blue",
    "Cedar",
    "Delta",
    "Ember",
    "Falcon",
    "Granite",
    "Harbor",
    "Iris",
    "Juniper",
    "Kite",
    "Lumen",
    "Maple",
    "Nova",
    "Orbit",
    "Pine",
]
_CO_B = [
    "Labs",
    "Systems",
    "Logistics",
    "Foods",
    "Health",
    "Energy",
    "Analytics",
    "Robotics",
    "Media",
    "Capital",
    "Works",
]
_CITIES = [
    ("Austin", "TX"),
    ("Boston", "MA"),
    ("Chicago", "IL"),
    ("Denver", "CO"),
    ("Seattle", "WA"),
]
_INDUSTRIES = ["Technology", "Healthcare", "Finance", "Manufacturing", "Retail", "Energy"]
_TITLES = ["VP Sales", "Head of Operations", "CTO", "Marketing Manager", "Procurement Lead"]
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


class DemoOrg:
    """Builds the demo records; ``org_id`` and ``admin_id`` name the org and its API user."""

    def __init__(self, store: Store, *, seed: int, size: float, now: datetime) -> None:
        self.store = store
        self.rng = random.Random(seed)
        self.size = max(size, 0.01)
        self.now = now.replace(microsecond=0)
        self.org_id = store.minter.next("00D")
        self.admin_id = ""

    def n(self, base: int, minimum: int = 1) -> int:
        return max(minimum, round(base * self.size))

    def ago(self, max_days: float, min_days: float = 0.0) -> datetime:
        seconds = self.rng.uniform(min_days * 86400, max_days * 86400)
        return self.now - timedelta(seconds=int(seconds))

    def add(self, sobject: str, values: dict[str, Any], created: datetime, by: str = "") -> Record:
        stamp = {"CreatedDate": created, "LastModifiedDate": created, "SystemModstamp": created}
        return self.store.insert(
            sobject, {**stamp, **values}, user_id=by or self.admin_id, now=created
        )

    def build(self) -> None:
        users = self.users()
        reps = [u for u in users if u["IsActive"]]
        accounts = [self.account(reps) for _ in range(self.n(60, 5))]
        contacts = [self.person("Contact", reps, accounts) for _ in range(self.n(240, 5))]
        leads = [self.person("Lead", reps, accounts) for _ in range(self.n(300, 5))]
        cadences = [self.cadence(i, reps) for i in range(max(4, round(6 * self.size**0.5)))]
        targets = leads + contacts
        self.rng.shuffle(targets)
        enrolled = targets[: round(len(targets) * 0.45)]
        active = [c for c in cadences if c[0]["State"] == "Active"]
        for i, target in enumerate(enrolled):
            state = TRACKER_STATES[i] if i < len(TRACKER_STATES) else None
            state = state or self.rng.choices(TRACKER_STATES, _STATE_WEIGHTS)[0]
            cadence, steps = self.rng.choice(active)
            self.tracker(cadence, steps, target, state, reps)
        inactive = [c for c in cadences if c[0]["State"] == "Inactive"]
        for target in targets[len(enrolled) : len(enrolled) + self.n(10)]:
            cadence, steps = self.rng.choice(inactive or active)
            self.tracker(cadence, steps, target, "Complete", reps)
        for _ in range(self.n(250, 5)):
            self.task(reps, targets)
        for _ in range(self.n(80, 3)):
            parent = self.rng.choice(targets + accounts)
            self.add(
                "Note",
                {
                    "ParentId": parent["Id"],
                    "Title": self.rng.choice(["Discovery notes", "Pricing question", "Next steps"]),
                    "Body": "Discussed priorities and timeline; follow up next week.",
                    "OwnerId": self.rng.choice(reps)["Id"],
                },
                self.ago(30),
            )

    def users(self) -> list[Record]:
        out: list[Record] = []
        for i in range(self.n(6, 3) + 1):
            first, last = ("Dana", "Admin") if i == 0 else (_FIRST[i % 26], _LAST[(i * 7) % 25])
            username = (
                DEMO_USERNAME
                if i == 0
                else f"{first.lower()}.{last.lower()}{i}@engage-sandbox.example"
            )
            user = self.add(
                "User",
                {
                    "Username": username,
                    "FirstName": first,
                    "LastName": last,
                    "Email": username,
                    "Alias": (first[:1] + last[:4]).lower(),
                    "CommunityNickname": f"{first.lower()}{i}",
                    "IsActive": i == 0 or i % 7 != 6,
                    "Title": "System Administrator" if i == 0 else "Sales Development Rep",
                    "TimeZoneSidKey": "America/Los_Angeles",
                    "LocaleSidKey": "en_US",
                    "EmailEncodingKey": "UTF-8",
                    "LanguageLocaleKey": "en_US",
                    "ProfileId": None,
                    "UserType": "Standard",
                    "LastLoginDate": self.ago(3),
                },
                self.ago(400, 300),
            )
            if i == 0:
                self.admin_id = user["Id"]
                for key in ("CreatedById", "LastModifiedById"):
                    user[key] = user["Id"]
            out.append(user)
        return out

    def account(self, reps: list[Record]) -> Record:
        city, state = self.rng.choice(_CITIES)
        name = f"{self.rng.choice(_CO_A)} {self.rng.choice(_CO_B)}"
        return self.add(
            "Account",
            {
                "Name": name,
                "Type": self.rng.choice(["Prospect", "Customer - Direct", "Other"]),
                "Industry": self.rng.choice(_INDUSTRIES),
                "BillingCity": city,
                "BillingState": state,
                "BillingCountry": "United States",
                "Website": f"https://www.{name.split()[0].lower()}.example",
                "NumberOfEmployees": self.rng.choice([12, 80, 250, 1200, 8000]),
                "OwnerId": self.rng.choice(reps)["Id"],
            },
            self.ago(200, 60),
        )

    def person(self, sobject: str, reps: list[Record], accounts: list[Record]) -> Record:
        first, last = self.rng.choice(_FIRST), self.rng.choice(_LAST)
        account = self.rng.choice(accounts)
        tag = len(self.store.tables[sobject]) + 1
        domain = account["Name"].split()[0].lower()
        values: dict[str, Any] = {
            "FirstName": first,
            "LastName": last,
            "Title": self.rng.choice(_TITLES),
            "Email": f"{first.lower()}.{last.lower()}.{tag}@{domain}.example",
            "Phone": f"+1 555 01{tag % 100:02d} {tag % 10000:04d}",
            "OwnerId": self.rng.choice(reps)["Id"],
            "LeadSource": self.rng.choice(["Web", "Phone Inquiry", "Partner Referral", "Other"]),
            "HasOptedOutOfEmail": self.rng.random() < 0.05,
        }
        if sobject == "Lead":
            values |= {
                "Company": account["Name"],
                "Status": self.rng.choice(["Open - Not Contacted", "Working - Contacted"]),
                "Industry": account["Industry"],
                "City": account["BillingCity"],
                "State": account["BillingState"],
                "Country": "United States",
            }
        else:
            values |= {"AccountId": account["Id"], "MailingCity": account["BillingCity"]}
        return self.add(sobject, values, self.ago(90, 45))

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

    def tracker(
        self, cadence: Record, steps: list[Record], target: Record, state: str, reps: list[Record]
    ) -> None:
        from ._flow import complete_tracker, start_step

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
        from ._flow import advance_after

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
