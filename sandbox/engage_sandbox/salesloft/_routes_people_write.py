"""Person create/update/upsert rules from the v2 docs (POST/PUT /v2/people, /v2/person_upserts)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ._errors import invalid, invalid_many
from ._routes_params import Params
from ._routes_pipeline import Ctx
from ._state_flow import remove_from_cadences
from ._state_store import CONTACT_RESTRICTIONS, JOB_SENIORITIES, PERSON_STAGE_IDS, Record
from ._state_templates import EMPTY_PERSON_COUNTS, PERSON_TEMPLATE, PERSON_WRITABLE


def _custom_fields(params: Params) -> dict[str, str] | None:
    raw = params.raw("custom_fields")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise invalid("custom_fields", "must be an object")
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def read_fields(ctx: Ctx, existing: Record | None) -> dict[str, Any]:
    """Validated changes from the request; raises a 422 listing every bad field."""
    p = ctx.params
    state = ctx.state
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    for key in PERSON_WRITABLE:
        if p.has(key):
            value = p.get_str(key)
            out[key] = value if value != "" else None
    email = out.get("email_address")
    if email is not None:
        if "@" not in email:
            errors.setdefault("email_address", []).append("is invalid")
        else:
            taken = state.people_by_email.get(email.lower(), set()) - {
                existing["id"] if existing else -1
            }
            if taken:
                errors.setdefault("email_address", []).append("has already been taken")
    if out.get("job_seniority") is not None and out["job_seniority"] not in JOB_SENIORITIES:
        errors["job_seniority"] = [f"must be one of {', '.join(JOB_SENIORITIES)}"]
    if p.has("contact_restrictions"):
        restrictions = p.get_list("contact_restrictions") or []
        if any(r not in CONTACT_RESTRICTIONS for r in restrictions):
            errors["contact_restrictions"] = [f"must be among {', '.join(CONTACT_RESTRICTIONS)}"]
        out["contact_restrictions"] = sorted(set(restrictions))
    if p.has("tags"):
        out["tags"] = list(dict.fromkeys(p.get_list("tags") or []))
    for flag in ("do_not_contact",):
        if p.has(flag):
            out[flag] = bool(p.get_bool(flag))
    fields = _custom_fields(p)
    if fields is not None:
        merged = dict(existing["custom_fields"]) if existing else {}
        merged.update(fields)
        out["custom_fields"] = {k: v for k, v in merged.items() if v != ""}
    known: dict[str, Collection[int] | None] = {
        "owner_id": state.users.keys(),
        "account_id": state.accounts,
        "person_stage_id": PERSON_STAGE_IDS,
        "import_id": None,
    }
    for ref, allowed in known.items():
        if p.has(ref):
            ref_id = p.get_int(ref)
            if ref_id is not None and allowed is not None and ref_id not in allowed:
                errors[ref] = ["is invalid"]
            out[ref] = ref_id
    if p.has("crm_id"):
        crm_id = p.get_str("crm_id") or None
        if crm_id is not None:
            if p.get_str("crm_id_type") != "salesforce":
                errors["crm_id_type"] = ["must be one of: salesforce"]
            elif len(crm_id) != 18 or crm_id[:3] not in ("00Q", "003"):
                errors["crm_id"] = ["must be an 18 character Salesforce Lead or Contact id"]
            elif state.people_by_crm_id.get(crm_id, set()) - {existing["id"] if existing else -1}:
                errors["crm_id"] = ["has already been taken"]
        out["crm_id"] = crm_id
        out["crm_object_type"] = (
            None if crm_id is None else ("Lead" if crm_id.startswith("00Q") else "Contact")
        )
    if errors:
        raise invalid_many(errors)
    return out


def create_person(ctx: Ctx) -> Record:
    changes = read_fields(ctx, None)
    email = changes.get("email_address")
    if not email and not (changes.get("phone") and changes.get("last_name")):
        raise invalid("base", "Either email_address or phone and last_name must be provided")
    state = ctx.state
    state.begin_write()
    now = ctx.now
    person: Record = dict(PERSON_TEMPLATE)
    person.update(
        id=state.new_id("person"),
        created_at=now,
        updated_at=now,
        owner_id=ctx.user["id"],
        counts=dict(EMPTY_PERSON_COUNTS),
    )
    person.update(changes)
    if ctx.params.get_bool("autotag_date"):
        person["tags"] = [*person["tags"], now.date().isoformat()]
    state.people[person["id"]] = person
    state.index_person(person)
    return person


def update_person(ctx: Ctx, person: Record) -> Record:
    changes = read_fields(ctx, person)
    state = ctx.state
    state.begin_write()
    state.unindex_person(person)
    person.update(changes)
    person["updated_at"] = ctx.now
    state.index_person(person)
    if changes.get("do_not_contact"):
        remove_from_cadences(ctx, person["id"])
    return person


def upsert_person(ctx: Ctx) -> tuple[str, Record]:
    """``upsert_key`` picks the match field; without it this never updates (the docs)."""
    p = ctx.params
    state = ctx.state
    key = p.get_str("upsert_key")
    if key is None:
        return "create", create_person(ctx)
    if key not in ("id", "crm_id", "email_address"):
        raise invalid("upsert_key", "must be one of: id, crm_id, email_address")
    value = p.get_str(key)
    if not value:
        raise invalid(key, "must be provided when used as the upsert_key")
    if key == "id":
        matches = {int(value)} & set(state.people) if value.isdigit() else set()
    elif key == "email_address":
        matches = set(state.people_by_email.get(value.lower(), set()))
    else:
        matches = set(state.people_by_crm_id.get(value, set()))
    if len(matches) > 1:
        raise invalid(key, "matches more than one person")
    requested_id = p.get_int("id")
    if matches:
        (match,) = matches
        if requested_id is not None and requested_id != match:
            raise invalid("id", "does not match the record found by the upsert_key")
        return "update", update_person(ctx, state.people[match])
    if key == "id":
        raise invalid("id", "does not match any person")
    return "create", create_person(ctx)
