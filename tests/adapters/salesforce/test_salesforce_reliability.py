"""Paging, batches, session expiry, limits and retries, replayed from sandbox cassettes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from engage_sandbox import SandboxOptions

from engage import (
    AuthError,
    ConflictError,
    InputError,
    NotFoundError,
    QuotaExhaustedError,
    TaskStatus,
)
from engage._transport import BudgetPacer, NullPacer, PacingRule, RateObservation

pytestmark = pytest.mark.engage_vendor("salesforce")

CADENCE = "77C5e0000000001EAA"
INACTIVE_CADENCE = "77C5e0000000003EAA"
FREE_LEADS = ["00Q5e0000000001EAA", "00Q5e0000000004EAA", "00Q5e0000000006EAA"]
MISSING_LEAD = "00Q5e00000009ZZEAA"
ACTIVE_STEPS = ["8HF5e0000000001GAA", "8HF5e000000000RGAQ"]
OPEN_TASK = "00T5e000000006aEAA"
NO_WAIT = {"backoff_base": 0.0}  # retries advance no clock, so re-recording is byte-identical


class SpyPacer(NullPacer):
    def __init__(self) -> None:
        self.seen: list[RateObservation] = []
        self.rules: list[PacingRule] = []

    def acquire(self, scope: str, rule: PacingRule, cost: int = 1) -> float:
        self.rules.append(rule)
        return 0.0

    def observe(self, scope: str, observation: RateObservation) -> None:
        self.seen.append(observation)


def _bodies(rec: Any, action: str) -> list[list[dict[str, Any]]]:
    return [json.loads(r.body)["inputs"] for r in rec.cassette.requests if r.path.endswith(action)]


def test_paging_to_the_end_and_resuming(engage_tenant: Any) -> None:
    pager = engage_tenant.targets.list(page_size=200)
    pages = list(pager.iter_pages())
    assert [len(p.items) for p in pages][:2] == [200, pages[1].items and len(pages[1].items)]
    assert pager.exhausted and len(pages) == 4  # Leads in two pages, then Contacts in two
    ids = [x.id for p in pages for x in p.items]
    assert len(ids) == len(set(ids))
    kinds = [x.kind.value for p in pages for x in p.items]
    assert kinds == sorted(kinds, key=lambda k: k != "lead")
    resumed = engage_tenant.targets.list(page_size=200, cursor=pages[2].next_cursor).to_list()
    assert [x.id for x in resumed] == [x.id for x in pages[3].items]


def test_enroll_many_partial_failure(engage_recorder: Any) -> None:
    items = [
        {"target_id": FREE_LEADS[0], "sequence_id": CADENCE},
        {"target_id": MISSING_LEAD, "sequence_id": CADENCE},
        {"target_id": FREE_LEADS[1], "sequence_id": CADENCE},
        {"target_id": FREE_LEADS[2], "sequence_id": INACTIVE_CADENCE},
    ]
    with engage_recorder("salesforce", transport=NO_WAIT) as rec:
        result = rec.tenant.enrollments.enroll_many(items)
        assert [i.ok for i in result] == [True, False, True, False]
        assert [e.target_id for e in result.succeeded] == [FREE_LEADS[0], FREE_LEADS[1]]
        assert isinstance(result.items[1].error, NotFoundError)
        assert isinstance(result.items[3].error, ConflictError)
        assert result.items[3].error.code == "UNKNOWN_EXCEPTION"
        assert result.items[3].error.operation == "enrollments.enroll_many"
        assert len(_bodies(rec, "assignTargetToSalesCadence")) == 1  # one call for all four


def test_a_batch_that_committed_without_an_answer_is_read_back(engage_recorder: Any) -> None:
    """The action ran for every input, then a 502 came instead of its answer: the trackers
    are read back by target, the batch is not sent again, and every item succeeds.
    (A connection reset after commit takes the same path; tests/test_write_once.py
    runs it live, as a cassette cannot hold a broken connection.)"""
    fault = {"status": 502}
    items = [{"target_id": t, "sequence_id": CADENCE} for t in FREE_LEADS]
    with engage_recorder("salesforce", transport=NO_WAIT) as rec:
        rec.inject(after_commit=True, path="*/assignTargetToSalesCadence", **fault)
        result = rec.tenant.enrollments.enroll_many(items)
        assert [i.ok for i in result] == [True, True, True]
        assert [e.target_id for e in result.succeeded] == FREE_LEADS
        assert len(_bodies(rec, "assignTargetToSalesCadence")) == 1


def test_complete_many_mixes_steps_and_tasks(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        ids = [ACTIVE_STEPS[0], OPEN_TASK, "8HF5e00000009ZZGAA", ACTIVE_STEPS[1], "bogus"]
        result = rec.tenant.tasks.complete_many(ids)
        assert [i.ok for i in result] == [True, True, False, True, False]
        assert {t.status for t in result.succeeded} == {TaskStatus.COMPLETED}
        assert isinstance(result.items[4].error, InputError)
        assert [len(b) for b in _bodies(rec, "sendSalesCadenceEvent")] == [3]


def test_only_failed_inputs_are_retried(engage_recorder: Any) -> None:
    locked = [
        {
            "actionName": "selectTemplateForSalesCadenceStepTracker",
            "errors": None,
            "isSuccess": True,
            "outputValues": {
                "output": {"SplitPercentage": 100.0, "TemplateId": "00X5e0000000001AAA"}
            },
        },
        {
            "actionName": "selectTemplateForSalesCadenceStepTracker",
            "isSuccess": False,
            "errors": [
                {
                    "statusCode": "UNABLE_TO_LOCK_ROW",
                    "message": "unable to obtain exclusive access to this record",
                    "fields": [],
                }
            ],
            "outputValues": {"error": "unable to obtain exclusive access to this record"},
        },
    ]
    with engage_recorder("salesforce", transport=NO_WAIT) as rec:
        rec.inject(status=400, body=locked, path="*/selectTemplateForSalesCadenceStepTracker")
        results = rec.tenant.vendor_action(
            "selectTemplateForSalesCadenceStepTracker",
            inputs=[{"stepTrackerId": ACTIVE_STEPS[1]}, {"stepTrackerId": ACTIVE_STEPS[1]}],
        )
        assert [r["isSuccess"] for r in results] == [True, True]
        assert [len(b) for b in _bodies(rec, "selectTemplateForSalesCadenceStepTracker")] == [2, 1]


def test_locked_row_is_retried(engage_recorder: Any) -> None:
    with engage_recorder("salesforce", transport=NO_WAIT) as rec:
        rec.inject(status=409, path="*/query")
        assert rec.tenant.sequences.get(CADENCE).name == "Inbound Lead Follow-up"
        assert [r.path.rsplit("/", 1)[-1] for r in rec.cassette.requests] == [
            "token",
            "query",
            "query",
        ]


def test_session_expiry_logs_in_again(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        t = rec.tenant
        assert t.sequences.get(CADENCE).active is True
        rec.advance(7300)  # past the two-hour session
        assert t.enrollments.list(sequence_id=CADENCE, state="paused").first() is not None
        logins = [r for r in rec.cassette.requests if r.path.endswith("/oauth2/token")]
        assert len(logins) == 2


def test_session_refused_twice_is_an_auth_error(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        rec.inject(kind="expire_token", path="/services/data/*", times=3)
        with pytest.raises(AuthError) as caught:
            rec.tenant.sequences.get(CADENCE)
        assert caught.value.code == "INVALID_SESSION_ID" and not caught.value.retryable
        assert "Bearer" not in str(caught.value) and "00D" not in str(caught.value)


def test_request_limit_exceeded_and_usage_reach_the_pacer(engage_recorder: Any) -> None:
    pacer = SpyPacer()
    with engage_recorder(
        "salesforce", sandbox_options=SandboxOptions(rate_limit=3), pacer=pacer
    ) as rec:
        for _ in range(3):
            rec.tenant.sequences.get(CADENCE)
        with pytest.raises(QuotaExhaustedError) as caught:
            rec.tenant.sequences.get(CADENCE)
        assert caught.value.code == "REQUEST_LIMIT_EXCEEDED" and caught.value.status == 403
        assert not caught.value.retryable
        assert [(o.remaining, o.limit) for o in pacer.seen][:3] == [(2, 3), (1, 3), (0, 3)]
        assert all(o.quota for o in pacer.seen) and pacer.seen[-1].remaining == 0
        assert pacer.rules[-1] == PacingRule(limit=3, window=86400)


def test_a_spent_daily_allocation_fails_fast_without_sending(engage_recorder: Any) -> None:
    with engage_recorder(
        "salesforce", sandbox_options=SandboxOptions(rate_limit=3), pacer=BudgetPacer()
    ) as rec:
        for _ in range(3):
            rec.tenant.sequences.get(CADENCE)
        sent = len(rec.cassette.requests)
        for _ in range(50):
            with pytest.raises(QuotaExhaustedError) as caught:
                rec.tenant.sequences.get(CADENCE)
        assert len(rec.cassette.requests) == sent  # 50 calls, not one request
        error = caught.value
        assert error.vendor == "salesforce" and error.tenant and error.operation
        assert error.retry_at is not None and not error.retryable


def test_refusals_before_any_request(engage_recorder: Any) -> None:
    with engage_recorder("salesforce") as rec:
        t = rec.tenant
        with pytest.raises(InputError, match="cannot skip a manual Task"):
            t.tasks.skip(OPEN_TASK)
        with pytest.raises(InputError, match="set by its cadence"):
            t.tasks.reschedule(
                ACTIVE_STEPS[0],
                due_at=__import__("datetime").datetime.now(tz=__import__("datetime").UTC),
            )
        with pytest.raises(InputError, match="no state 'bounced'"):
            t.enrollments.list(state="bounced").first()
        with pytest.raises(InputError, match="meeting"):
            t.activities.list(kinds=["meeting"]).first()
        with pytest.raises(InputError, match="not a Salesforce id"):
            t.enrollments.list(target_id="00Q' OR Id != '").first()
        with pytest.raises(InputError, match="outcome must be one of"):
            t.enrollments.set_outcome("0qB5e0000000001EAA", outcome="Won")
        with pytest.raises(InputError, match="not a Lead"):
            t.targets.get("001000000000001AAA")
        assert len(rec.cassette.requests) == 0
