"""Deterministic demo data: a team, its users, cadences, steps, people and cadence work.

Every section draws from its own ``random.Random`` seeded with the options'
seed and the section's name, so adding a record type never reshuffles the
others. Counts scale with ``size`` (1.0: about 3,000 people); size 17 gives
about 50,000 people and 50,000 open actions and still builds in seconds,
because records are flat dicts cloned from templates. Names are drawn from
generic lists and e-mail addresses use example.com: no real person is described.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from ._data_activity import build_activity, build_histories
from ._data_rng import Rng
from ._state_store import (
    CONTACT_RESTRICTIONS,
    GROUP_IDS,
    ID_BASE,
    JOB_SENIORITIES,
    OFF_CADENCE_STATES,
    PERSON_STAGE_IDS,
    TEAM_ID,
    Record,
    State,
)
from ._state_templates import PERSON_TEMPLATE, USER_TEMPLATE

FIRST_NAMES = (
    "Alex", "Blair", "Casey", "Dana", "Elliot", "Frankie", "Gale", "Harper", "Indy", "Jordan",
    "Kendall", "Logan", "Morgan", "Noel", "Oakley", "Parker", "Quinn", "Reese", "Sage", "Taylor",
    "Umber", "Val", "Wren", "Xen", "Yael", "Zion", "Ari", "Bay", "Cruz", "Drew",
)  # fmt: skip
LAST_NAMES = (
    "Sample", "Example", "Placeholder", "Demo", "Testwell", "Mockford", "Fixture", "Stubbs",
    "Dummyton", "Prototype", "Sandbox", "Specimen", "Pilot", "Trial", "Draftson", "Modelle",
    "Templeton", "Proxy", "Surrogate", "Standin",
)  # fmt: skip
TITLES = (
    "Manager", "Director of Sales", "VP Marketing", "Account Executive", "Engineer",
    "Head of Operations", "CFO", "Product Lead", "Procurement Specialist", "Founder",
)  # fmt: skip
INDUSTRIES = ("Software", "Manufacturing", "Healthcare", "Retail", "Finance", "Logistics", None)
PLACES = (
    ("Springfield", "IL", "US"), ("Riverton", "WY", "US"), ("Lakeside", "CA", "US"),
    ("Fairview", "TX", "US"), ("Georgetown", "ON", "CA"), ("Kingston", None, "GB"),
    ("Newport", None, "GB"), ("Hamburg", None, "DE"),
)  # fmt: skip
LOCALES = (("US/Pacific", -480), ("US/Eastern", -300), ("Europe/London", 0), ("Europe/Berlin", 60))
CADENCE_THEMES = (
    "Inbound Follow-up", "Outbound Prospecting", "Event Invite", "Re-engagement",
    "Trial Nurture", "Executive Outreach", "Webinar Attendees", "Renewal Check-in",
)  # fmt: skip
CADENCE_FUNCTIONS = ("outbound", "inbound", "event", "other")
STEP_LABELS = {"email": "Email", "phone": "Phone", "other": "Other"}


def _stamp(rng: Rng, now: datetime, max_age: timedelta, min_age: timedelta) -> datetime:
    span = int((max_age - min_age).total_seconds() * 1_000_000)
    return now - min_age - timedelta(microseconds=rng.randrange(max(span, 1)))


def _between(rng: Rng, start: datetime, end: datetime) -> datetime:
    span = int((end - start).total_seconds() * 1_000_000)
    return start + timedelta(microseconds=rng.randrange(span)) if span > 0 else start


def _users(state: State, size: float, seed: int) -> None:
    rng = Rng(f"{seed}:users")
    now = state.now0
    count = max(4, min(50, round(6 + 2 * size)))
    for i in range(count):
        first, last = FIRST_NAMES[i % len(FIRST_NAMES)], LAST_NAMES[(i * 7) % len(LAST_NAMES)]
        email = f"{first}.{last}{i + 1}@example.com".lower()
        created = _stamp(rng, now, timedelta(days=900), timedelta(days=200))
        user: Record = dict(USER_TEMPLATE)
        user.update(
            id=ID_BASE["user"] + i,
            guid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            created_at=created,
            updated_at=_between(rng, created, now - timedelta(days=1)),
            name=f"{first} {last}",
            first_name=first,
            last_name=last,
            job_role="Sales Manager" if i == 0 else rng.choice(("Sales Rep", "SDR", "AE")),
            active=i != count - 1,
            time_zone=LOCALES[i % len(LOCALES)][0],
            locale_utc_offset=LOCALES[i % len(LOCALES)][1],
            slack_username=f"{first}{i + 1}".lower(),
            email=email,
            email_client_email_address=email,
            sending_email_address=email,
            full_email_address=f'"{first} {last}" <{email}>',
            work_country=rng.choice(("US", "GB", "DE")),
            team_admin=i == 0,
            crm_connected=i % 2 == 0,
            _group_id=None if i % 3 == 2 else GROUP_IDS[i % 2],
            _role="Admin" if i == 0 else "User",
            _phone_client_id=50001 + i,
            _phone_number_assignment_id=34901 + i,
        )
        state.users[user["id"]] = user
        state.next_id["user"] = user["id"] + 1


def _cadences(state: State, size: float, seed: int) -> None:
    rng = Rng(f"{seed}:cadences")
    now = state.now0
    admin = min(state.users)
    reps = [u["id"] for u in state.users.values() if u["active"] and not u["team_admin"]]
    count = max(5, min(120, round(8 + 4 * size)))
    for i in range(count):
        team = i % 3 == 0
        owner = admin if team else reps[i % len(reps)]
        created = _stamp(rng, now, timedelta(days=400), timedelta(days=60))
        cadence_id = state.new_id("cadence")
        state.cadences[cadence_id] = {
            "id": cadence_id,
            "created_at": created,
            "updated_at": _between(rng, created, now - timedelta(days=2)),
            "archived_at": now - timedelta(days=3) if i == count - 1 else None,
            "latest_active_date": None,
            "team_cadence": team,
            "shared": team or rng.random() < 0.5,
            "remove_bounces_enabled": rng.random() < 0.7,
            "remove_replies_enabled": rng.random() < 0.7,
            "opt_out_link_included": rng.random() < 0.5,
            "draft": i == count - 2,
            "override_contact_restrictions": None,
            "cadence_framework_id": None,
            "cadence_function": CADENCE_FUNCTIONS[i % len(CADENCE_FUNCTIONS)],
            "name": f"{CADENCE_THEMES[i % len(CADENCE_THEMES)]} {i // len(CADENCE_THEMES) + 1}",
            "external_identifier": None,
            "tags": sorted(rng.sample(("q1", "enterprise", "smb", "event", "nurture"), 2)),
            "creator_id": owner,
            "owner_id": owner,
            "_stages": rng.sample(PERSON_STAGE_IDS, 4),
            "_group_ids": [] if team else [GROUP_IDS[i % 2]],
            "_people_count": 0,
            "_acted_on": 0,
            "_target_daily": rng.choice((0, 10, 25, 50)),
        }
        _steps(state, rng, cadence_id, created)


def _steps(state: State, rng: Rng, cadence_id: int, created: datetime) -> None:
    day = 1
    for number in range(1, 3 + rng.randrange(6) + 1):
        if number > 1:
            day += rng.choice((0, 1, 2, 3))
        kind = rng.choices(("email", "phone", "other"), weights=(5, 4, 1))[0]
        step_id = state.new_id("step")
        state.steps[step_id] = {
            "id": step_id,
            "created_at": created + timedelta(minutes=number),
            "updated_at": created + timedelta(minutes=number, seconds=rng.randrange(86400)),
            "disabled": False,
            "type": kind,
            "name": f"{STEP_LABELS[kind]} touch {number}",
            "display_name": f"Day {day}: Step {number} - {STEP_LABELS[kind]}",
            "day": day,
            "step_number": number,
            "multitouch_enabled": rng.random() < 0.15,
            "cadence_id": cadence_id,
        }
        state.steps_by_cadence[cadence_id].append(step_id)


def _people(state: State, size: float, seed: int) -> None:
    rng = Rng(f"{seed}:people")
    now = state.now0
    users = [u["id"] for u in state.users.values()]
    count = max(40, round(3000 * size))
    accounts = [ID_BASE["account"] + i for i in range(max(8, count // 15))]
    state.accounts.update(accounts)
    rand, choice, randrange = rng.random, rng.choice, rng.randrange
    for i in range(count):
        person_id = ID_BASE["person"] + i
        first, last = choice(FIRST_NAMES), choice(LAST_NAMES)
        city, region, country = choice(PLACES)
        locale, offset = choice(LOCALES)
        created = _stamp(rng, now, timedelta(days=365), timedelta(hours=2))
        person: Record = dict(PERSON_TEMPLATE)
        account = None if rand() < 0.1 else choice(accounts)
        company = f"Company {account - ID_BASE['account'] + 1}" if account else None
        person.update(
            id=person_id,
            created_at=created,
            updated_at=_between(rng, created, now - timedelta(minutes=5)),
            first_name=first,
            last_name=last,
            email_address=None if rand() < 0.02 else f"{first}.{last}.{i + 1}@example.com".lower(),
            phone=f"+1555{randrange(10**7):07d}" if rand() < 0.8 else None,
            mobile_phone=f"+1555{randrange(10**7):07d}" if rand() < 0.3 else None,
            title=choice(TITLES),
            city=city,
            state=region,
            country=country,
            person_company_name=company,
            person_company_website=f"https://company{account}.example.com" if account else None,
            person_company_industry=choice(INDUSTRIES),
            do_not_contact=rand() < 0.03,
            bouncing=rand() < 0.02,
            locale=locale,
            locale_utc_offset=offset,
            eu_resident=country in ("DE", "GB") and rand() < 0.8,
            job_seniority=choice(JOB_SENIORITIES) if rand() < 0.9 else None,
            tags=sorted(
                rng.sample(("vip", "webinar", "trial", "partner", "churn-risk"), randrange(3))
            ),
            contact_restrictions=[choice(CONTACT_RESTRICTIONS)] if rand() < 0.05 else [],
            custom_fields={"Lead Source": choice(("Website", "Event", "Referral"))}
            if rand() < 0.4
            else {},
            owner_id=choice(users),
            account_id=account,
            person_stage_id=choice(PERSON_STAGE_IDS) if rand() < 0.6 else None,
            import_id=5174826 if rand() < 0.2 else None,
            crm_id=f"003{person_id:015d}" if rand() < 0.3 else None,
            counts={
                "emails_sent": randrange(6),
                "emails_viewed": randrange(4),
                "emails_clicked": randrange(2),
                "emails_replied_to": randrange(2),
                "emails_bounced": 0,
                "calls": randrange(3),
            },
        )
        if person["crm_id"]:
            person["crm_object_type"] = "Contact"
            person["crm_url"] = f"https://crm.example.com/{person['crm_id']}"
        if rand() < 0.5:
            person["last_contacted_at"] = _between(rng, created, person["updated_at"])
            person["last_contacted_type"] = choice(("email", "call", "other"))
            person["last_contacted_by_id"] = person["owner_id"]
        state.people[person_id] = person
        state.index_person(person)
    state.next_id["person"] = ID_BASE["person"] + count


def _enrol(state: State, seed: int) -> None:
    """Cadence memberships in every documented state, with the open actions they imply."""
    rng = Rng(f"{seed}:memberships")
    now = state.now0
    today = datetime(now.year, now.month, now.day, tzinfo=UTC)
    addable = [c for c in state.cadences.values() if not c["archived_at"] and not c["draft"]]
    everything = list(state.cadences.values())
    active_users = [u["id"] for u in state.users.values() if u["active"]]
    group = 0
    for person in state.people.values():
        plans: list[tuple[Record, str]] = []
        if not person["do_not_contact"] and rng.random() < 0.9:
            state_name = rng.choices(
                ("staged", "active", "scheduled", "processing"), (3, 6, 2, 0.2)
            )
            plans.append((rng.choice(addable), state_name[0]))
        if rng.random() < 0.35:
            plans.append((rng.choice(everything), rng.choice(OFF_CADENCE_STATES)))
        for cadence, current in plans:
            if (person["id"], cadence["id"]) in state.membership_by_pair:
                continue
            user = cadence["owner_id"] if not cadence["team_cadence"] else person["owner_id"]
            if not state.users[user]["active"]:
                user = rng.choice(active_users)
            added = _between(rng, max(person["created_at"], cadence["created_at"]), now)
            on = current not in OFF_CADENCE_STATES
            membership: Record = {
                "id": state.new_id("membership"),
                "added_at": added,
                "created_at": added,
                "updated_at": _between(rng, added, now),
                "person_deleted": False,
                "currently_on_cadence": on,
                "current_state": current,
                "cadence_id": cadence["id"],
                "person_id": person["id"],
                "user_id": user,
                "latest_action_id": None,
                "counts": {
                    "views": rng.randrange(4),
                    "clicks": rng.randrange(2),
                    "replies": rng.randrange(2) if not on else 0,
                    "calls": rng.randrange(3),
                    "sent_emails": rng.randrange(4),
                    "bounces": 0,
                },
            }
            state.add_membership(membership)
            cadence["_people_count"] += 1
            if current != "staged":
                cadence["_acted_on"] += 1
            if current == "processing":
                continue
            steps = state.steps_by_cadence[cadence["id"]]
            step = state.steps[steps[0] if current == "staged" else rng.choice(steps)]
            if not on:
                membership["latest_action_id"] = state.new_id("action")
                continue
            due = today + timedelta(days=rng.randint(-10, 20))
            kinds = [step["type"]]
            group_id = None
            if step["multitouch_enabled"]:
                group += 1
                group_id = group
                kinds.append("phone" if step["type"] != "phone" else "email")
            for kind in kinds:
                created = _between(rng, added, now)
                action: Record = {
                    "id": state.new_id("action"),
                    "created_at": created,
                    "updated_at": _between(rng, created, now),
                    "type": kind,
                    "status": "pending_activity" if current == "scheduled" else "in_progress",
                    "due_on": due,
                    "multitouch_group_id": group_id,
                    "step_id": step["id"],
                    "user_id": user,
                    "person_id": person["id"],
                    "cadence_id": cadence["id"],
                    "task_id": None,
                    "_membership_id": membership["id"],
                }
                state.add_action(action)
                if membership["latest_action_id"] is None:
                    membership["latest_action_id"] = action["id"]
    state.next_id["multitouch"] = group + 1


def build_state(seed: int, size: float, now: datetime) -> State:
    team: Record = {"id": TEAM_ID, "name": "Sandbox Demo Team"}
    state = State(now0=now, team=team)
    _users(state, size, seed)
    _cadences(state, size, seed)
    _people(state, size, seed)
    _enrol(state, seed)
    build_activity(state, size, seed)
    state.history_builder = lambda s: build_histories(s, seed)
    return state
