"""What the org's describe says about the fields the adapter reads: present, filterable, sortable.

Orgs differ: a field may be missing (Task's call fields without CRM Call
Center, ``IsOrphan`` on an older API version) or not sortable (the Field
Reference gives ``DayGroup`` and ``MinuteGroup`` no Sort property). So the
queries that depend on such fields are built from ``sobjects/<T>/describe``,
read once per object for the tenant's adapter (its lifetime is the tenant
client's) and kept in memory. The describe is only asked for when a query
needs it, so an operation that does not touch those objects sends nothing more.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping

import pydantic

from engage import MappingError

from . import _wire as wire
from ._api import SalesforceSession
from ._wire import VENDOR


class OrgSchema:
    """The tenant's describe results, one request per object, shared by all threads."""

    def __init__(self, session: SalesforceSession) -> None:
        self.session = session
        self._lock = threading.Lock()
        self._objects: dict[str, Mapping[str, wire.DescribeField]] = {}

    def fields(self, sobject: str) -> Mapping[str, wire.DescribeField]:
        # The lock is held across the request so that concurrent first uses send one.
        with self._lock:
            found = self._objects.get(sobject)
            if found is None:
                found = self._describe(sobject)
                self._objects[sobject] = found
            return found

    def _describe(self, sobject: str) -> Mapping[str, wire.DescribeField]:
        answer = self.session.send("GET", f"sobjects/{sobject}/describe")
        body = self.session.http.read_json(answer)
        try:
            described = wire.Describe.model_validate(body)
        except pydantic.ValidationError:
            raise MappingError(
                "a describe answer of the wrong shape", vendor=VENDOR, object_type=sobject
            ) from None
        return {field.name: field for field in described.fields}

    def has(self, sobject: str, name: str) -> bool:
        return name in self.fields(sobject)

    def filterable(self, sobject: str, name: str) -> bool:
        found = self.fields(sobject).get(name)
        return found is not None and found.filterable

    def sortable(self, sobject: str, name: str) -> bool:
        found = self.fields(sobject).get(name)
        return found is not None and found.sortable

    def present(self, sobject: str, names: Iterable[str]) -> tuple[str, ...]:
        """``names`` the org has, in order; relationship paths (``Who.Email``) are kept."""
        described = self.fields(sobject)
        return tuple(n for n in names if "." in n or n in described)
