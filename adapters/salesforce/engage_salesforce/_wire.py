"""Tolerant models of Salesforce's envelopes: query results, create and action answers, describes.

Records themselves have no wire model: ``_read`` maps a row's dict straight to
the neutral model, validated once. Unknown fields are kept (``extra="allow"``);
an org may answer from an older API version.
"""

from __future__ import annotations

from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, SkipValidation

from engage import MappingError

VENDOR = "salesforce"


class _Wire(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=True)


class QueryResult(_Wire):
    """A SOQL answer. Its rows are the parsed dicts themselves (checked to be objects
    by :func:`query_result`): each is validated once, as the neutral record it becomes."""

    totalSize: int = 0
    done: bool = True
    nextRecordsUrl: str | None = None
    records: SkipValidation[list[dict[str, Any]]] = Field(default_factory=list)


class CreateResult(_Wire):
    id: str
    success: bool = True


class ActionError(_Wire):
    statusCode: str | None = None
    message: str | None = None
    fields: list[str] | None = None


class ActionResult(_Wire):
    """One input's result: ``{actionName, errors, isSuccess, outputValues}``."""

    actionName: str | None = None
    errors: list[ActionError] | None = None
    isSuccess: bool = False
    outputValues: dict[str, Any] | None = None


class DescribeField(_Wire):
    """One field of ``sobjects/<T>/describe``; a property it does not state counts as false."""

    name: str
    filterable: bool = False
    sortable: bool = False


class Describe(_Wire):
    name: str | None = None
    fields: list[DescribeField] = Field(default_factory=list)


# --- reading them ------------------------------------------------------------------


def query_result(body: Any) -> QueryResult:
    """A SOQL answer (``totalSize``, ``done``, ``nextRecordsUrl``, ``records``)."""
    records = body.get("records") if isinstance(body, dict) else None
    if not isinstance(records, list) or not all(type(row) is dict for row in records):
        raise MappingError("expected a query result", vendor=VENDOR, object_type="query")
    try:
        return QueryResult.model_validate(body)
    except pydantic.ValidationError:
        raise MappingError(
            "a query result of the wrong shape", vendor=VENDOR, object_type="query"
        ) from None


def created_id(body: Any, sobject: str) -> str:
    """The id a ``POST sobjects/<type>`` answered (``{"id", "success", "errors"}``)."""
    try:
        return CreateResult.model_validate(body).id
    except pydantic.ValidationError:
        raise MappingError(
            "a create answer without an id", vendor=VENDOR, object_type=sobject
        ) from None


def action_results(body: Any, action: str = "action") -> list[ActionResult]:
    """An invocable action's answer: one result per input, in order."""
    if not isinstance(body, list):
        raise MappingError("expected a list of action results", vendor=VENDOR, object_type=action)
    try:
        return [ActionResult.model_validate(item) for item in body]
    except pydantic.ValidationError:
        raise MappingError(
            "an action result of the wrong shape", vendor=VENDOR, object_type=action
        ) from None


def is_action_result_list(body: Any) -> bool:
    """Whether ``body`` is per-input action results (what an HTTP 400 of an action
    holds when some of its inputs failed) rather than an error of the whole call."""
    return (
        isinstance(body, list)
        and bool(body)
        and all(isinstance(i, dict) and "actionName" in i for i in body)
    )
