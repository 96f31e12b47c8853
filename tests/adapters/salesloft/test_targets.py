"""Targets (Salesloft people) against recorded emulator exchanges."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from engage_salesloft import MissingIdsError

from engage import NotFoundError, TenantClient, ValidationError

pytestmark = pytest.mark.engage_vendor("salesloft")


def test_list_pages_to_the_end_by_updated_at_keyset(engage_tenant: TenantClient) -> None:
    since = datetime(2026, 1, 15, 4, tzinfo=UTC)
    pager = engage_tenant.targets.list(updated_since=since, page_size=5)
    pages = list(pager.iter_pages())
    people = [p for page in pages for p in page.items]
    assert len(pages) >= 2
    assert pages[-1].next_cursor is None and pager.exhausted
    assert len({p.id for p in people}) == len(people)
    stamps = [p.updated_at for p in people]
    assert all(s is not None and s >= since for s in stamps)
    assert stamps == sorted(stamps)  # type: ignore[type-var]


def test_list_resumes_from_a_cursor(engage_tenant: TenantClient) -> None:
    since = datetime(2026, 1, 15, 4, tzinfo=UTC)
    first = engage_tenant.targets.list(updated_since=since, page_size=3)
    page = next(first.iter_pages())
    rest = engage_tenant.targets.list(updated_since=since, page_size=3, cursor=first.cursor)
    following = next(rest.iter_pages())
    assert {p.id for p in page.items}.isdisjoint(p.id for p in following.items)


def test_list_filters_by_owner(engage_tenant: TenantClient) -> None:
    people = engage_tenant.targets.list(owner_id="1002", page_size=5, limit=5).to_list()
    assert people and all(p.owner_id == "1002" for p in people)


def test_get_and_find_by_email(engage_tenant: TenantClient) -> None:
    first = engage_tenant.targets.list(page_size=1, limit=1).to_list()[0]
    got = engage_tenant.targets.get(first.id)
    assert got.email == first.email and got.raw["id"] == int(first.id)
    assert first.email is not None
    found = engage_tenant.targets.find_by_email(first.email)
    assert found is not None and found.id == first.id
    assert engage_tenant.targets.find_by_email("nobody-here@example.com") is None


def test_get_missing_is_not_found(engage_tenant: TenantClient) -> None:
    with pytest.raises(NotFoundError) as info:
        engage_tenant.targets.get("999999999")
    assert info.value.status == 404 and info.value.vendor == "salesloft"


def test_list_by_ids_batches_and_reports_missing(engage_tenant: TenantClient) -> None:
    some = engage_tenant.targets.list(page_size=3, limit=3).to_list()
    ids = [p.id for p in some]
    fetched = engage_tenant.targets.list(ids=ids).to_list()
    assert [p.id for p in fetched] == ids
    with pytest.raises(MissingIdsError) as info:
        engage_tenant.targets.list(ids=[ids[0], "999999998", "999999999"]).to_list()
    assert info.value.missing == ("999999998", "999999999")
    assert isinstance(info.value, NotFoundError)


def test_create_and_upsert(engage_tenant: TenantClient) -> None:
    created = engage_tenant.targets.create(
        email="ada.lovelace@example.com", first_name="Ada", company="Analytical"
    )
    assert created.email == "ada.lovelace@example.com" and created.company == "Analytical"
    updated = engage_tenant.targets.upsert(email="ada.lovelace@example.com", title="Countess")
    assert updated.id == created.id and updated.title == "Countess"
    fresh = engage_tenant.targets.upsert(email="charles.babbage@example.com", last_name="Babbage")
    assert fresh.id != created.id


def test_create_duplicate_is_a_validation_error_with_fields(engage_tenant: TenantClient) -> None:
    engage_tenant.targets.create(email="dup.person@example.com")
    with pytest.raises(ValidationError) as info:
        engage_tenant.targets.create(email="dup.person@example.com")
    assert info.value.status == 422
    assert info.value.fields == {"email_address": ["has already been taken"]}
