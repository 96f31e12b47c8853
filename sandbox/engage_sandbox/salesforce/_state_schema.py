"""The field model: which sObjects the emulator holds and what their fields are.

Fields are written in a compact one-line notation so the facts stay readable::

    Name  type  flags  [ref:Target1,Target2:RelationshipName]  [= value1|value2]

``flags`` is any of ``c`` (createable), ``u`` (updateable), ``n`` (nillable),
``d`` (defaulted on create), ``F`` (not filterable), ``S`` (not sortable), or
``-``. A createable field that is neither nillable nor defaulted is required on
create, as in Salesforce. Long text (``textarea``) is never filterable or
sortable; any other field is both unless its flags say otherwise, and SOQL
refuses a WHERE or ORDER BY on a field its describe marks as not so.

An org's *profile* (:func:`objects_for`) may lack fields: without CRM Call
Center, Task has no call fields, as in a real org without that feature.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from ._state_schema_cadence import CADENCE_OBJECTS
from ._state_schema_standard import STANDARD_OBJECTS

SYSTEM_FIELDS = """
Id id -
IsDeleted boolean -
CreatedById reference - ref:User:CreatedBy
CreatedDate datetime -
LastModifiedById reference - ref:User:LastModifiedBy
LastModifiedDate datetime -
SystemModstamp datetime -
"""

TEXT_TYPES = frozenset(
    {"string", "textarea", "picklist", "email", "phone", "url", "combobox", "multipicklist"}
)
ID_TYPES = frozenset({"id", "reference"})
NUMBER_TYPES = frozenset({"int", "double", "currency", "percent"})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    createable: bool
    updateable: bool
    nillable: bool
    defaulted: bool
    reference_to: tuple[str, ...] = ()
    relationship: str | None = None
    picklist: tuple[str, ...] = ()
    filterable: bool = True
    sortable: bool = True

    @property
    def required(self) -> bool:
        return (
            self.createable and not self.nillable and not self.defaulted and self.type != "boolean"
        )

    @property
    def label(self) -> str:
        base = (
            self.name[:-2] if self.type == "reference" and self.name.endswith("Id") else self.name
        )
        words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", base)
        return f"{words} ID" if self.type in ID_TYPES else words


@dataclass(frozen=True)
class ObjectSpec:
    name: str
    label: str
    label_plural: str
    key_prefix: str
    createable: bool
    updateable: bool
    deletable: bool
    fields: dict[str, FieldSpec] = field(default_factory=dict)

    def field_ci(self, name: str) -> FieldSpec | None:
        """SOQL and REST field names are case-insensitive."""
        return self._lower.get(name.lower())

    def relationship_ci(self, name: str) -> FieldSpec | None:
        lowered = name.lower()
        for spec in self.fields.values():
            if spec.relationship and spec.relationship.lower() == lowered:
                return spec
        return None

    @cached_property
    def _lower(self) -> dict[str, FieldSpec]:
        # Per spec, not per name: two profiles' Task specs hold different fields.
        return {name.lower(): spec for name, spec in self.fields.items()}


def parse_fields(text: str) -> dict[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    for raw in text.strip().splitlines():
        line, _, picks = raw.partition(" = ")
        name, kind, flags, *rest = line.split()
        refs: tuple[str, ...] = ()
        rel = None
        if rest:
            _, targets, rel = rest[0].split(":")
            refs = tuple(targets.split(","))
        fields[name] = FieldSpec(
            name=name,
            type=kind,
            createable="c" in flags,
            updateable="u" in flags,
            nillable="n" in flags,
            defaulted="d" in flags,
            reference_to=refs,
            relationship=rel,
            picklist=tuple(picks.split("|")) if picks else (),
            filterable="F" not in flags and kind != "textarea",
            sortable="S" not in flags and kind != "textarea",
        )
    return fields


def _build() -> dict[str, ObjectSpec]:
    system = parse_fields(SYSTEM_FIELDS)
    objects: dict[str, ObjectSpec] = {}
    for name, (label, plural, prefix, calls, text) in {
        **STANDARD_OBJECTS,
        **CADENCE_OBJECTS,
    }.items():
        own = parse_fields(text)
        objects[name] = ObjectSpec(
            name=name,
            label=label,
            label_plural=plural,
            key_prefix=prefix,
            createable="create" in calls,
            updateable="update" in calls,
            deletable="delete" in calls,
            fields={"Id": system["Id"], "IsDeleted": system["IsDeleted"], **own}
            | {k: v for k, v in system.items() if k not in {"Id", "IsDeleted"}},
        )
    return objects


OBJECTS: dict[str, ObjectSpec] = _build()
BY_PREFIX: dict[str, str] = {spec.key_prefix: name for name, spec in OBJECTS.items()}

# Objects the model refers to without holding them: their prefixes still tell
# an id of the right type from a wrong one.
FOREIGN_PREFIXES = {"00D": "Organization", "00X": "EmailTemplate", "006": "Opportunity"}


# "Task fields related to calls are exclusive to Salesforce CRM Call Center" (Object
# Reference, Task); a profile without Call Center lacks them.
CALL_CENTER_FIELDS = ("CallDisposition", "CallDurationInSeconds", "CallObject", "CallType")


def objects_for(*, call_center: bool = True) -> dict[str, ObjectSpec]:
    """The objects of an org profile (the default org has every feature)."""
    if call_center:
        return OBJECTS
    task = OBJECTS["Task"]
    kept = {k: v for k, v in task.fields.items() if k not in CALL_CENTER_FIELDS}
    return {**OBJECTS, "Task": replace(task, fields=kept)}


def object_ci(name: str, objects: Mapping[str, ObjectSpec] = OBJECTS) -> ObjectSpec | None:
    lowered = name.lower()
    for key, spec in objects.items():
        if key.lower() == lowered:
            return spec
    return None


def type_of_id(record_id: str) -> str | None:
    return BY_PREFIX.get(record_id[:3]) or FOREIGN_PREFIXES.get(record_id[:3])
