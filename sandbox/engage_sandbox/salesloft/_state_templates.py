"""Default field values for records, so generation and creation only set what differs.

The key sets follow the real records Airbyte captured from Salesloft
(``expected_records.jsonl``) and the v2 OpenAPI schemas.
"""

from __future__ import annotations

from typing import Any

PERSON_WRITABLE = (
    "first_name",
    "last_name",
    "email_address",
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
    "person_company_name",
    "person_company_website",
    "person_company_industry",
    "locale",
    "personal_website",
    "twitter_handle",
    "job_seniority",
)

PERSON_TEMPLATE: dict[str, Any] = {
    "created_at": None,
    "updated_at": None,
    "last_contacted_at": None,
    "last_replied_at": None,
    **dict.fromkeys(PERSON_WRITABLE),
    "crm_url": None,
    "crm_id": None,
    "crm_object_type": None,
    "owner_crm_id": None,
    "do_not_contact": False,
    "bouncing": False,
    "locale_utc_offset": None,
    "eu_resident": False,
    "last_contacted_type": None,
    "custom_fields": {},
    "tags": [],
    "contact_restrictions": [],
    "success_count": 0,
    "starred": False,
    "untouched": False,
    "counts": {},
    "account_id": None,
    "owner_id": None,
    "last_contacted_by_id": None,
    "import_id": None,
    "person_stage_id": None,
}

USER_TEMPLATE: dict[str, Any] = {
    "from_address": None,
    "bcc_email_address": None,
    "twitter_handle": None,
    "seat_package": "prospect",
    "email_signature": "",
    "email_signature_type": "html",
    "email_signature_click_tracking_disabled": False,
    "local_dial_enabled": True,
    "click_to_call_enabled": True,
    "email_client_configured": True,
    "external_feature_flags": {
        "ma_enabled": True,
        "ma_live_feed": True,
        "ma_person_page": True,
        "ma_push_notifications": False,
        "ma_websockets": True,
        "ma_edit_person": True,
        "hot_leads": True,
    },
}

EMPTY_PERSON_COUNTS = {
    "emails_sent": 0,
    "emails_viewed": 0,
    "emails_clicked": 0,
    "emails_replied_to": 0,
    "emails_bounced": 0,
    "calls": 0,
}

EMPTY_MEMBERSHIP_COUNTS = {
    "views": 0,
    "clicks": 0,
    "replies": 0,
    "calls": 0,
    "sent_emails": 0,
    "bounces": 0,
}
