"""Deterministic demo data for the Outreach emulator.

Everything is drawn from one ``random.Random(seed)`` in a fixed order and dated
relative to the sandbox clock's start, so two emulators built with the same seed
and size hold byte-identical records. Names are synthetic and every e-mail
address is at example.com.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._state_flow import complete_task, enter_step
from ._state_store import Record, Store, iso
from ._state_templates import (
    SEQUENCE_STATE_STATES,
    STEP_TASK,
    STEP_TYPES,
    TASK_ACTIONS,
    account_attrs,
    blank_rels,
    call_attrs,
    mailbox_attrs,
    prospect_attrs,
    sequence_attrs,
    sequence_state_attrs,
    step_attrs,
    task_attrs,
    task_priority_attrs,
    user_attrs,
)

FIRST = [
    "Avery",
    "Blake",
    "Casey",
    "Drew",
    "Emery",
    "Finley",
    "Harper",
    "Jordan",
    "Kai",
    "Logan",
    "Morgan",
    "Noel",
    "Oakley",
    "Parker",
    "Quinn",
    "Riley",
    "Sage",
    "Taylor",
    "Rowan",
    "Skyler",
    "Tatum",
    "Marlo",
    "Jules",
    "Reese",
    "Ellis",
    "Hayden",
    "Lane",
    "Sasha",
]
LAST = [
    "Abbott",
    "Barlow",
    "Crane",
    "Dalton",
    "Ellery",
    "Foster",
    "Garland",
    "Hollis",
    "Irving",
    "Jessup",
    "Kendrick",
    "Larkin",
    "Merritt",
    "Norwood",
    "Oakes",
    "Prescott",
    "Quimby",
    "Radley",
    "Sutton",
    "Thorne",
    "Upton",
    "Vance",
    "Whitlock",
    "Yardley",
]
TITLES = ("VP Sales", "Account Executive", "SDR", "Head of Growth", "CTO", "Buyer", "Analyst")
COMPANY_WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Vandelay",
    "Hooli",
    "Soylent",
    "Wonka",
]
SEQUENCE_NAMES = (
    "Inbound follow-up",
    "Outbound cold",
    "Event attendees",
    "Trial nurture",
    "Re-engage lost deals",
    "Champion change",
    "Webinar invite",
    "Expansion play",
)
# How often each sequence-state state is drawn (pending, opted_out and the error
# states are rarer, as they are in a real org).
STATE_WEIGHTS = (40, 10, 25, 5, 5, 5, 5, 5)
MANUAL_TASK_TYPES = ("manual", "manual", "manual", "follow_up", "no_reply", "touch")


def _scaled(base: int, size: float, minimum: int = 1) -> int:
    return max(minimum, round(base * size))


def seed_store(seed: int, size: float, start: datetime) -> Store:
    """Build the demo org."""
    rng = random.Random(seed)
    store = Store()
    epoch = iso(start - timedelta(days=400))

    def past(max_days: int) -> datetime:
        return start - timedelta(seconds=rng.randrange(60, max_days * 86400))

    for name, weight, color in (("High", 3, 16711680), ("Medium", 2, 16753920), ("Low", 1, 32768)):
        store.add("taskPriority", task_priority_attrs(epoch, name, weight, color), {})

    users: list[Record] = []
    for n in range(_scaled(6, size**0.5, 3)):
        first, last = FIRST[n % len(FIRST)], LAST[n % len(LAST)]
        email = f"{first}.{last}{n + 1}@example.com".lower()
        user = store.add(
            "user", user_attrs(epoch, first, last, email, "Sales Rep"), blank_rels("user")
        )
        box = store.add(
            "mailbox",
            mailbox_attrs(epoch, email, user.id),
            blank_rels("mailbox", user=("user", user.id)),
        )
        user.rels["mailbox"] = ("mailbox", box.id)
        users.append(user)

    accounts: list[Record] = []
    for n in range(_scaled(200, size)):
        word = COMPANY_WORDS[n % len(COMPANY_WORDS)]
        name = f"{word} {n + 1}"
        made = iso(past(365))
        owner = ("user", rng.choice(users).id)
        rels = blank_rels("account", owner=owner, creator=owner, updater=owner)
        accounts.append(
            store.add(
                "account", account_attrs(made, name, f"{word.lower()}{n + 1}.example.com"), rels
            )
        )

    prospects: list[Record] = []
    for n in range(_scaled(3000, size, 10)):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        created = past(300)
        updated = min(start, created + timedelta(seconds=rng.randrange(0, 90 * 86400)))
        attrs = prospect_attrs(iso(created))
        account = rng.choice(accounts)
        attrs.update(
            firstName=first,
            lastName=last,
            name=f"{first} {last}",
            emails=[f"{first}.{last}.{n + 1}@example.com".lower()],
            title=rng.choice(TITLES),
            company=account.attributes["name"],
            timeZone="America/Los_Angeles",
            tags=["sandbox"] if n % 7 == 0 else [],
            updatedAt=iso(updated),
        )
        owner = ("user", rng.choice(users).id)
        rels = blank_rels(
            "prospect", account=("account", account.id), owner=owner, creator=owner, updater=owner
        )
        prospects.append(store.add("prospect", attrs, rels))

    sequences: list[tuple[Record, list[Record]]] = []
    for n in range(len(SEQUENCE_NAMES) + int(size) - 1):
        name = SEQUENCE_NAMES[n % len(SEQUENCE_NAMES)] + (
            "" if n < len(SEQUENCE_NAMES) else f" {n}"
        )
        count = 3 + n % 4
        owner = ("user", users[n % len(users)].id)
        seq = store.add(
            "sequence",
            sequence_attrs(epoch, name, enabled=n % 5 != 4, step_count=count),
            blank_rels("sequence", owner=owner, creator=owner, updater=owner),
        )
        steps = []
        for order in range(1, count + 1):
            step_type = STEP_TYPES[(n + order) % len(STEP_TYPES)]
            interval = 0 if order == 1 else (order - 1) * 2 * 86400
            rels = blank_rels(
                "sequenceStep",
                sequence=("sequence", seq.id),
                taskPriority=("taskPriority", 2),
                creator=owner,
                updater=owner,
            )
            steps.append(
                store.add("sequenceStep", step_attrs(epoch, order, step_type, interval), rels)
            )
        sequences.append((seq, steps))

    taken: set[tuple[int, int]] = set()
    for _ in range(_scaled(2000, size)):
        prospect = rng.choice(prospects)
        seq, steps = rng.choice(sequences)
        if (prospect.id, seq.id) in taken:
            continue
        taken.add((prospect.id, seq.id))
        state_name = rng.choices(SEQUENCE_STATE_STATES, STATE_WEIGHTS)[0]
        if not seq.attributes["enabled"] and state_name == "active":
            state_name = "disabled"
        _seed_state(store, rng, prospect, seq, steps, state_name, past(120), start)

    for _ in range(_scaled(1000, size)):
        prospect = rng.choice(prospects)
        owner = ("user", rng.choice(users).id)
        created = past(60)
        due = created + timedelta(seconds=rng.randrange(0, 40 * 86400))
        task_type = rng.choice(MANUAL_TASK_TYPES)
        attrs = task_attrs(
            iso(created),
            action=rng.choice(TASK_ACTIONS),
            task_type=task_type,
            due_at=iso(due),
            note=f"Follow up with {prospect.attributes['firstName']}",
        )
        rels = blank_rels(
            "task",
            owner=owner,
            creator=owner,
            prospect=("prospect", prospect.id),
            subject=("prospect", prospect.id),
            account=prospect.rels["account"],
            taskPriority=("taskPriority", rng.randint(1, 3)),
        )
        task = store.add("task", attrs, rels)
        if due < start and rng.random() < 0.5:
            complete_task(task, iso(due), owner[1])

    for _ in range(_scaled(1500, size)):
        prospect = rng.choice(prospects)
        user_id = rng.choice(users).id
        created = past(90)
        attrs = call_attrs(iso(created))
        answered = rng.random() < 0.4
        attrs.update(
            direction=rng.choice(("outbound", "outbound", "inbound")),
            outcome="Answered" if answered else "Not Answered",
            dialedAt=iso(created),
            answeredAt=iso(created + timedelta(seconds=12)) if answered else None,
            completedAt=iso(created + timedelta(seconds=rng.randrange(20, 900))),
            to="+1 555-0100",
            **{"from": "+1 555-0199"},
            userCallType="voip",
            note="Left a voicemail" if not answered else "Discussed next steps",
        )
        rels = blank_rels("call", prospect=("prospect", prospect.id), user=("user", user_id))
        store.add("call", attrs, rels)
    return store


def _seed_state(
    store: Store,
    rng: random.Random,
    prospect: Record,
    seq: Record,
    steps: list[Record],
    state_name: str,
    created: datetime,
    start: datetime,
) -> None:
    owner_id = prospect.rel_id("owner") or 1
    owner = store.get("user", owner_id)
    mailbox_ref = owner.rels["mailbox"] if owner else None
    attrs = sequence_state_attrs(iso(created), "active")
    rels = blank_rels(
        "sequenceState",
        prospect=("prospect", prospect.id),
        sequence=("sequence", seq.id),
        mailbox=mailbox_ref,
        account=prospect.rels["account"],
        creator=("user", owner_id),
    )
    state = store.add("sequenceState", attrs, rels)
    attrs = state.attributes  # the store keeps its own (change-counting) copy
    reached = rng.randrange(len(steps)) if state_name != "finished" else len(steps) - 1
    moment = created
    for index, step in enumerate(steps[: reached + 1]):
        work = enter_step(store, state, step, moment)
        moment += timedelta(seconds=int(step.attributes["interval"]) or 3600)
        done = index < reached or state_name == "finished"
        if work.type == "task" and done:
            complete_task(work, iso(moment), owner_id)
            if work.rels["mailing"]:
                mail = store.deref(work.rels["mailing"])
                if mail:
                    mail.attributes.update(state="delivered", deliveredAt=iso(moment))
        elif work.type == "mailing" and (done or moment < start):
            work.attributes.update(
                state="delivered", deliveredAt=iso(moment), stateChangedAt=iso(moment)
            )
        if step.attributes["stepType"] in STEP_TASK and work.type == "task":
            work.attributes["createdAt"] = iso(moment - timedelta(hours=1))
            if state_name == "pending" and not done:
                # Work of a not-yet-started state waits, scheduled, as a pending task.
                work.attributes.update(state="pending", scheduledAt=work.attributes["dueAt"])
    stamp = iso(min(moment, start))
    attrs["state"] = state_name
    attrs["stateChangedAt"] = stamp
    attrs["updatedAt"] = stamp
    attrs["activeAt"] = stamp if state_name == "active" else None
    if state_name == "paused":
        attrs["pauseReason"] = "manual"
    elif state_name in {"failed", "bounced"}:
        attrs["errorReason"] = (
            "Mailbox rejected the message" if state_name == "bounced" else "Send failed"
        )
        attrs["bounceCount"] = 1 if state_name == "bounced" else 0
        attrs["failureCount"] = 1 if state_name == "failed" else 0
    elif state_name == "pending":
        attrs["activeAt"] = None
