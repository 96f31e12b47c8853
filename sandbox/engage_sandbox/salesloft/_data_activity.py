"""Demo activity: manual tasks, calls, notes, e-mails, and the activity feed built from them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ._data_rng import Rng
from ._state_store import (
    ACTIVITY_TYPES,
    CALL_DISPOSITIONS,
    CALL_SENTIMENTS,
    Record,
    State,
)

TASK_SUBJECTS = (
    "Follow up on demo",
    "Send pricing",
    "Check in after event",
    "Confirm meeting time",
    "Research account",
    "Call about renewal",
)
NOTE_TEXTS = (
    "Left a voicemail, will try again Thursday.",
    "Interested in the enterprise plan.",
    "Asked for a case study.",
    "Not the right contact; referred to procurement.",
    "Meeting booked for next week.",
)
EMAIL_STATUSES = ("sent",) * 12 + ("scheduled", "pending", "failed", "cancelled", "sending")


def _between(rng: Rng, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds() * 1_000_000)
    return start + timedelta(microseconds=rng.randrange(span)) if span > 0 else start


def build_activity(state: State, size: float, seed: int) -> None:
    rng = Rng(f"{seed}:activity")
    people = list(state.people.values())
    users = [u["id"] for u in state.users.values() if u["active"]]
    email_steps = [s for s in state.steps.values() if s["type"] == "email"]
    phone_steps = [s for s in state.steps.values() if s["type"] == "phone"]
    _tasks(state, rng, people, users, max(10, round(len(people) * 0.08)))
    _calls(state, rng, people, users, phone_steps, max(10, round(len(people) * 0.25)))
    _notes(state, rng, people, users, max(10, round(len(people) * 0.08)))
    _emails(state, rng, people, users, email_steps, max(10, round(len(people) * 0.5)))


def _tasks(state: State, rng: Rng, people: list[Record], users: list[int], count: int) -> None:
    now = state.now0
    for _ in range(count):
        person = rng.choice(people)
        user = person["owner_id"] if person["owner_id"] in users else rng.choice(users)
        created = _between(rng, now - timedelta(days=30), now - timedelta(hours=1))
        due_date = (now + timedelta(days=rng.randint(-7, 14))).date()
        due_at = (
            datetime(due_date.year, due_date.month, due_date.day, 15, tzinfo=UTC)
            if rng.random() < 0.5
            else None
        )
        done = rng.random() < 0.3
        completed_at = _between(rng, created, now) if done else None
        task_id = state.new_id("task")
        state.tasks[task_id] = {
            "id": task_id,
            "created_at": created,
            "updated_at": completed_at or _between(rng, created, now),
            "due_date": due_date,
            "due_at": due_at,
            "subject": rng.choice(TASK_SUBJECTS),
            "current_state": "completed" if done else "scheduled",
            "task_type": rng.choice(("call", "email", "general")),
            "remind_at": due_at - timedelta(minutes=15) if due_at else None,
            "completed_at": completed_at,
            "description": None,
            "person_id": person["id"],
            "user_id": user,
            "created_by_user_id": user,
            "completed_by_id": user if done else None,
            "_idempotency_key": None,
        }


def _calls(
    state: State,
    rng: Rng,
    people: list[Record],
    users: list[int],
    phone_steps: list[Record],
    count: int,
) -> None:
    now = state.now0
    for _ in range(count):
        person = rng.choice(people)
        created = _between(rng, now - timedelta(days=120), now - timedelta(minutes=30))
        step = rng.choice(phone_steps) if phone_steps and rng.random() < 0.5 else None
        call_id = state.new_id("call")
        answered = rng.random() < 0.6
        call: Record = {
            "id": call_id,
            "to": person["phone"] or f"+1555{rng.randrange(10**7):07d}",
            "duration": rng.randrange(30, 900) if answered else None,
            "sentiment": rng.choice(CALL_SENTIMENTS) if answered else None,
            "disposition": rng.choice(CALL_DISPOSITIONS),
            "created_at": created,
            "updated_at": created + timedelta(seconds=rng.randrange(1, 300)),
            "recordings": (
                [
                    {
                        "url": f"https://recordings.example.com/{call_id}.mp3",
                        "recording_status": "completed",
                        "status": "completed",
                    }
                ]
                if answered and rng.random() < 0.5
                else []
            ),
            "user_id": rng.choice(users),
            "action_id": state.new_id("action") if step else None,
            "person_id": person["id"],
            "crm_activity_id": state.new_id("crm_activity"),
            "note_id": None,
            "cadence_id": step["cadence_id"] if step else None,
            "step_id": step["id"] if step else None,
        }
        state.calls[call_id] = call
        if rng.random() < 0.3:
            note = _note(state, rng, call["user_id"], "person", person["id"], call["created_at"])
            note["call_id"] = call_id
            call["note_id"] = note["id"]


def _note(
    state: State,
    rng: Rng,
    user: int,
    kind: str,
    target: int,
    created: datetime,
) -> Record:
    note_id = state.new_id("note")
    note: Record = {
        "id": note_id,
        "content": rng.choice(NOTE_TEXTS),
        "created_at": created,
        "updated_at": created,
        "associated_type": kind,
        "associated_id": target,
        "user_id": user,
        "call_id": None,
    }
    state.notes[note_id] = note
    return note


def _notes(state: State, rng: Rng, people: list[Record], users: list[int], count: int) -> None:
    now = state.now0
    accounts = sorted(state.accounts)
    for _ in range(count):
        created = _between(rng, now - timedelta(days=90), now - timedelta(minutes=10))
        if rng.random() < 0.85:
            _note(state, rng, rng.choice(users), "person", rng.choice(people)["id"], created)
        else:
            _note(state, rng, rng.choice(users), "account", rng.choice(accounts), created)


def _emails(
    state: State,
    rng: Rng,
    people: list[Record],
    users: list[int],
    email_steps: list[Record],
    count: int,
) -> None:
    now = state.now0
    for _ in range(count):
        person = rng.choice(people)
        if not person["email_address"]:
            continue
        step = rng.choice(email_steps) if email_steps and rng.random() < 0.7 else None
        status = rng.choice(EMAIL_STATUSES)
        created = _between(rng, now - timedelta(days=120), now - timedelta(minutes=30))
        sent = status == "sent"
        send_after = created + timedelta(minutes=rng.randrange(1, 90))
        viewed = rng.randrange(4) if sent else 0
        email_id = state.new_id("email")
        state.emails[email_id] = {
            "id": email_id,
            "created_at": created,
            "updated_at": send_after + timedelta(seconds=rng.randrange(1, 600)),
            "recipient_email_address": person["email_address"],
            "status": status,
            "bounced": sent and rng.random() < 0.03,
            "send_after": send_after,
            "sent_at": send_after + timedelta(seconds=rng.randrange(1, 60)) if sent else None,
            "view_tracking": True,
            "click_tracking": rng.random() < 0.6,
            "headers": {"cc": "manager@example.com"} if rng.random() < 0.1 else {},
            "personalization": rng.choice(("0.0", "35.5", "100.0")),
            "counts": {
                "clicks": rng.randrange(2) if viewed else 0,
                "views": viewed,
                "replies": 1 if viewed and rng.random() < 0.2 else 0,
                "unique_devices": min(viewed, 2),
                "unique_locations": min(viewed, 1),
                "attachments": 0,
            },
            "user_id": rng.choice(users),
            "person_id": person["id"],
            "mailing_id": state.new_id("mailing"),
            "action_id": state.new_id("action") if step else None,
            "task_id": None,
            "crm_activity_id": state.new_id("crm_activity") if sent else None,
            "cadence_id": step["cadence_id"] if step else None,
            "step_id": step["id"] if step else None,
            "email_template_id": None,
        }


def history(
    state: State,
    kind: str,
    occurred: datetime,
    user_id: int,
    resource: tuple[str, int | str],
    static: dict[str, object],
    dynamic: dict[str, object] | None = None,
) -> Record:
    """One activity-feed entry; ids are ``{type}-{n}`` as the feed reports them."""
    n = state.new_id("history")
    return {
        "id": f"{kind}-{n}",
        "type": kind,
        "user_guid": state.users[user_id]["guid"],
        "occurred_at": occurred,
        "created_at": occurred,
        "updated_at": occurred,
        "pinned_at": None,
        "tags": [],
        "static_data": static,
        "dynamic_data": dynamic or {},
        "failed_dynamic_resources": [],
        "resource_type": resource[0],
        "resource_id": resource[1],
        "_seq": n,
    }


def build_histories(state: State, seed: int) -> dict[str, Record]:
    """The feed for the seeded records, plus assorted other activity types."""
    rng = Rng(f"{seed}:histories")
    out: list[Record] = []
    for email in state.emails.values():
        if email["sent_at"] is not None:
            out.append(
                history(
                    state,
                    "sent_email",
                    email["sent_at"],
                    email["user_id"],
                    ("person", email["person_id"]),
                    {"email_id": email["id"]},
                    {"status": email["status"], "counts": dict(email["counts"])},
                )
            )
    for call in state.calls.values():
        out.append(
            history(
                state,
                "call",
                call["created_at"],
                call["user_id"],
                ("person", call["person_id"]),
                {"call_id": call["id"]},
                {"disposition": call["disposition"], "sentiment": call["sentiment"]},
            )
        )
    for note in state.notes.values():
        out.append(
            history(
                state,
                "note",
                note["created_at"],
                note["user_id"],
                (note["associated_type"], note["associated_id"]),
                {"note_id": note["id"]},
                {"content": note["content"]},
            )
        )
    for membership in state.memberships.values():
        out.append(
            history(
                state,
                "added_to_cadence",
                membership["added_at"],
                membership["user_id"],
                ("person", membership["person_id"]),
                {"cadence_id": membership["cadence_id"], "cadence_membership_id": membership["id"]},
            )
        )
    people = list(state.people)
    users = list(state.users)
    accounts = sorted(state.accounts)
    now = state.now0
    for _ in range(max(20, len(people) // 4)):
        kind = rng.choice(ACTIVITY_TYPES)
        roll = rng.random()
        resource: tuple[str, int | str]
        if roll < 0.75:
            resource = ("person", rng.choice(people))
        elif roll < 0.9:
            resource = ("account", rng.choice(accounts))
        else:
            resource = ("crm_opportunity", f"006{rng.randrange(10**12):012d}")
        when = now - timedelta(microseconds=rng.randrange(120 * 86400 * 1_000_000))
        record = history(state, kind, when, rng.choice(users), resource, {})
        if rng.random() < 0.05:
            record["pinned_at"] = when + timedelta(hours=1)
            record["tags"] = ["pinned"]
        out.append(record)
    return {record["id"]: record for record in out}
