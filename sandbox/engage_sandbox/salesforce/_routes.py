"""The REST surface under ``/services/data/vNN.N/``: one dispatcher in front of the handlers.

Every call under a version is authenticated, then charged one unit of the
org's daily API allocation; charged responses carry ``Sforce-Limit-Info``
except 204s, as the recorded exchanges show.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import _routes_actions as actions
from . import _routes_describe as describe
from . import _routes_records as records
from ._auth import authenticate, authorize_endpoint, base_url, soap_login, token
from ._errors import NOT_FOUND, ApiError, json_response
from ._state import Cursor, SalesforceOrg
from ._state_flow import process_due
from ._state_query import execute, project
from ._state_schema import ObjectSpec
from ._state_soql import SoqlError, parse

DEFAULT_BATCH, MIN_BATCH = 2000, 200
_VERSION = re.compile(r"^(\d{2})\.0$")
Reply = tuple[int, Any, dict[str, str]]


@dataclass
class Ctx:
    request: Request
    org: SalesforceOrg
    version: str
    user: str
    now: datetime
    body: Any


Handler = Callable[[Ctx, "re.Match[str]"], Reply]


def ok(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return status, payload, headers or {}


def resources(ctx: Ctx, _: re.Match[str]) -> Reply:
    base = f"/services/data/v{ctx.version}"
    names = ("sobjects", "query", "queryAll", "limits", "actions")
    return ok({name: f"{base}/{name}" for name in names})


def limits(ctx: Ctx, _: re.Match[str]) -> Reply:
    remaining = ctx.org.limiter.peek(ctx.org.org_id)
    return ok({"DailyApiRequests": {"Max": ctx.org.limiter.limit, "Remaining": remaining}})


def global_describe(ctx: Ctx, _: re.Match[str]) -> Reply:
    return ok(describe.describe_global(ctx.version))


def _sobject(ctx: Ctx, match: re.Match[str]) -> ObjectSpec:
    return records.sobject(match["type"], ctx.org.profile.objects)


def sobject_root(ctx: Ctx, match: re.Match[str]) -> Reply:
    spec = _sobject(ctx, match)
    if ctx.request.method == "POST":
        record = records.create(ctx.org.store, spec, ctx.body, ctx.user, ctx.now)
        location = f"/services/data/v{ctx.version}/sobjects/{spec.name}/{record['Id']}"
        return ok({"id": record["Id"], "success": True, "errors": []}, 201, {"Location": location})
    return ok({"objectDescribe": describe.basic(spec, ctx.version), "recentItems": []})


def sobject_describe(ctx: Ctx, match: re.Match[str]) -> Reply:
    return ok(describe.describe(_sobject(ctx, match), ctx.version))


def sobject_row(ctx: Ctx, match: re.Match[str]) -> Reply:
    store, spec = ctx.org.store, _sobject(ctx, match)
    method = ctx.request.method
    record = records.find(store, spec, match["id"], deleted_error=method == "DELETE")
    if method == "GET":
        fields = ctx.request.query_params.get("fields")
        return ok(records.render(store, spec, record, ctx.version, fields))
    if method == "PATCH":
        records.update(store, spec, record, ctx.body, ctx.user, ctx.now)
    else:
        records.delete(store, spec, record, ctx.user, ctx.now)
    return ok(None, 204)


def _batch_size(request: Request) -> int:
    options = request.headers.get("Sforce-Query-Options", "")
    found = re.search(r"batchSize\s*=\s*(\d+)", options)
    if found is None:
        return DEFAULT_BATCH
    return min(DEFAULT_BATCH, max(MIN_BATCH, int(found.group(1))))


def _page(ctx: Ctx, cursor: Cursor, offset: int) -> Reply:
    rows = cursor.rows[offset : offset + cursor.batch]
    end = offset + len(rows)
    body: dict[str, Any] = {"totalSize": len(cursor.rows), "done": end >= len(cursor.rows)}
    if not body["done"]:
        body["nextRecordsUrl"] = (
            f"/services/data/v{ctx.version}/{cursor.endpoint}/{cursor.locator}-{end}"
        )
    store = ctx.org.store
    body["records"] = [
        project(store, row, cursor.sobject, cursor.tree, cursor.version) for row in rows
    ]
    return ok(body)


def query(ctx: Ctx, match: re.Match[str]) -> Reply:
    endpoint = match["endpoint"]
    if match["locator"]:
        cursor = ctx.org.cursor(match["locator"])
        return _page(ctx, cursor, int(match["offset"]))
    text = ctx.request.query_params.get("q")
    if not text:
        raise ApiError(400, "MALFORMED_QUERY", "The query string parameter 'q' is required")
    try:
        result = execute(
            ctx.org.store,
            parse(text),
            ctx.now,
            include_deleted=endpoint == "queryAll",
            objects=ctx.org.profile.objects,
        )
    except SoqlError as exc:
        raise ApiError(400, exc.code, exc.message) from None
    if result.aggregate is not None and result.count_only:
        return ok({"totalSize": result.aggregate["expr0"], "done": True, "records": []})
    if result.aggregate is not None:
        return ok({"totalSize": 1, "done": True, "records": [result.aggregate]})
    locator = ctx.org.store.minter.next("0r8")
    cursor = Cursor(
        locator,
        result.sobject,
        result.rows,
        result.tree,
        _batch_size(ctx.request),
        ctx.version,
        endpoint,
        ctx.now,
    )
    if len(result.rows) > cursor.batch:
        ctx.org.open_cursor(cursor)
    return _page(ctx, cursor, 0)


def _action(ctx: Ctx, name: str) -> actions.Action:
    action = actions.ACTIONS.get(name)
    if action is None or float(ctx.version) < action.since:
        raise ApiError(404, "NOT_FOUND", NOT_FOUND)
    return action


def action_list(ctx: Ctx, _: re.Match[str]) -> Reply:
    listed = [a for a in actions.ACTIONS.values() if float(ctx.version) >= a.since]
    return ok(
        {"actions": [{"label": a.label, "name": a.name, "type": a.name.upper()} for a in listed]}
    )


def actions_root(ctx: Ctx, _: re.Match[str]) -> Reply:
    base = f"/services/data/v{ctx.version}/actions"
    return ok({"standard": f"{base}/standard", "custom": f"{base}/custom"})


def action(ctx: Ctx, match: re.Match[str]) -> Reply:
    spec = _action(ctx, match["name"])
    if ctx.request.method == "GET":
        return ok(actions.describe(spec, ctx.version))
    inputs = ctx.body.get("inputs") if isinstance(ctx.body, dict) else None
    if not isinstance(inputs, list):
        raise ApiError(400, "JSON_PARSER_ERROR", "The request body needs an 'inputs' array.")
    if len(inputs) > actions.MAX_INPUTS:
        raise ApiError(
            400, "LIMIT_EXCEEDED", f"You can't provide more than {actions.MAX_INPUTS} inputs."
        )
    org = ctx.org
    results = [
        actions.invoke_one(spec, org.store, ctx.user, ctx.now, item, org.profile) for item in inputs
    ]
    return ok(results, 200 if all(r["isSuccess"] for r in results) else 400)


_TABLE: list[tuple[re.Pattern[str], dict[str, Handler]]] = [
    (re.compile(r"^/?$"), {"GET": resources}),
    (re.compile(r"^limits/?$"), {"GET": limits}),
    (re.compile(r"^sobjects/?$"), {"GET": global_describe}),
    (re.compile(r"^sobjects/(?P<type>\w+)/?$"), {"GET": sobject_root, "POST": sobject_root}),
    (re.compile(r"^sobjects/(?P<type>\w+)/describe/?$"), {"GET": sobject_describe}),
    (
        re.compile(r"^sobjects/(?P<type>\w+)/(?P<id>\w{15}|\w{18})/?$"),
        {"GET": sobject_row, "PATCH": sobject_row, "DELETE": sobject_row},
    ),
    (
        re.compile(r"^(?P<endpoint>query|queryAll)(?:/(?:(?P<locator>\w+)-(?P<offset>\d+))?)?/?$"),
        {"GET": query},
    ),
    (re.compile(r"^actions/?$"), {"GET": actions_root}),
    (re.compile(r"^actions/standard/?$"), {"GET": action_list}),
    (re.compile(r"^actions/standard/(?P<name>\w+)/?$"), {"GET": action, "POST": action}),
]


def _route(rest: str, method: str) -> tuple[Handler, re.Match[str]]:
    for pattern, handlers in _TABLE:
        match = pattern.match(rest)
        if match is None:
            continue
        if method not in handlers:
            allowed = ",".join(["HEAD", *handlers] if "GET" in handlers else handlers)
            raise ApiError(
                405,
                "METHOD_NOT_ALLOWED",
                f"HTTP Method '{method}' not allowed. Allowed are {allowed}",
            )
        return handlers[method], match
    raise ApiError(404, "NOT_FOUND", NOT_FOUND)


def _version(raw: str) -> str:
    match = _VERSION.match(raw)
    if match is None or not describe.LATEST[0] <= int(match.group(1)) <= describe.LATEST[1]:
        raise ApiError(404, "NOT_FOUND", NOT_FOUND)
    return raw


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw or request.method not in {"POST", "PATCH"}:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400, "JSON_PARSER_ERROR", "Unexpected character in the request body"
        ) from None


def make_routes(org: SalesforceOrg) -> list[BaseRoute]:
    async def api(request: Request) -> Response:
        pretty = request.headers.get("X-PrettyPrint") == "1"
        headers: dict[str, str] = {}
        try:
            version = _version(request.path_params["version"])
            with org.lock:
                user = authenticate(org, request.headers.get("Authorization"))
                headers = org.usage_header(org.charge())
            body = await _body(request)
            rest = request.path_params.get("rest", "")
            handler, match = _route(rest, request.method)
            with org.lock:
                now = org.now()
                process_due(org.store, now)
                status, payload, extra = handler(Ctx(request, org, version, user, now, body), match)
        except ApiError as exc:
            return json_response(exc.body(), exc.status, {**headers, **exc.headers}, pretty=pretty)
        if status == 204:
            return Response(status_code=204)
        return json_response(payload, status, {**headers, **extra}, pretty=pretty)

    async def versions(request: Request) -> Response:
        return json_response(
            describe.versions(), pretty=request.headers.get("X-PrettyPrint") == "1"
        )

    async def oauth_token(request: Request) -> Response:
        return await token(request, org)

    async def oauth_authorize(request: Request) -> Response:
        return await authorize_endpoint(request, org)

    async def soap(request: Request) -> Response:
        return await soap_login(request, org)

    async def identity(request: Request) -> Response:
        try:
            with org.lock:
                user_id = authenticate(org, request.headers.get("Authorization"))
                user = org.store.get(user_id) or {}
        except ApiError as exc:
            return json_response(exc.body(), exc.status, exc.headers)
        if request.path_params["user"] != user_id or request.path_params["org"] != org.org_id:
            return json_response({"error": "Forbidden"}, 403)
        base = base_url(request)
        return json_response(
            {
                "id": f"{base}/id/{org.org_id}/{user_id}",
                "asserted_user": True,
                "user_id": user_id,
                "organization_id": org.org_id,
                "username": user.get("Username"),
                "display_name": user.get("Name"),
                "email": user.get("Email"),
                "active": user.get("IsActive"),
                "user_type": "STANDARD",
                "urls": {
                    "rest": f"{base}/services/data/v{{version}}/",
                    "query": f"{base}/services/data/v{{version}}/query/",
                },
            }
        )

    methods = ["GET", "POST", "PATCH", "DELETE", "PUT"]
    return [
        Route("/services/data", versions, methods=["GET"]),
        Route("/services/data/", versions, methods=["GET"]),
        Route("/services/data/v{version}", api, methods=methods),
        Route("/services/data/v{version}/{rest:path}", api, methods=methods),
        Route("/services/oauth2/authorize", oauth_authorize, methods=["GET"]),
        Route("/services/oauth2/token", oauth_token, methods=["POST"]),
        Route("/services/Soap/u/{version}", soap, methods=["POST"]),
        Route("/services/Soap/u/{version}/{org_id}", soap, methods=["POST"]),
        Route("/id/{org}/{user}", identity, methods=["GET"]),
    ]
