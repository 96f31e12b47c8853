"""Logins and sessions: the demo credentials, the OAuth 2.0 token endpoint, the SOAP
``login()`` call simple-salesforce uses, and the session check of every API call.

Grants: ``authorization_code`` (the web server flow), ``password`` (password
followed by the security token), ``urn:ietf:params:oauth:grant-type:jwt-bearer``
and ``refresh_token``. For the JWT bearer grant the assertion's structure and
its iss/sub/aud/exp claims are checked, but **not its RS256 signature**: the
sandbox holds no certificate of the connected app. Refresh tokens do not
rotate, as by default in Salesforce.

``GET /services/oauth2/authorize`` approves the demo connected app at once for
the admin (the user of ``DEMO_REFRESH_TOKEN``) and grants the scopes asked
for, or the app's ``api refresh_token`` when ``scope`` is absent. Its codes
are single-use, bound to the client and redirect URI and live 10 minutes
(:mod:`engage_sandbox._authcodes`); any absolute http(s) redirect URI is
accepted (a real connected app allows only its callback URLs). As in
Salesforce, the code grant answers a ``refresh_token`` only when the granted
scopes include ``refresh_token`` or ``offline_access``. Scopes are not
enforced on API calls.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import Response

from .._authcodes import CodeProblem, CodeRefusedError, authorize, found
from .._tokens import TokenStatus
from ._errors import invalid_session, json_response

if TYPE_CHECKING:
    from ._state import SalesforceOrg

# Demo credentials. They only open this emulator; they are not secrets.
DEMO_USERNAME = "admin@engage-sandbox.example"
DEMO_PASSWORD = "sandbox-password"
DEMO_SECURITY_TOKEN = "SANDBOXTOKEN42"
DEMO_CLIENT_ID = "3MVG9engageSandboxConsumerKey"
DEMO_CLIENT_SECRET = "engage-sandbox-consumer-secret"
DEMO_REFRESH_TOKEN = "5Aep861engageSandboxRefreshToken"
SESSION_TTL = 7200.0
APP_SCOPES = "api refresh_token"  # what the demo connected app is allowed
OFFLINE_SCOPES = frozenset({"refresh_token", "offline_access"})

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
AUDIENCES = ("https://login.salesforce.com", "https://test.salesforce.com")


class OAuthError(Exception):
    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def base_url(request: Request) -> str:
    return f"{request.url.scheme}://{request.url.netloc}"


def authenticate(org: SalesforceOrg, authorization: str | None) -> str:
    """The user id behind an ``Authorization: Bearer``/``OAuth`` header."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() not in {"bearer", "oauth"} or not token.strip():
        raise invalid_session()
    status, subject = org.kit.tokens.check(token.strip())
    if status is not TokenStatus.VALID or subject is None:
        raise invalid_session()
    return subject


async def token(request: Request, org: SalesforceOrg) -> Response:
    # Parsed by hand: Starlette's form parser needs python-multipart, which engage does not require.
    raw = (await request.body()).decode("utf-8", errors="replace")
    data = dict(parse_qsl(raw, keep_blank_values=True))
    grant = data.get("grant_type", "")
    try:
        with org.lock:
            if grant == "password":
                _client(data, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
                user = _password_user(org, data.get("username", ""), data.get("password", ""))
                return _issue(request, org, user, DEMO_CLIENT_SECRET)
            if grant == JWT_GRANT:
                user = _jwt_user(org, data.get("assertion", ""), base_url(request), DEMO_CLIENT_ID)
                return _issue(request, org, user, DEMO_CLIENT_SECRET)
            if grant == "authorization_code":
                _client(data, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
                user, scope = _code_user(org, data)
                return _issue(request, org, user, DEMO_CLIENT_SECRET, scope=scope, code_grant=True)
            if grant == "refresh_token":
                _client(data, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, secret_optional=True)
                owner = org.refresh_tokens.get(data.get("refresh_token", ""))
                if owner is None:
                    raise OAuthError("invalid_grant", "expired access/refresh token")
                user = owner
                return _issue(request, org, user, DEMO_CLIENT_SECRET, scope="api refresh_token")
            raise OAuthError("unsupported_grant_type", "grant type not supported")
    except OAuthError as exc:
        return json_response({"error": exc.error, "error_description": exc.description}, exc.status)


async def authorize_endpoint(request: Request, org: SalesforceOrg) -> Response:
    """The admin approves the demo connected app at once (RFC 6749, 4.1.1 and 4.1.2)."""
    with org.lock:
        admin = org.admin_id
    answer = authorize(
        org.kit.codes,
        request.query_params.multi_items(),
        client_id=DEMO_CLIENT_ID,
        subject=admin,
        scope=lambda requested: " ".join((requested or "").split()) or APP_SCOPES,
    )
    if isinstance(answer, str):
        return found(answer)
    error, description = _AUTHORIZE_ERRORS.get(answer.problem, (answer.error, answer.description))
    return json_response({"error": error, "error_description": description}, 400)


_AUTHORIZE_ERRORS = {
    "unknown_client": ("invalid_client_id", "client identifier invalid"),
    "missing_redirect_uri": ("redirect_uri_mismatch", "redirect_uri must match configuration"),
    "invalid_redirect_uri": ("redirect_uri_mismatch", "redirect_uri must match configuration"),
}


def _code_user(org: SalesforceOrg, data: dict[str, str]) -> tuple[str, str]:
    """(user id, granted scope) of the code in ``data``, which is spent."""
    try:
        granted = org.kit.codes.redeem(
            data.get("code", ""),
            client_id=data.get("client_id", ""),
            redirect_uri=data.get("redirect_uri", ""),
        )
    except CodeRefusedError as exc:
        expired = exc.problem is CodeProblem.EXPIRED
        description = "expired authorization code" if expired else "invalid authorization code"
        raise OAuthError("invalid_grant", description) from None
    return granted.subject, granted.scope


def _client(
    data: dict[str, str], client_id: str, secret: str, *, secret_optional: bool = False
) -> None:
    if data.get("client_id") != client_id:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    given = data.get("client_secret")
    if (given is not None or not secret_optional) and given != secret:
        raise OAuthError("invalid_client", "invalid client credentials")


def _password_user(org: SalesforceOrg, username: str, password: str) -> str:
    user = org.user_by_username(username)
    if user is None or password != DEMO_PASSWORD + DEMO_SECURITY_TOKEN:
        raise OAuthError("invalid_grant", "authentication failure")
    return str(user["Id"])


def _b64json(part: str) -> dict[str, Any]:
    padded = part + "=" * (-len(part) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    if not isinstance(value, dict):
        raise ValueError("not a JSON object")
    return value


def _jwt_user(org: SalesforceOrg, assertion: str, own_base: str, client_id: str) -> str:
    parts = assertion.split(".")
    try:
        if len(parts) != 3 or not parts[2]:
            raise ValueError("not a signed JWT")
        header, claims = _b64json(parts[0]), _b64json(parts[1])
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_grant", "invalid assertion") from None
    if header.get("alg") != "RS256":
        raise OAuthError("invalid_grant", "invalid assertion")
    if claims.get("iss") != client_id:
        raise OAuthError("invalid_client_id", "client identifier invalid")
    if claims.get("aud") not in (*AUDIENCES, own_base):
        raise OAuthError("invalid_grant", "audience is invalid")
    try:
        expires = float(claims.get("exp"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise OAuthError("invalid_grant", "invalid assertion") from None
    if expires <= org.kit.clock.timestamp():
        raise OAuthError("invalid_grant", "expired authorization code")
    user = org.user_by_username(str(claims.get("sub", "")))
    if user is None:
        raise OAuthError("invalid_grant", "user hasn't approved this consumer")
    return str(user["Id"])


def _issue(
    request: Request,
    org: SalesforceOrg,
    user: str,
    secret: str,
    scope: str = "",
    *,
    code_grant: bool = False,
) -> Response:
    """The token answer; a code grant with an offline scope also answers a refresh token."""
    issued = org.kit.tokens.issue(user, scope)
    base = base_url(request)
    identity = f"{base}/id/{org.org_id}/{user}"
    issued_at = str(int(org.kit.clock.timestamp() * 1000))
    digest = hmac.new(secret.encode(), (identity + issued_at).encode(), hashlib.sha256).digest()
    body: dict[str, Any] = {"access_token": issued.access_token}
    if code_grant and OFFLINE_SCOPES & set(scope.split()):
        # Salesforce's refresh tokens do not rotate: the refresh grant reads this map.
        org.refresh_tokens[issued.refresh_token] = user
        body["refresh_token"] = issued.refresh_token
    if scope:
        body["scope"] = scope
    body |= {
        "instance_url": base,
        "id": identity,
        "token_type": "Bearer",
        "issued_at": issued_at,
        "signature": base64.b64encode(digest).decode(),
    }
    return json_response(body)


_SOAP_NS = (
    'xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
    'xmlns="urn:partner.soap.sforce.com" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)


def _fault(code: str, message: str) -> Response:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope {_SOAP_NS} '
        'xmlns:sf="urn:fault.partner.soap.sforce.com"><soapenv:Body><soapenv:Fault>'
        f"<faultcode>sf:{code}</faultcode><faultstring>{code}: {escape(message)}</faultstring>"
        '<detail><sf:LoginFault xsi:type="sf:LoginFault">'
        f"<sf:exceptionCode>{code}</sf:exceptionCode>"
        f"<sf:exceptionMessage>{escape(message)}</sf:exceptionMessage></sf:LoginFault></detail>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    )
    return Response(body, 500, media_type="text/xml; charset=utf-8")


async def soap_login(request: Request, org: SalesforceOrg) -> Response:
    raw = await request.body()
    if b"<!DOCTYPE" in raw.upper():
        return _fault("INVALID_REQUEST", "DOCTYPE is not allowed")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError:
        return _fault("INVALID_REQUEST", "Unable to parse the login request")
    values = {el.tag.rsplit("}", 1)[-1]: (el.text or "") for el in root.iter()}
    if "login" not in values:
        return _fault("INVALID_OPERATION", "Only the login() call is emulated")
    version = request.path_params["version"]
    with org.lock:
        user = org.user_by_username(values.get("username", ""))
        password = values.get("password", "")
        # Without the security token only a trusted (IP-restricted) login scoped to the org works.
        trusted = values.get("organizationId") in {org.org_id, org.org_id[:15]}
        ok = password == DEMO_PASSWORD + DEMO_SECURITY_TOKEN or (
            trusted and password == DEMO_PASSWORD
        )
        if user is None or not ok:
            return _fault(
                "INVALID_LOGIN", "Invalid username, password, security token; or user locked out."
            )
        issued = org.kit.tokens.issue(str(user["Id"]))
    base = base_url(request)
    ttl = int(org.kit.tokens.access_ttl)
    result = (
        f"<metadataServerUrl>{base}/services/Soap/m/{version}/{org.org_id}</metadataServerUrl>"
        "<passwordExpired>false</passwordExpired><sandbox>true</sandbox>"
        f"<serverUrl>{base}/services/Soap/u/{version}/{org.org_id}</serverUrl>"
        f"<sessionId>{escape(issued.access_token)}</sessionId><userId>{user['Id']}</userId>"
        f"<userInfo><organizationId>{org.org_id}</organizationId>"
        f"<sessionSecondsValid>{ttl}</sessionSecondsValid><userEmail>{escape(user['Email'])}</userEmail>"
        f"<userFullName>{escape(user['Name'])}</userFullName><userId>{user['Id']}</userId>"
        f"<userName>{escape(user['Username'])}</userName></userInfo>"
    )
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope {_SOAP_NS}><soapenv:Body>'
        f"<loginResponse><result>{result}</result></loginResponse></soapenv:Body></soapenv:Envelope>"
    )
    return Response(body, 200, media_type="text/xml; charset=utf-8")
