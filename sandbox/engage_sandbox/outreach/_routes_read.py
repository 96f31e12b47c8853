"""Collection and member reads for every emulated type, plus the API root."""

from __future__ import annotations

from typing import Any

from starlette.routing import Route

from ._errors import ApiError, not_found
from ._routes_jsonapi import collect_included, parse_fields, parse_include, render
from ._routes_pages import count_matching, count_meta, paginate, parse_sort, sorted_rows
from ._routes_pipeline import Ctx, api
from ._state_filters import compile_filters
from ._state_schema import BY_PLURAL, ResourceDef
from ._state_store import Record


def resource_for(plural: str) -> ResourceDef:
    rdef = BY_PLURAL.get(plural)
    if rdef is None:
        raise ApiError(404, f"Could not find resource type '{plural}'.")
    return rdef


def load(ctx: Ctx, type_: str, id_: int) -> Record:
    record = ctx.store.get(type_, id_)
    if record is None:
        raise not_found(type_, id_)
    return record


def _large_page_guard(ctx: Ctx) -> None:
    """Outreach has answered very large pages with 502s; opt in to see that."""
    threshold = ctx.rt.kit.options.extras.get("page_size_502_above")
    size = dict(ctx.params).get("page[size]", "")
    if threshold is not None and size.isdigit() and int(size) > int(threshold):
        raise ApiError(502, "The upstream service did not answer in time.")


def document(ctx: Ctx, rdef: ResourceDef, records: list[Record], *, single: bool) -> dict[str, Any]:
    fields = parse_fields(ctx.params)
    include = parse_include(rdef, dict(ctx.params).get("include"))
    data = [render(r, ctx.base, fields, ctx.store) for r in records]
    doc: dict[str, Any] = {"data": data[0] if single else data}
    if include:
        included = collect_included(records, include, ctx.store)
        doc["included"] = [render(r, ctx.base, fields, ctx.store) for r in included]
    return doc


async def list_collection(ctx: Ctx) -> tuple[int, Any]:
    rdef = resource_for(ctx.request.path_params["plural"])
    single = dict(ctx.params)
    predicates = compile_filters(rdef, ctx.params, ctx.store)
    spec = parse_sort(rdef, single.get("sort"))
    parse_include(rdef, single.get("include"))
    _large_page_guard(ctx)
    keep = (lambda r: all(p(r) for p in predicates)) if predicates else None
    rows = sorted_rows(ctx.store, rdef.type, spec)
    url = f"{ctx.base}/api/v2/{rdef.plural}"
    page = paginate(rows, keep, spec, ctx.params, url, ctx.store)
    doc = document(ctx, rdef, page.rows, single=False)
    doc["links"] = page.links
    if single.get("count", "false").lower() == "true":
        doc["meta"] = count_meta(count_matching(rows, keep, ctx.store))
    return 200, doc


async def get_member(ctx: Ctx) -> tuple[int, Any]:
    rdef = resource_for(ctx.request.path_params["plural"])
    record = load(ctx, rdef.type, ctx.request.path_params["id"])
    return 200, document(ctx, rdef, [record], single=True)


async def root(ctx: Ctx) -> tuple[int, Any]:
    """Who the token acts for; not in the OpenAPI, but what ``GET /api/v2`` answers."""
    user = ctx.store.get("user", ctx.user_id)
    token = ctx.request.headers.get("authorization", "").partition(" ")[2].strip()
    return 200, {
        "meta": {
            "api": {"version": "v2"},
            "org": {"name": "Engage Sandbox Org", "shortname": "engage-sandbox"},
            "token": {"scopes": sorted(ctx.rt.scopes.get(token, "").split())},
            "user": {
                "id": ctx.user_id,
                "email": user.attributes["email"] if user else None,
                "firstName": user.attributes["firstName"] if user else None,
                "lastName": user.attributes["lastName"] if user else None,
            },
        }
    }


def routes() -> list[Route]:
    def scoped(handler: Any) -> Any:
        # The scope depends on the collection in the path, so resolve it per request.
        async def endpoint(request: Any) -> Any:
            plural = request.path_params.get("plural")
            rdef = BY_PLURAL.get(plural) if plural else None
            wrapped = api(handler, rdef.plural if rdef else None)
            return await wrapped(request)

        return endpoint

    return [
        Route("/api/v2", api(root, None), methods=["GET"]),
        Route("/api/v2/{plural}", scoped(list_collection), methods=["GET"]),
        Route("/api/v2/{plural}/{id:int}", scoped(get_member), methods=["GET"]),
    ]
