"""Scrubbing recordings: no credential, and (for real accounts) no personal data, on disk.

Applied by the cassette recorder to every request and response before it is
written. Credentials are replaced by ``REDACTED`` in place so that the
recording keeps its shape; the sandbox's random port is replaced by a fixed
origin so re-recording is byte-identical; personal data (e-mail addresses,
phone numbers) is replaced by stable pseudonyms when recording a real account.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from engage._transport import REDACTED
from engage._transport._redact import SECRET_HEADERS, is_secret_param

# JSON keys whose values are credentials, wherever they appear in a body.
SECRET_KEYS = frozenset(
    {
        "access_token",
        "refresh_token",
        "id_token",
        "client_secret",
        "password",
        "assertion",
        "signature",
        "api_key",
        "apikey",
        "token",
        "sessionId",
        "session_id",
        "accessToken",
        "refreshToken",
    }
)
# JSON keys whose values differ on every run by design (a fresh idempotency key per
# write): recorded, and matched on replay, as a fixed placeholder.
VOLATILE_KEYS = frozenset({"idempotency_key"})
VOLATILE = "VOLATILE"
# XML elements (Salesforce SOAP login) that carry credentials.
_XML_SECRET = re.compile(
    r"<(?P<tag>(?:\w+:)?(?:password|sessionId|username))>[^<]*</(?P=tag)>", re.I
)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_PSEUDONYM = re.compile(r"person-[0-9a-f]{10}@example\.com")
# JSON keys whose values are personal data other than e-mail addresses.
_PHONE_KEY = re.compile(r"phone|mobile|fax", re.I)
_NAME_KEY = re.compile(r"^(first_?name|last_?name|full_?name|display_?name)$", re.I)
FAKE_PHONE = "+1 555 0100"
# Shapes of live credentials; the secret scan looks for them in every cassette.
LEAK_PATTERNS = (
    re.compile(r"Bearer [A-Za-z0-9._~+/-]{12,}"),
    re.compile(r"\"(?:access|refresh)_token\": ?\"(?!REDACTED)[A-Za-z0-9._~+/-]{12,}"),
    re.compile(r"(?:access|refresh)_token=(?!REDACTED)[A-Za-z0-9._~%+/-]{12,}"),
    re.compile(r"client_secret=(?!REDACTED)[^&\s'\"]{6,}"),
    re.compile(r"<(?:\w+:)?sessionId>(?!REDACTED)[^<]{12,}<"),
    re.compile(r"ak_[0-9a-f]{32,}"),
)


def find_secrets(text: str) -> list[str]:
    """Credential-shaped strings in ``text`` (shortened), for the cassette secret scan."""
    return [match.group(0)[:24] + "..." for p in LEAK_PATTERNS for match in p.finditer(text)]


def pseudonym_email(address: str) -> str:
    """A stable stand-in for ``address``; a stand-in maps to itself (vcrpy filters twice)."""
    if _PSEUDONYM.fullmatch(address):
        return address
    digest = hashlib.sha256(address.lower().encode()).hexdigest()[:10]
    return f"person-{digest}@example.com"


def _pseudonym_name(name: str) -> str:
    if name.startswith("Person "):
        return name
    return "Person " + hashlib.sha256(name.encode()).hexdigest()[:6]


def _scrub_json(value: Any, personal: bool, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _scrub_entry(k, v, personal) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub_json(v, personal, key) for v in value]
    if isinstance(value, str) and value and personal:
        if _PHONE_KEY.search(key):
            return FAKE_PHONE
        if _NAME_KEY.match(key):
            return _pseudonym_name(value)
        return _scrub_personal(value)
    return value


def _scrub_entry(key: str, value: Any, personal: bool) -> Any:
    if key in SECRET_KEYS and value:
        return REDACTED
    if key in VOLATILE_KEYS and value:
        return VOLATILE
    return _scrub_json(value, personal, key)


def _scrub_personal(text: str) -> str:
    return _EMAIL.sub(lambda m: pseudonym_email(m.group(0)), text)


def _scrub_uri(uri: str) -> str:
    """Pseudonymise personal data in query values, which arrive URL-encoded."""
    parts = urlsplit(uri)
    if not parts.query:
        return uri
    pairs = [(k, _scrub_personal(v)) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    return urlunsplit(parts._replace(query=urlencode(pairs, safe="[]'")))


def scrub_body(body: bytes | str | None, *, personal: bool = False) -> bytes | str | None:
    """``body`` with credentials (and optionally personal data) replaced."""
    if not body:
        return body
    as_bytes = isinstance(body, bytes)
    try:
        text = body.decode() if isinstance(body, bytes) else body
    except UnicodeDecodeError:
        return body
    scrubbed = _scrub_text(text, personal)
    return scrubbed.encode() if as_bytes else scrubbed


def _scrub_text(text: str, personal: bool) -> str:
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        try:
            data = json.loads(text)
        except ValueError:
            pass
        else:
            cleaned = _scrub_json(data, personal)
            if cleaned == data:
                return text  # keep the vendor's exact bytes
            return json.dumps(cleaned, separators=(",", ":"), ensure_ascii=False)
    if stripped.startswith("<"):
        text = _XML_SECRET.sub(lambda m: f"<{m['tag']}>{REDACTED}</{m['tag']}>", text)
        return _scrub_personal(text) if personal else text
    if "=" in text and "\n" not in text and " " not in text:
        pairs = parse_qsl(text, keep_blank_values=True)
        if pairs:
            cleaned = [(k, REDACTED if is_secret_param(k) else v) for k, v in pairs]
            if personal:
                cleaned = [(k, _scrub_personal(v)) for k, v in cleaned]
            return text if cleaned == pairs else urlencode(cleaned)
    return _scrub_personal(text) if personal else text


class Rewriter:
    """Replaces the live origin (the sandbox's random port) with a fixed one."""

    def __init__(self, live: str | None, canonical: str) -> None:
        self.live = live.rstrip("/") if live else None
        self.canonical = canonical.rstrip("/")

    def text(self, value: str) -> str:
        if not self.live:
            return value
        return value.replace(self.live, self.canonical)

    def body(self, body: bytes | str | None) -> bytes | str | None:
        if not body or not self.live:
            return body
        if isinstance(body, bytes):
            return body.replace(self.live.encode(), self.canonical.encode())
        return body.replace(self.live, self.canonical)


def request_scrubber(rewriter: Rewriter, *, personal: bool) -> Callable[[Any], Any]:
    """A vcrpy ``before_record_request`` hook."""

    def scrub(request: Any) -> Any:
        request.uri = rewriter.text(request.uri)
        if personal:
            request.uri = _scrub_uri(request.uri)
        for name in list(request.headers):
            if name.lower() in SECRET_HEADERS:
                request.headers[name] = REDACTED
            elif name.lower() == "host":
                del request.headers[name]
        request.body = scrub_body(rewriter.body(request.body), personal=personal)
        return request

    return scrub


def response_scrubber(rewriter: Rewriter, *, personal: bool) -> Callable[[Any], Any]:
    """A vcrpy ``before_record_response`` hook."""

    def scrub(response: dict[str, Any]) -> dict[str, Any]:
        headers: dict[str, list[str]] = response.get("headers", {})
        for name in list(headers):
            lowered = name.lower()
            if lowered in SECRET_HEADERS or lowered in {"date", "server"}:
                del headers[name]
            else:
                headers[name] = [rewriter.text(v) for v in headers[name]]
        body = response.get("body", {})
        original = body.get("string")
        scrubbed = scrub_body(rewriter.body(original), personal=personal)
        body["string"] = scrubbed
        if scrubbed != original:
            data = scrubbed.encode() if isinstance(scrubbed, str) else scrubbed or b""
            for name in list(headers):
                if name.lower() == "content-length":
                    headers[name] = [str(len(data))]
        return response

    return scrub
