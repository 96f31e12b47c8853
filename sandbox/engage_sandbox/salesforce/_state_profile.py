"""What differs from one emulated org to another: features, and wordings the docs leave open.

Set through ``SandboxOptions.extras`` (all optional):

* ``call_center`` (bool, default true): whether the org has CRM Call Center. Without
  it, Task has no CallType, CallDisposition, CallDurationInSeconds or CallObject:
  describe omits them, and SOQL or a write naming them answers 400 INVALID_FIELD.
* ``assign_conflict_message`` (str): the message assignTargetToSalesCadence gives
  for a target already in a cadence. No real sample of it exists, so a client must
  not depend on it; tests vary it.
* ``manual_complete_event`` (``"ManualComplete"``, the default, or
  ``"Manual Complete"``): the one spelling of sendSalesCadenceEvent's manual
  completion this org accepts. The docs' table of valid values says
  ``ManualComplete`` and their sample says ``"Manual Complete"``; the other
  spelling is refused as an invalid value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ._state_schema import ObjectSpec, objects_for

DEFAULT_CONFLICT = "The target is already assigned to a cadence."
MANUAL_COMPLETE_SPELLINGS = ("ManualComplete", "Manual Complete")


@dataclass(frozen=True)
class OrgProfile:
    call_center: bool = True
    assign_conflict_message: str = DEFAULT_CONFLICT
    manual_complete_event: str = "ManualComplete"
    objects: Mapping[str, ObjectSpec] = field(default_factory=objects_for, compare=False)

    @classmethod
    def from_extras(cls, extras: Mapping[str, Any]) -> OrgProfile:
        """The profile ``extras`` asks for; a value of the wrong kind is a ValueError."""
        call_center = extras.get("call_center", True)
        message = extras.get("assign_conflict_message", DEFAULT_CONFLICT)
        event = extras.get("manual_complete_event", "ManualComplete")
        if not isinstance(call_center, bool):
            raise ValueError("extras call_center must be true or false")
        if not isinstance(message, str) or not message.strip():
            raise ValueError("extras assign_conflict_message must be a non-empty string")
        if event not in MANUAL_COMPLETE_SPELLINGS:
            raise ValueError(
                f"extras manual_complete_event must be one of {MANUAL_COMPLETE_SPELLINGS}"
            )
        return cls(call_center, message, event, objects_for(call_center=call_center))
