"""Deterministic demo org: users, accounts, leads, contacts, cadences, trackers, tasks, notes.

Everything is drawn from ``random.Random(seed)`` and dated relative to the
sandbox clock, so the same seed and clock give the same org, id for id.
``size`` scales the record counts (1.0 is about 2,000 records).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from ._auth import DEMO_USERNAME
from ._data_cadence import _STATE_WEIGHTS, TRACKER_STATES, CadenceData
from ._state_store import Record, Store

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


class DemoOrg(CadenceData):
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
        self.orphan_steps(cadences)

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
