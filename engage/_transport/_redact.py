"""Keeping secrets and personal data out of logs, errors and recordings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"

SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SECRET_PARAM = re.compile(
    r"(token|secret|password|passwd|api[_-]?key|signature|assertion|^code$|session)", re.I
)
# Query parameters that carry personal data (possibly as array params: email_addresses[]).
_PII_PARAM = re.compile(r"(e-?mail|phone|first_?name|last_?name|^name|mobile)", re.I)
# Quoted literals in a SOQL ``q`` parameter may be e-mail addresses or names.
_SOQL_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'")


def is_secret_param(name: str) -> bool:
    return bool(_SECRET_PARAM.search(name))


def is_pii_param(name: str) -> bool:
    return bool(_PII_PARAM.search(name.removesuffix("[]")))


def redact_params(pairs: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    out = []
    for name, value in pairs:
        if is_secret_param(name) or is_pii_param(name):
            value = REDACTED
        elif name == "q":
            value = _SOQL_LITERAL.sub(f"'{REDACTED}'", value)
        out.append((name, value))
    return out


def redact_url(url: str) -> str:
    """The URL with credentials, secret and personal query values replaced."""
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    query = urlencode(redact_params(parse_qsl(parts.query, keep_blank_values=True)), safe="[]'")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()}
