"""The resource types the emulator serves, as the Outreach v2 reference describes them.

Filterable and sortable attributes follow the ``filterable``/``sortable`` badges of
the Outreach reference (the same flags the vendor's ``/api/v2/schema.json`` carries);
relationship filters follow each relationship's "You can use attributes ... to filter"
sentence. Keeping these as data lets one generic query engine serve every type.
"""

from __future__ import annotations

from dataclasses import dataclass

# How a filter value is parsed for an attribute; anything not listed is a string.
INT_ATTRS = frozenset(
    {
        "id",
        "clickCount",
        "deliverCount",
        "openCount",
        "replyCount",
        "order",
        "throttleCapacity",
        "throttleMaxAddsPerDay",
        "userId",
        "weight",
    }
)
NUMBER_ATTRS = frozenset({"engagedScore", "buyerIntentScore"})
BOOL_ATTRS = frozenset({"locked", "named", "enabled"})
# Compared case-insensitively, as e-mail addresses are.
CASELESS_ATTRS = frozenset({"emails", "email"})


def attr_kind(name: str) -> str:
    """The value kind of an attribute: int, number, bool, datetime or string."""
    if name in INT_ATTRS:
        return "int"
    if name in NUMBER_ATTRS:
        return "number"
    if name in BOOL_ATTRS:
        return "bool"
    if name.endswith("At"):
        return "datetime"
    return "string"


@dataclass(frozen=True)
class ToOne:
    """A to-one relationship; ``targets`` has several types only for polymorphic ones."""

    targets: tuple[str, ...]
    writable: bool = False
    # Attributes of the related record usable as filter[rel][attr]; empty: not filterable.
    filter_attrs: frozenset[str] = frozenset({"id"})


@dataclass(frozen=True)
class ToMany:
    """A to-many relationship, answered as a ``links.related`` URL.

    The related records are those of type ``target`` whose to-one ``inverse`` points
    at this record (or, with ``own``, at the record this one's ``own`` points to).
    """

    target: str
    inverse: str
    own: str | None = None
    with_data: bool = False
    filterable: bool = False


@dataclass(frozen=True)
class ResourceDef:
    type: str
    plural: str
    to_one: dict[str, ToOne]
    to_many: dict[str, ToMany]
    filterable: frozenset[str]
    sortable: frozenset[str]
    writable: frozenset[str] = frozenset()
    prefix_search: tuple[str, ...] = ()


def _one(*targets: str, writable: bool = False, attrs: tuple[str, ...] = ("id",)) -> ToOne:
    return ToOne(targets, writable, frozenset(attrs))


def _no_filter(*targets: str, writable: bool = False) -> ToOne:
    return ToOne(targets, writable, frozenset())


_TS = ("createdAt", "updatedAt")

PROSPECT_WRITABLE = frozenset(
    {
        "addressCity",
        "addressCountry",
        "addressState",
        "addressStreet",
        "addressZip",
        "company",
        "custom1",
        "custom2",
        "custom3",
        "custom4",
        "custom5",
        "emails",
        "externalSource",
        "firstName",
        "homePhones",
        "lastName",
        "linkedInUrl",
        "middleName",
        "mobilePhones",
        "occupation",
        "otherPhones",
        "tags",
        "timeZone",
        "title",
        "voipPhones",
        "websiteUrl1",
        "workPhones",
    }
)

RESOURCES: dict[str, ResourceDef] = {
    d.type: d
    for d in [
        ResourceDef(
            type="user",
            plural="users",
            to_one={"mailbox": _one("mailbox"), "creator": _one("user"), "updater": _one("user")},
            to_many={"mailboxes": ToMany("mailbox", "user")},
            filterable=frozenset({*_TS, "currentSignInAt", "email", "firstName", "lastName"})
            | {"locked", "username"},
            sortable=frozenset({*_TS, "currentSignInAt", "email", "firstName", "lastName"})
            | {"locked", "username"},
        ),
        ResourceDef(
            type="mailbox",
            plural="mailboxes",
            to_one={"user": _one("user"), "creator": _one("user"), "updater": _one("user")},
            to_many={"mailings": ToMany("mailing", "mailbox")},
            filterable=frozenset({*_TS, "email", "userId"}),
            sortable=frozenset({*_TS, "email", "userId"}),
        ),
        ResourceDef(
            type="account",
            plural="accounts",
            to_one={"owner": _one("user"), "creator": _one("user"), "updater": _one("user")},
            to_many={
                "prospects": ToMany("prospect", "account"),
                "tasks": ToMany("task", "account"),
            },
            filterable=frozenset({*_TS, "buyerIntentScore", "customId", "domain", "name", "named"})
            | {"touchedAt"},
            sortable=frozenset({*_TS, "buyerIntentScore", "customId", "domain", "name", "named"})
            | {"touchedAt"},
            prefix_search=("name", "domain"),
        ),
        ResourceDef(
            type="prospect",
            plural="prospects",
            to_one={
                "account": _one("account", writable=True),
                "owner": _one("user", writable=True),
                "stage": _one("stage", writable=True),
                "persona": _one("persona", writable=True),
                "creator": _one("user"),
                "updater": _one("user"),
            },
            to_many={
                "calls": ToMany("call", "prospect"),
                "mailings": ToMany("mailing", "prospect"),
                "sequenceStates": ToMany("sequenceState", "prospect"),
                "tasks": ToMany("task", "prospect"),
            },
            filterable=frozenset(
                {*_TS, "emails", "engagedAt", "engagedScore", "externalSource", "firstName"}
                | {"lastName", "timeZone", "title", "touchedAt"}
            ),
            sortable=frozenset(
                {*_TS, "engagedAt", "engagedScore", "externalSource", "firstName", "lastName"}
                | {"title", "touchedAt"}
            ),
            writable=PROSPECT_WRITABLE,
            prefix_search=("firstName", "lastName", "name", "emails"),
        ),
        ResourceDef(
            type="sequence",
            plural="sequences",
            to_one={"owner": _one("user"), "creator": _one("user"), "updater": _one("user")},
            to_many={
                "sequenceSteps": ToMany("sequenceStep", "sequence"),
                "sequenceStates": ToMany("sequenceState", "sequence"),
                "tasks": ToMany("task", "sequence"),
                "mailings": ToMany("mailing", "sequence"),
                "calls": ToMany("call", "sequence"),
            },
            filterable=frozenset(
                {*_TS, "clickCount", "deliverCount", "enabledAt", "lastUsedAt", "lockedAt"}
                | {"name", "openCount", "replyCount", "shareType"}
            ),
            sortable=frozenset(
                {*_TS, "clickCount", "deliverCount", "enabledAt", "lastUsedAt", "lockedAt"}
                | {"name", "openCount", "replyCount", "shareType"}
            ),
        ),
        ResourceDef(
            type="sequenceStep",
            plural="sequenceSteps",
            to_one={
                "sequence": _one("sequence"),
                "taskPriority": _one("taskPriority"),
                "creator": _one("user"),
                "updater": _one("user"),
            },
            to_many={
                "tasks": ToMany("task", "sequenceStep"),
                "mailings": ToMany("mailing", "sequenceStep"),
                "calls": ToMany("call", "sequenceStep"),
            },
            filterable=frozenset({*_TS, "date", "order", "stepType"}),
            sortable=frozenset({*_TS, "date", "order", "stepType"}),
        ),
        ResourceDef(
            type="sequenceState",
            plural="sequenceStates",
            to_one={
                "prospect": _one("prospect", writable=True, attrs=("id", "emails")),
                "sequence": _one("sequence", writable=True),
                "mailbox": _one("mailbox", writable=True),
                "sequenceStep": _one("sequenceStep"),
                "account": _one("account"),
                "opportunity": _one("opportunity"),
                "creator": _one("user"),
            },
            to_many={
                "tasks": ToMany("task", "sequenceState"),
                "mailings": ToMany("mailing", "sequenceState"),
                "calls": ToMany("call", "sequenceState"),
            },
            filterable=frozenset(
                {*_TS, "callCompletedAt", "clickCount", "deliverCount", "openCount"}
                | {"pauseReason", "repliedAt", "replyCount", "state", "stateChangedAt"}
            ),
            sortable=frozenset(
                {*_TS, "callCompletedAt", "clickCount", "deliverCount", "openCount"}
                | {"pauseReason", "repliedAt", "replyCount", "state", "stateChangedAt"}
            ),
        ),
        ResourceDef(
            type="taskPriority",
            plural="taskPriorities",
            to_one={},
            to_many={
                "tasks": ToMany("task", "taskPriority"),
                "sequenceSteps": ToMany("sequenceStep", "taskPriority"),
            },
            filterable=frozenset({*_TS, "name", "weight"}),
            sortable=frozenset({*_TS, "name", "weight"}),
        ),
        ResourceDef(
            type="task",
            plural="tasks",
            to_one={
                "account": _one("account"),
                "call": _one("call"),
                "completer": _one("user"),
                "creator": _no_filter("user", "sequenceStep", "stage"),
                "mailing": _one("mailing"),
                "opportunity": _one("opportunity"),
                "owner": _one("user", writable=True, attrs=("id", "email", "firstName")),
                "prospect": _one(
                    "prospect",
                    attrs=("id", "createdAt", "firstName", "tags", "title", "updatedAt"),
                ),
                "sequence": _one("sequence", attrs=("id", "tags")),
                "sequenceState": _one("sequenceState"),
                "sequenceStep": _one("sequenceStep", attrs=("id", "stepType")),
                "sequenceTemplate": _one("sequenceTemplate"),
                "subject": _no_filter("prospect", "account", writable=True),
                "taskPriority": _one("taskPriority", writable=True, attrs=("id", "name")),
                "template": _one("template"),
            },
            to_many={
                "calls": ToMany("call", "task", filterable=True),
                "mailings": ToMany("mailing", "task", filterable=True),
                "sequenceSequenceSteps": ToMany(
                    "sequenceStep", "sequence", own="sequence", with_data=True, filterable=True
                ),
            },
            filterable=frozenset(
                {*_TS, "autoskipAt", "dueAt", "scheduledAt", "state", "stateChangedAt", "taskType"}
            ),
            sortable=frozenset(
                {*_TS, "autoskipAt", "dueAt", "scheduledAt", "state", "stateChangedAt", "taskType"}
            ),
            writable=frozenset({"action", "autoskipAt", "dueAt", "note", "opportunityAssociation"}),
        ),
        ResourceDef(
            type="mailing",
            plural="mailings",
            to_one={
                "mailbox": _one("mailbox"),
                "prospect": _one("prospect"),
                "sequence": _one("sequence"),
                "sequenceState": _one("sequenceState"),
                "sequenceStep": _one("sequenceStep"),
                "task": _one("task"),
                "template": _one("template"),
                "user": _one("user"),
                "opportunity": _one("opportunity"),
                "followUpSequence": _one("sequence"),
            },
            to_many={"tasks": ToMany("task", "mailing")},
            filterable=frozenset(
                {*_TS, "bouncedAt", "clickedAt", "deliveredAt", "mailingType", "messageId"}
                | {"notifyThreadScheduledAt", "notifyThreadStatus", "openedAt", "repliedAt"}
                | {"retryAt", "scheduledAt", "state", "stateChangedAt", "unsubscribedAt"}
            ),
            sortable=frozenset(
                {*_TS, "bouncedAt", "clickedAt", "deliveredAt", "mailingType", "messageId"}
                | {"notifyThreadScheduledAt", "notifyThreadStatus", "openedAt", "repliedAt"}
                | {"retryAt", "scheduledAt", "state", "stateChangedAt", "unsubscribedAt"}
            ),
        ),
        ResourceDef(
            type="call",
            plural="calls",
            to_one={
                "callDisposition": _one("callDisposition", writable=True),
                "callPurpose": _one("callPurpose", writable=True),
                "opportunity": _one("opportunity", writable=True),
                "phoneNumber": _one("phoneNumber"),
                "prospect": _one("prospect", writable=True),
                "sequence": _one("sequence"),
                "sequenceState": _one("sequenceState"),
                "sequenceStep": _one("sequenceStep"),
                "task": _one("task", writable=True),
                "user": _one("user", writable=True),
            },
            to_many={},
            filterable=frozenset(
                {*_TS, "from", "outcome", "recordingUrl", "state", "to", "userCallType"}
            ),
            sortable=frozenset(
                {*_TS, "from", "outcome", "recordingUrl", "state", "to", "userCallType"}
            ),
            writable=frozenset(
                {"answeredAt", "completedAt", "dialedAt", "direction", "externalVendor", "from"}
                | {"note", "outcome", "recordingUrl", "returnedAt", "sequenceAction"}
                | {"shouldRecordCall", "tags", "to", "userCallType", "vendorCallId"}
            ),
        ),
        ResourceDef(
            type="prospectNote",
            plural="prospectNotes",
            to_one={
                "creator": _no_filter("user"),
                "opportunity": _no_filter("opportunity"),
                "prospect": _one("prospect", writable=True),
            },
            to_many={},
            filterable=frozenset({"createdAt"}),
            sortable=frozenset({"createdAt"}),
            # opportunityAssociationRule is write-only: accepted, checked, not rendered.
            writable=frozenset({"message", "noteType", "opportunityAssociationRule", "pinned"}),
        ),
    ]
}

BY_PLURAL: dict[str, ResourceDef] = {d.plural: d for d in RESOURCES.values()}


def plural_of(type_: str) -> str | None:
    """The collection path of an emulated type (``None`` for types only referenced)."""
    d = RESOURCES.get(type_)
    return d.plural if d else None
