"""Internal records to Salesloft's wire shape.

Nested references are ``{"_href": ..., "id": ...}`` built from the request's
base URL, so following a link stays on the sandbox. Field order follows the
real records Airbyte captured, which keeps bodies byte-stable.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ._routes_params import fmt_date, fmt_time
from ._state_store import Record, State

Json = dict[str, Any]


class Renderer:
    def __init__(self, state: State, base: str, now: datetime) -> None:
        self.state = state
        self.base = base.rstrip("/")
        self.now = now

    def ref(self, path: str, ident: int | None) -> Json | None:
        if ident is None:
            return None
        return {"_href": f"{self.base}/v2/{path}/{ident}", "id": ident}

    def user(self, u: Record) -> Json:
        return {
            "id": u["id"],
            "guid": u["guid"],
            "created_at": fmt_time(u["created_at"]),
            "updated_at": fmt_time(u["updated_at"]),
            "name": u["name"],
            "first_name": u["first_name"],
            "last_name": u["last_name"],
            "job_role": u["job_role"],
            "active": u["active"],
            "time_zone": u["time_zone"],
            "locale_utc_offset": u["locale_utc_offset"],
            "slack_username": u["slack_username"],
            "twitter_handle": u["twitter_handle"],
            "email": u["email"],
            "email_client_email_address": u["email_client_email_address"],
            "sending_email_address": u["sending_email_address"],
            "from_address": u["from_address"],
            "full_email_address": u["full_email_address"],
            "bcc_email_address": u["bcc_email_address"],
            "work_country": u["work_country"],
            "seat_package": u["seat_package"],
            "email_signature": u["email_signature"],
            "email_signature_type": u["email_signature_type"],
            "email_signature_click_tracking_disabled": u["email_signature_click_tracking_disabled"],
            "team_admin": u["team_admin"],
            "local_dial_enabled": u["local_dial_enabled"],
            "click_to_call_enabled": u["click_to_call_enabled"],
            "email_client_configured": u["email_client_configured"],
            "crm_connected": u["crm_connected"],
            "external_feature_flags": dict(u["external_feature_flags"]),
            "_private_fields": {},
            "phone_client": {"id": u["_phone_client_id"]},
            "phone_number_assignment": self.ref(
                "phone_number_assignments", u["_phone_number_assignment_id"]
            ),
            "group": self.ref("groups", u["_group_id"]),
            "team": {"_href": f"{self.base}/v2/team", "id": self.state.team["id"]},
            "role": {"id": u["_role"]},
        }

    def person(self, p: Record) -> Json:
        first, last, email = p["first_name"], p["last_name"], p["email_address"]
        name = " ".join(part for part in (first, last) if part)
        cadence_refs: list[Json] = []
        recent: tuple[datetime, int] | None = None
        for membership_id in self.state.memberships_by_person.get(p["id"], ()):
            membership = self.state.memberships[membership_id]
            added = (membership["added_at"], membership["cadence_id"])
            if recent is None or added > recent:
                recent = added
            if membership["currently_on_cadence"]:
                cadence_refs.append(
                    {
                        "_href": f"{self.base}/v2/cadences/{membership['cadence_id']}",
                        "id": membership["cadence_id"],
                    }
                )
        out: Json = {"id": p["id"]}
        out["created_at"] = fmt_time(p["created_at"])
        out["updated_at"] = fmt_time(p["updated_at"])
        out["last_contacted_at"] = fmt_time(p["last_contacted_at"])
        out["last_replied_at"] = fmt_time(p["last_replied_at"])
        out["first_name"] = first
        out["last_name"] = last
        out["display_name"] = name or email
        out["email_address"] = email
        out["full_email_address"] = f'"{name}" <{email}>' if email and name else email
        for key in (
            "secondary_email_address",
            "personal_email_address",
            "phone",
            "phone_extension",
            "home_phone",
            "mobile_phone",
            "linkedin_url",
            "title",
            "city",
            "state",
            "country",
            "work_city",
            "work_state",
            "work_country",
            "crm_url",
            "crm_id",
            "crm_object_type",
            "owner_crm_id",
            "person_company_name",
            "person_company_website",
            "person_company_industry",
            "do_not_contact",
            "bouncing",
            "locale",
            "locale_utc_offset",
            "eu_resident",
            "personal_website",
            "twitter_handle",
            "last_contacted_type",
            "job_seniority",
        ):
            out[key] = p[key]
        out["custom_fields"] = dict(p["custom_fields"])
        out["tags"] = list(p["tags"])
        out["contact_restrictions"] = list(p["contact_restrictions"])
        out["success_count"] = p["success_count"]
        out["starred"] = p["starred"]
        out["untouched"] = p["untouched"]
        out["counts"] = dict(p["counts"])
        out["account"] = self.ref("accounts", p["account_id"])
        out["owner"] = self.ref("users", p["owner_id"])
        out["last_contacted_by"] = self.ref("users", p["last_contacted_by_id"])
        out["import"] = self.ref("imports", p["import_id"])
        out["person_stage"] = self.ref("person_stages", p["person_stage_id"])
        out["most_recent_cadence"] = self.ref("cadences", recent[1] if recent else None)
        out["last_completed_step_cadence"] = None
        out["last_completed_step"] = None
        out["cadences"] = cadence_refs
        return out

    def cadence(self, c: Record) -> Json:
        bounced, replied, added, finished = c["_stages"]
        return {
            "id": c["id"],
            "created_at": fmt_time(c["created_at"]),
            "updated_at": fmt_time(c["updated_at"]),
            "archived_at": fmt_time(c["archived_at"]),
            "latest_active_date": c["latest_active_date"],
            "team_cadence": c["team_cadence"],
            "shared": c["shared"],
            "remove_bounces_enabled": c["remove_bounces_enabled"],
            "remove_replies_enabled": c["remove_replies_enabled"],
            "opt_out_link_included": c["opt_out_link_included"],
            "draft": c["draft"],
            "override_contact_restrictions": c["override_contact_restrictions"],
            "cadence_framework_id": c["cadence_framework_id"],
            "cadence_function": c["cadence_function"],
            "name": c["name"],
            "external_identifier": c["external_identifier"],
            "tags": list(c["tags"]),
            "creator": self.ref("users", c["creator_id"]),
            "owner": self.ref("users", c["owner_id"]),
            "bounced_stage": self.ref("person_stages", bounced),
            "replied_stage": self.ref("person_stages", replied),
            "added_stage": self.ref("person_stages", added),
            "finished_stage": self.ref("person_stages", finished),
            "cadence_priority": None,
            "groups": [self.ref("groups", g) for g in c["_group_ids"]],
            "counts": {
                "cadence_people": c["_people_count"],
                "people_acted_on_count": c["_acted_on"],
                "target_daily_people": c["_target_daily"],
                "opportunities_created": 0,
                "meetings_booked": 0,
            },
        }

    def step(self, s: Record) -> Json:
        details = "email_details" if s["type"] == "email" else "call_instructions"
        return {
            "id": s["id"],
            "created_at": fmt_time(s["created_at"]),
            "updated_at": fmt_time(s["updated_at"]),
            "disabled": s["disabled"],
            "type": s["type"],
            "name": s["name"],
            "display_name": s["display_name"],
            "day": s["day"],
            "step_number": s["step_number"],
            "multitouch_enabled": s["multitouch_enabled"],
            "details": (
                self.ref(f"action_details/{details}", s["id"])
                if s["type"] in ("email", "phone")
                else {"id": s["id"]}
            ),
            "cadence": self.ref("cadences", s["cadence_id"]),
        }

    def membership(self, m: Record) -> Json:
        latest = m["latest_action_id"]
        return {
            "id": m["id"],
            "added_at": fmt_time(m["added_at"]),
            "created_at": fmt_time(m["created_at"]),
            "updated_at": fmt_time(m["updated_at"]),
            "person_deleted": m["person_deleted"],
            "currently_on_cadence": m["currently_on_cadence"],
            "current_state": m["current_state"],
            "cadence": self.ref("cadences", m["cadence_id"]),
            "person": self.ref("people", m["person_id"]),
            "user": self.ref("users", m["user_id"]),
            "latest_action": {"id": latest} if latest is not None else None,
            "counts": dict(m["counts"]),
        }

    def action(self, a: Record) -> Json:
        step = self.state.steps.get(a["step_id"])
        step_type = step["type"] if step else a["type"]
        details = "email_details" if step_type == "email" else "call_instructions"
        return {
            "id": a["id"],
            "due": a["due_on"] <= self.now,
            "created_at": fmt_time(a["created_at"]),
            "updated_at": fmt_time(a["updated_at"]),
            "type": a["type"],
            "status": a["status"],
            "due_on": fmt_time(a["due_on"]),
            "multitouch_group_id": a["multitouch_group_id"],
            "action_details": self.ref(f"action_details/{details}", a["step_id"]),
            "user": self.ref("users", a["user_id"]),
            "person": self.ref("people", a["person_id"]),
            "cadence": self.ref("cadences", a["cadence_id"]),
            "step": self.ref("steps", a["step_id"]),
            "task": self.ref("tasks", a["task_id"]),
        }

    def task(self, t: Record) -> Json:
        return {
            "id": t["id"],
            "created_at": fmt_time(t["created_at"]),
            "updated_at": fmt_time(t["updated_at"]),
            "due_date": fmt_date(t["due_date"]),
            "due_at": fmt_time(t["due_at"]),
            "subject": t["subject"],
            "current_state": t["current_state"],
            "task_type": t["task_type"],
            "remind_at": fmt_time(t["remind_at"]),
            "completed_at": fmt_time(t["completed_at"]),
            "description": t["description"],
            "person": self.ref("people", t["person_id"]),
            "user": self.ref("users", t["user_id"]),
            "created_by_user": self.ref("users", t["created_by_user_id"]),
            "completed_by": self.ref("users", t["completed_by_id"]),
        }

    def call(self, c: Record) -> Json:
        return {
            "id": c["id"],
            "to": c["to"],
            "duration": c["duration"],
            "sentiment": c["sentiment"],
            "disposition": c["disposition"],
            "created_at": fmt_time(c["created_at"]),
            "updated_at": fmt_time(c["updated_at"]),
            "recordings": [dict(r) for r in c["recordings"]],
            "user": self.ref("users", c["user_id"]),
            "action": {"id": c["action_id"]} if c["action_id"] is not None else None,
            "called_person": self.ref("people", c["person_id"]),
            "crm_activity": self.ref("crm_activities", c["crm_activity_id"]),
            "note": self.ref("notes", c["note_id"]),
            "cadence": self.ref("cadences", c["cadence_id"]),
            "step": self.ref("steps", c["step_id"]),
        }

    def note(self, n: Record) -> Json:
        kind = "people" if n["associated_type"] == "person" else "accounts"
        return {
            "id": n["id"],
            "content": n["content"],
            "created_at": fmt_time(n["created_at"]),
            "updated_at": fmt_time(n["updated_at"]),
            "associated_type": n["associated_type"],
            "user": self.ref("users", n["user_id"]),
            "associated_with": self.ref(kind, n["associated_id"]),
            "call": self.ref("activities/calls", n["call_id"]),
        }

    def email(self, e: Record) -> Json:
        return {
            "id": e["id"],
            "created_at": fmt_time(e["created_at"]),
            "updated_at": fmt_time(e["updated_at"]),
            "recipient_email_address": e["recipient_email_address"],
            "status": e["status"],
            "bounced": e["bounced"],
            "send_after": fmt_time(e["send_after"]),
            "sent_at": fmt_time(e["sent_at"]),
            "view_tracking": e["view_tracking"],
            "click_tracking": e["click_tracking"],
            "headers": dict(e["headers"]),
            "personalization": e["personalization"],
            "counts": dict(e["counts"]),
            "user": self.ref("users", e["user_id"]),
            "recipient": self.ref("people", e["person_id"]),
            "mailing": {"id": e["mailing_id"]},
            "action": {"id": e["action_id"]} if e["action_id"] is not None else None,
            "task": self.ref("tasks", e["task_id"]),
            "crm_activity": self.ref("crm_activities", e["crm_activity_id"]),
            "cadence": self.ref("cadences", e["cadence_id"]),
            "step": self.ref("steps", e["step_id"]),
            "email_template": None,
        }

    def history(self, h: Record) -> Json:
        return {
            "id": h["id"],
            "type": h["type"],
            "user_guid": h["user_guid"],
            "occurred_at": fmt_time(h["occurred_at"]),
            "created_at": fmt_time(h["created_at"]),
            "updated_at": fmt_time(h["updated_at"]),
            "pinned_at": fmt_time(h["pinned_at"]),
            "tags": list(h["tags"]),
            "static_data": dict(h["static_data"]),
            "dynamic_data": dict(h["dynamic_data"]),
            "failed_dynamic_resources": list(h["failed_dynamic_resources"]),
            "resource_type": h["resource_type"],
            "resource_id": h["resource_id"],
        }
