"""SOQL over the emulator: each operator against an independent filter, paging, errors, queryAll."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .test_salesforce_helpers import Org, running

Row = dict[str, Any]


@pytest.fixture(scope="module")
def org() -> Iterator[Org]:
    with running() as org:
        yield org


@pytest.fixture(scope="module")
def leads(org: Org) -> list[Row]:
    return org.records(
        "SELECT Id, Name, LastName, Company, Email, Status, NumberOfEmployees, HasOptedOutOfEmail, "
        "CreatedDate, OwnerId, Title FROM Lead"
    )


def _created(row: Row) -> datetime:
    return datetime.strptime(row["CreatedDate"], "%Y-%m-%dT%H:%M:%S.000%z")


def _ids(rows: list[Row]) -> list[str]:
    return [r["Id"] for r in rows]


def test_paging_to_the_end_with_default_and_custom_batch(org: Org) -> None:
    total = org.query("SELECT COUNT() FROM Task").json()["totalSize"]
    first = org.query(
        "SELECT Id FROM Task", headers={"Sforce-Query-Options": "batchSize=250"}
    ).json()
    assert (first["totalSize"], first["done"], len(first["records"])) == (total, False, 250)
    locator, offset = first["nextRecordsUrl"].rsplit("/", 1)[1].split("-")
    assert first["nextRecordsUrl"] == f"/services/data/v60.0/query/{locator}-250"
    assert locator.startswith("0r8") and offset == "250"
    seen = _ids(first["records"])
    page = first
    while not page["done"]:
        page = org.get(page["nextRecordsUrl"]).json()
        seen += _ids(page["records"])
    assert "nextRecordsUrl" not in page
    assert len(seen) == len(set(seen)) == total
    small = org.query("SELECT Id FROM Task", headers={"Sforce-Query-Options": "batchSize=5"}).json()
    assert len(small["records"]) == 200  # the documented minimum batch size
    everything = org.query("SELECT Id FROM Task").json()
    assert len(everything["records"]) == min(total, 2000)
    bad = org.get("query/0r85e0000000999AAA-200")
    assert (bad.status_code, bad.json()[0]["errorCode"]) == (400, "INVALID_QUERY_LOCATOR")


Filter = Callable[[Row], bool]
CASES: list[tuple[str, Filter]] = [
    ("Status = 'Working - Contacted'", lambda r: r["Status"] == "Working - Contacted"),
    ("Status != 'Working - Contacted'", lambda r: r["Status"] != "Working - Contacted"),
    ("Status <> 'Working - Contacted'", lambda r: r["Status"] != "Working - Contacted"),
    ("status = 'WORKING - contacted'", lambda r: r["Status"] == "Working - Contacted"),
    (
        "NumberOfEmployees < 5",
        lambda r: r["NumberOfEmployees"] is not None and r["NumberOfEmployees"] < 5,
    ),
    ("Title = null", lambda r: r["Title"] is None),
    ("Title != null", lambda r: r["Title"] is not None),
    ("HasOptedOutOfEmail = true", lambda r: r["HasOptedOutOfEmail"] is True),
    ("HasOptedOutOfEmail = FALSE", lambda r: r["HasOptedOutOfEmail"] is False),
    ("LastName LIKE 'Ch%'", lambda r: r["LastName"].lower().startswith("ch")),
    (
        "LastName LIKE '_to'",
        lambda r: len(r["LastName"]) == 3 and r["LastName"].lower().endswith("to"),
    ),
    (
        "Email LIKE '%.1_@%'",
        lambda r: (
            "." in r["Email"]
            and r["Email"].split("@")[0].split(".")[-1][:1] == "1"
            and len(r["Email"].split("@")[0].split(".")[-1]) == 2
        ),
    ),
    ("LastName IN ('Chen', 'Diaz')", lambda r: r["LastName"] in {"Chen", "Diaz"}),
    ("LastName NOT IN ('Chen', 'Diaz')", lambda r: r["LastName"] not in {"Chen", "Diaz"}),
    ("LastName = 'Chen' OR LastName = 'Diaz'", lambda r: r["LastName"] in {"Chen", "Diaz"}),
    (
        "LastName = 'Chen' AND Status = 'Working - Contacted'",
        lambda r: r["LastName"] == "Chen" and r["Status"] == "Working - Contacted",
    ),
    ("NOT LastName = 'Chen'", lambda r: r["LastName"] != "Chen"),
    (
        "(LastName = 'Chen' OR LastName = 'Ito') AND NOT (Status = 'Working - Contacted')",
        lambda r: r["LastName"] in {"Chen", "Ito"} and r["Status"] != "Working - Contacted",
    ),
    ("Company = 'Zed\\'s Co'", lambda r: r["Company"] == "Zed's Co"),
]


@pytest.mark.parametrize(("where", "expected"), CASES, ids=[c[0] for c in CASES])
def test_where_operators(org: Org, leads: list[Row], where: str, expected: Filter) -> None:
    got = _ids(org.records(f"SELECT Id FROM Lead WHERE {where}"))
    assert got == [r["Id"] for r in leads if expected(r)]


def test_comparisons_on_datetimes_and_date_literals(org: Org, leads: list[Row]) -> None:
    now = org.state.now()
    pivot = sorted(_created(r) for r in leads)[len(leads) // 2]
    literal = pivot.strftime("%Y-%m-%dT%H:%M:%SZ")
    for op, test in [
        ("<", lambda v: v < pivot),
        ("<=", lambda v: v <= pivot),
        (">", lambda v: v > pivot),
        (">=", lambda v: v >= pivot),
        ("=", lambda v: v == pivot),
    ]:
        got = _ids(org.records(f"SELECT Id FROM Lead WHERE CreatedDate {op} {literal}"))
        assert got == [r["Id"] for r in leads if test(_created(r))], op
    start = datetime(now.year, now.month, now.day, tzinfo=UTC) - timedelta(days=60)
    recent = _ids(org.records("SELECT Id FROM Lead WHERE CreatedDate = LAST_N_DAYS:60"))
    assert recent == [r["Id"] for r in leads if _created(r) >= start]
    assert org.records("SELECT Id FROM Lead WHERE CreatedDate > TODAY") == []
    assert len(org.records("SELECT Id FROM Lead WHERE CreatedDate < TODAY")) == len(leads)
    assert org.records("SELECT Id FROM Lead WHERE CreatedDate = YESTERDAY") is not None
    tasks = org.records("SELECT Id FROM Task WHERE ActivityDate = THIS_MONTH AND IsClosed = false")
    assert tasks


def test_order_by_limit_offset(org: Org, leads: list[Row]) -> None:
    rows = org.records(
        "SELECT Id, LastName, Title FROM Lead ORDER BY LastName DESC, Id ASC LIMIT 30 OFFSET 5"
    )
    expected = sorted(leads, key=lambda r: r["Id"])
    expected = sorted(expected, key=lambda r: r["LastName"].lower(), reverse=True)[5:35]
    assert _ids(rows) == _ids(expected)
    nulls_last = org.records("SELECT Id, Title FROM Lead ORDER BY Title ASC NULLS LAST")
    titles = [r["Title"] for r in nulls_last]
    assert titles == sorted(titles, key=lambda t: (t is None, (t or "").lower()))
    too_far = org.query("SELECT Id FROM Lead OFFSET 2001")
    assert too_far.json()[0]["errorCode"] == "NUMBER_OUTSIDE_VALID_RANGE"


def test_relationship_fields_are_nested(org: Org) -> None:
    row = org.records(
        "SELECT Id, Owner.Name, ActionCadence.Name, ActionCadence.Owner.Username, Target.Name "
        "FROM ActionCadenceTracker WHERE State = 'Running' LIMIT 1"
    )[0]
    assert row["Owner"]["attributes"]["type"] == "User"
    assert row["ActionCadence"]["attributes"]["url"].startswith(
        "/services/data/v60.0/sobjects/ActionCadence/77C"
    )
    assert set(row["ActionCadence"]) == {"attributes", "Name", "Owner"}
    assert "@" in row["ActionCadence"]["Owner"]["Username"]
    assert row["Target"]["attributes"]["type"] in {"Lead", "Contact"}
    unlinked = org.records(
        "SELECT Id, CurrentStep.State FROM ActionCadenceTracker WHERE CurrentStepId = null LIMIT 1"
    )
    assert unlinked[0]["CurrentStep"] is None
    step_tracker = org.records(
        "SELECT ActionCadenceTracker.State FROM ActionCadenceStepTracker WHERE ActionCadenceTracker.State = 'Paused' LIMIT 3"
    )
    assert {r["ActionCadenceTracker"]["State"] for r in step_tracker} == {"Paused"}


def test_count_and_semi_join(org: Org, leads: list[Row]) -> None:
    assert org.query("SELECT COUNT() FROM Lead").json() == {
        "totalSize": len(leads),
        "done": True,
        "records": [],
    }
    aggregate = org.query("SELECT COUNT(Id) total FROM Lead WHERE Title != null").json()
    assert aggregate["records"][0] == {
        "attributes": {"type": "AggregateResult"},
        "total": sum(1 for r in leads if r["Title"]),
    }
    paused = org.records("SELECT TargetId FROM ActionCadenceTracker WHERE State = 'Paused'")
    semi = org.records(
        "SELECT Id FROM Lead WHERE Id IN (SELECT TargetId FROM ActionCadenceTracker WHERE State = 'Paused')"
    )
    assert set(_ids(semi)) == {r["TargetId"] for r in paused if r["TargetId"].startswith("00Q")}
    by_id = org.records(f"SELECT Id FROM Lead WHERE Id = '{leads[3]['Id'][:15]}'")
    assert _ids(by_id) == [leads[3]["Id"]]


@pytest.mark.parametrize(
    ("soql", "code"),
    [
        ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY"),
        ("SELECT Id Lead", "MALFORMED_QUERY"),
        ("SELECT Id, FROM Lead", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE Name = 'unterminated", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead GROUP BY Status", "MALFORMED_QUERY"),
        ("SELECT Id, Id FROM Lead", "MALFORMED_QUERY"),
        ("SELECT Id, COUNT() FROM Lead", "MALFORMED_QUERY"),
        ("SELECT Id FROM Lead WHERE CreatedDate = SOMEDAY", "MALFORMED_QUERY"),
        ("SELECT Id, Foo FROM Lead", "INVALID_FIELD"),
        ("SELECT Id, Nope.Name FROM Lead", "INVALID_FIELD"),
        ("SELECT Id FROM Lead WHERE CreatedDate > '2026-01-01'", "INVALID_FIELD"),
        ("SELECT Id FROM Lead WHERE IsConverted = 'yes'", "INVALID_FIELD"),
        ("SELECT Id FROM Nope", "INVALID_TYPE"),
    ],
)
def test_bad_queries(org: Org, soql: str, code: str) -> None:
    response = org.query(soql)
    assert response.status_code == 400
    [error] = response.json()
    assert error["errorCode"] == code
    if code != "INVALID_TYPE":
        assert "ERROR at Row:1:Column:" in error["message"]


def test_query_all_sees_deleted_rows() -> None:
    with running() as org:
        lead = org.post("sobjects/Lead", {"LastName": "Gone", "Company": "Co"}).json()["id"]
        org.delete(f"sobjects/Lead/{lead}")
        soql = f"SELECT Id, IsDeleted FROM Lead WHERE Id = '{lead}'"
        assert org.records(soql) == []
        rows = org.query(soql, endpoint="queryAll").json()["records"]
        assert [(r["Id"], r["IsDeleted"]) for r in rows] == [(lead, True)]
        page = org.query(
            "SELECT Id FROM Task",
            endpoint="queryAll",
            headers={"Sforce-Query-Options": "batchSize=200"},
        ).json()
        assert "/queryAll/" in page["nextRecordsUrl"]
