"""What each emulator holds after the soak: the records of every soak write, by marker.

Read straight from the emulator's state (with its faults cleared and every late
commit landed), not through engage: the count must not depend on the code
under test reading correctly. Each function answers ``{key: [record ids]}``
where the key is a write's marker (``soak<seed>x<index>``), or for enrollments
the target id, and ids are as engage shows them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ._soak_faults import MARKER

Census = dict[str, dict[str, list[str]]]
"""operation -> key -> ids of the records found for it."""


@dataclass(frozen=True)
class VendorSpec:
    """Where a vendor's writes go and how its emulator is read."""

    write_path: str  # glob of the API's write paths (not the token endpoint)
    census: Callable[[Any, str], Census]  # (app, sequence id) -> census
    same_id: Callable[[str, str], bool]


def _markers(text: Any) -> list[str]:
    return MARKER.findall(text) if isinstance(text, str) else []


def _index(
    rows: Any, text: Callable[[Any], Any], ident: Callable[[Any], Any]
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        for marker in set(_markers(text(row))):
            found[marker].append(str(ident(row)))
    return dict(found)


def salesloft(app: Any, sequence_id: str) -> Census:
    emulator = app.state.emulator
    with emulator.lock:
        st = emulator.state
        notes = dict(st.notes)
        memberships: dict[str, list[str]] = defaultdict(list)
        for m in st.memberships.values():
            if str(m["cadence_id"]) == sequence_id:
                memberships[str(m["person_id"])].append(str(m["id"]))

        def call_text(call: dict[str, Any]) -> Any:
            note = notes.get(call.get("note_id") or 0)
            return note["content"] if note else None

        return {
            "targets.create": _index(
                st.people.values(), lambda p: p["email_address"], lambda p: p["id"]
            ),
            "tasks.create": _index(st.tasks.values(), lambda t: t["subject"], lambda t: t["id"]),
            "activities.log_call": _index(st.calls.values(), call_text, lambda c: c["id"]),
            "activities.log_note": _index(
                (n for n in notes.values() if n.get("call_id") is None),
                lambda n: n["content"],
                lambda n: n["id"],
            ),
            "enrollments.enroll": dict(memberships),
        }


def outreach(app: Any, sequence_id: str) -> Census:
    store = app.state.outreach.store

    def attr(name: str) -> Callable[[Any], Any]:
        return lambda record: record.attributes.get(name)

    states: dict[str, list[str]] = defaultdict(list)
    for s in store.all("sequenceState"):
        if s.rel_id("sequence") == int(sequence_id):
            states[str(s.rel_id("prospect"))].append(str(s.id))
    return {
        "targets.create": _index(
            store.all("prospect"), lambda p: " ".join(p.attributes["emails"]), lambda p: p.id
        ),
        "tasks.create": _index(store.all("task"), attr("note"), lambda t: t.id),
        "activities.log_call": _index(store.all("call"), attr("note"), lambda c: c.id),
        "activities.log_note": _index(store.all("prospectNote"), attr("message"), lambda n: n.id),
        "enrollments.enroll": dict(states),
    }


def salesforce(app: Any, sequence_id: str) -> Census:
    store = app.state.org.store
    with store.lock:
        tasks = list(store.rows("Task"))
        trackers: dict[str, list[str]] = defaultdict(list)
        for t in store.rows("ActionCadenceTracker"):
            # A target is in one cadence at a time: every tracker of it counts.
            trackers[str(t["TargetId"])[:15]].append(str(t["Id"]))
        # A task's subject or a call's description holds its marker (never both kinds).
        by_text = _index(
            tasks, lambda t: f"{t['Subject']} {t['Description'] or ''}", lambda t: t["Id"]
        )
        return {
            "targets.create": _index(store.rows("Lead"), lambda r: r["Email"], lambda r: r["Id"]),
            "tasks.create": by_text,
            "activities.log_call": by_text,
            "activities.log_note": _index(
                store.rows("Note"), lambda n: n["Body"], lambda n: n["Id"]
            ),
            "enrollments.enroll": dict(trackers),
        }


def _exact(a: str, b: str) -> bool:
    return a == b


def _sf_same(a: str, b: str) -> bool:
    return a[:15] == b[:15]


VENDORS: dict[str, VendorSpec] = {
    "salesloft": VendorSpec("/v2/*", salesloft, _exact),
    "outreach": VendorSpec("/api/v2/*", outreach, _exact),
    "salesforce": VendorSpec("/services/data/*", salesforce, _sf_same),
}


def enrollment_key(vendor: str, target_id: str) -> str:
    """The census key of an enrollment write: its target id (Salesforce's 15-character form)."""
    return target_id[:15] if vendor == "salesforce" else target_id
