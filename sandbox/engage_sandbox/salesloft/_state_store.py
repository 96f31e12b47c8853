"""The emulator's records and the indexes that keep lookups and writes cheap.

Records are plain dicts holding Salesloft's field names, with references kept
as ids (``person_id``) and times as ``datetime``; ``_routes_render`` turns them
into the wire shape. Keys starting with ``_`` are internal and never rendered.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

Record = dict[str, Any]

# First id of each resource, far apart so that a client mixing up ids gets a 404.
ID_BASE = {
    "user": 1001,
    "cadence": 2001,
    "step": 30001,
    "account": 35_000_001,
    "person": 1_000_001,
    "membership": 5_000_001,
    "action": 7_000_001,
    "task": 9_000_001,
    "crm_activity": 11_000_001,
    "call": 13_000_001,
    "note": 15_000_001,
    "email": 17_000_001,
    "mailing": 19_000_001,
    "history": 21_000_001,
}

PERSON_STAGE_IDS = (10147, 10148, 10149, 10150, 10151)
GROUP_IDS = (301, 302)
TEAM_ID = 104779

ACTIVITY_TYPES = (
    "added_to_cadence",
    "account_added_to_cadence",
    "call",
    "completed_action",
    "dnc_event",
    "email_reply",
    "external_meeting",
    "live_chat",
    "meeting",
    "meeting_held",
    "message_conversation",
    "note",
    "opportunity_amount_change",
    "opportunity_close_date_change",
    "opportunity_stage_change",
    "received_email",
    "requested_email",
    "residency_change",
    "sent_email",
    "site_visit",
    "share_internal_note",
    "success",
    "task",
    "voicemail",
    "review",
)
ACTIVITY_RESOURCE_TYPES = ("person", "account", "crm_opportunity")

ON_CADENCE_STATES = ("processing", "staged", "active", "scheduled")
OFF_CADENCE_STATES = ("completed", "removed", "removed_no_action", "reassigned")

CALL_DISPOSITIONS = (
    "Connected",
    "No Answer",
    "Left Voicemail",
    "Busy",
    "Wrong Number",
    "Not Interested",
)
CALL_SENTIMENTS = ("Interested", "Neutral", "Not Interested", "Demo Scheduled")
JOB_SENIORITIES = (
    "director",
    "executive",
    "individual_contributor",
    "manager",
    "vice_president",
    "unknown",
)
CONTACT_RESTRICTIONS = ("call", "email", "message")


@dataclass
class State:
    """Everything one emulator instance knows; rebuilt from the seed on reset."""

    now0: datetime
    team: Record
    users: dict[int, Record] = field(default_factory=dict)
    accounts: set[int] = field(default_factory=set)
    cadences: dict[int, Record] = field(default_factory=dict)
    steps: dict[int, Record] = field(default_factory=dict)
    people: dict[int, Record] = field(default_factory=dict)
    memberships: dict[int, Record] = field(default_factory=dict)
    actions: dict[int, Record] = field(default_factory=dict)
    tasks: dict[int, Record] = field(default_factory=dict)
    calls: dict[int, Record] = field(default_factory=dict)
    notes: dict[int, Record] = field(default_factory=dict)
    emails: dict[int, Record] = field(default_factory=dict)
    next_id: dict[str, int] = field(default_factory=lambda: dict(ID_BASE))
    deleted_people: set[int] = field(default_factory=set)
    deleted_notes: set[int] = field(default_factory=set)
    spent_actions: set[int] = field(default_factory=set)
    # indexes
    steps_by_cadence: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    memberships_by_person: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    membership_by_pair: dict[tuple[int, int], int] = field(default_factory=dict)
    actions_by_membership: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    people_by_email: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    people_by_crm_id: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    task_by_idempotency_key: dict[str, int] = field(default_factory=dict)
    # activity histories are built on first use: most scenarios never read them
    history_builder: Callable[[State], dict[str, Record]] | None = None
    _histories: dict[str, Record] | None = None
    version: int = 0

    def new_id(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] = value + 1
        return value

    @property
    def histories(self) -> dict[str, Record]:
        if self._histories is None:
            builder = self.history_builder
            self._histories = builder(self) if builder is not None else {}
        return self._histories

    def user_by_guid(self, guid: str) -> Record | None:
        for user in self.users.values():
            if user["guid"] == guid:
                return user
        return None

    def index_person(self, person: Record) -> None:
        email = person.get("email_address")
        if email:
            self.people_by_email[email.lower()].add(person["id"])
        crm_id = person.get("crm_id")
        if crm_id:
            self.people_by_crm_id[crm_id].add(person["id"])

    def unindex_person(self, person: Record) -> None:
        email = person.get("email_address")
        if email:
            self.people_by_email[email.lower()].discard(person["id"])
        crm_id = person.get("crm_id")
        if crm_id:
            self.people_by_crm_id[crm_id].discard(person["id"])

    def add_membership(self, membership: Record) -> None:
        self.memberships[membership["id"]] = membership
        self.memberships_by_person[membership["person_id"]].append(membership["id"])
        self.membership_by_pair[(membership["person_id"], membership["cadence_id"])] = membership[
            "id"
        ]

    def add_action(self, action: Record) -> None:
        self.actions[action["id"]] = action
        membership_id = action.get("_membership_id")
        if membership_id is not None:
            self.actions_by_membership[membership_id].append(action["id"])

    def drop_action(self, action_id: int) -> Record | None:
        action = self.actions.pop(action_id, None)
        if action is not None:
            siblings = self.actions_by_membership.get(action.get("_membership_id") or 0)
            if siblings and action_id in siblings:
                siblings.remove(action_id)
        return action

    def add_history(self, record: Record) -> None:
        self.histories[record["id"]] = record

    def begin_write(self) -> None:
        """Called before any write: builds the lazy feed first so it never sees the write
        twice, and makes cached list results stale."""
        _ = self.histories
        self.version += 1
