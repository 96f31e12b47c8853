"""4. CPU per record: normalising a page of each vendor's payload into neutral models.

One page of 100 targets is fetched from each emulator as bytes. Three ways of
turning those bytes into records are timed (best of several repeats, CPU time
per record):

* ``json.loads`` of the bytes: the floor any Python client pays;
* pydantic validating straight from the JSON bytes into the adapter's wire
  model (``model_validate_json``): the "just use pydantic" alternative;
* engage's whole pipeline: ``json.loads`` as the adapter does it, the tolerant
  wire model, then the neutral ``Target`` (with its ``ref`` and ``raw``).

HTTP is left out (the same for every alternative). Target: engage at most 2x
``json.loads`` per record.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from ._harness import Result, Summary, Timer, one_tenant, sandbox

NAME = "cpu"
PAGE = 100


def _salesloft(tenant: Any) -> tuple[bytes, Callable[[bytes], Any], Callable[[bytes], Any]]:
    from engage_salesloft import _read as m
    from engage_salesloft import _wire as w

    body = tenant.adapter.http.get("/v2/people", params={"per_page": str(PAGE)}).content

    class Envelope(BaseModel):
        data: list[w.Person]

    def engage(raw: bytes) -> Any:
        return [m.target(row) for row in json.loads(raw)["data"]]

    return body, engage, Envelope.model_validate_json


def _outreach(tenant: Any) -> tuple[bytes, Callable[[bytes], Any], Callable[[bytes], Any]]:
    from engage_outreach import _read as m
    from engage_outreach import _wire as w

    body = tenant.adapter.session.http.get(
        "/api/v2/prospects", params={"page[size]": str(PAGE)}
    ).content

    class Prospect(w.Resource):
        attributes: w.ProspectAttributes  # type: ignore[assignment]

    class Envelope(w.Document):
        data: list[Prospect]

    def engage(raw: bytes) -> Any:
        doc = w.Document.model_validate(json.loads(raw))
        index = doc.index()
        return [m.to_target(row) for row in doc.rows()] if index is not None else []

    return body, engage, Envelope.model_validate_json


def _salesforce(tenant: Any) -> tuple[bytes, Callable[[bytes], Any], Callable[[bytes], Any]]:
    from engage_salesforce import _protocol_soql as soql
    from engage_salesforce import _read as r
    from engage_salesforce import _wire as w

    select = soql.Select("Lead", soql.LEAD_FIELDS, limit=PAGE)
    body = tenant.adapter.session.send("GET", "query", params={"q": str(select)}).content

    class Envelope(w.QueryResult):
        records: list[w.Person]  # type: ignore[assignment]

    def engage(raw: bytes) -> Any:
        result = w.QueryResult.model_validate(json.loads(raw))
        return [r.PARSE_LEAD(row) for row in result.records]

    return body, engage, Envelope.model_validate_json


PAYLOADS = {"salesloft": _salesloft, "outreach": _outreach, "salesforce": _salesforce}


def _per_record(fn: Callable[[bytes], Any], raw: bytes, records: int, budget: float) -> float:
    """Best CPU seconds per record over repeats lasting ~``budget`` seconds in all."""
    fn(raw)  # warm up (imports, pydantic schema caches)
    start = time.process_time()
    fn(raw)
    once = max(time.process_time() - start, 1e-6)
    loops = max(1, int(budget / 5 / once))
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for _ in range(loops):
            fn(raw)
        best = min(best, (time.process_time() - start) / loops)
    return best / records


def run(scale: float = 1.0) -> Result:
    budget = 0.3 if scale >= 1 else 0.02
    result = Result(
        NAME,
        "4. CPU per record: a page of 100 targets, bytes to records",
        [
            "vendor",
            "bytes/record",
            "json.loads us/rec",
            "pydantic wire us/rec",
            "engage us/rec",
            "engage / json.loads",
            "engage / pydantic",
        ],
    )
    with Timer() as timer:
        for vendor, payload in PAYLOADS.items():
            with sandbox(vendor) as server:
                eng, tenant = one_tenant(vendor, server)
                raw, engage_fn, wire_fn = payload(tenant)
                eng.close()
            records = len(engage_fn(raw))
            assert records == PAGE, (vendor, records)
            loads = _per_record(json.loads, raw, records, budget)
            wire = _per_record(wire_fn, raw, records, budget)
            ours = _per_record(engage_fn, raw, records, budget)
            ratio = ours / loads
            result.rows.append(
                [
                    vendor,
                    len(raw) // records,
                    loads * 1e6,
                    wire * 1e6,
                    ours * 1e6,
                    f"{ratio:.1f}x",
                    f"{ours / wire:.1f}x",
                ]
            )
            result.summary.append(
                Summary(
                    f"{vendor}: CPU per record, page of {records} targets",
                    f"{ours * 1e6:.0f} us",
                    f"json.loads {loads * 1e6:.0f} us; pydantic wire {wire * 1e6:.0f} us",
                    f"{ratio:.1f}x json.loads; {ours / wire:.1f}x pydantic",
                    "<= 2x json.loads",
                    ratio <= 2.0,
                    "" if ratio <= 2.0 else WHY,
                )
            )
    result.seconds = timer.wall
    return result


WHY = (
    "validation dominates: each record is validated twice (tolerant wire model from "
    "Python objects, then the frozen neutral model with its raw copy); json.loads is C"
)
