"""The route table: ``GET /oauth/authorize`` and ``POST /oauth/token``, then each area's
``/v2`` routes (``_routes_<area>``)."""

from __future__ import annotations

from starlette.routing import BaseRoute

from . import _routes_activity, _routes_cadences, _routes_notes_users, _routes_people, _routes_tasks
from ._auth import authorize_route, token_route
from ._state import Emulator

AREAS = (_routes_people, _routes_cadences, _routes_tasks, _routes_activity, _routes_notes_users)


def make_routes(emu: Emulator, codes: dict[str, int], demo_user: int) -> list[BaseRoute]:
    """Every route, in matching order; ``codes`` maps each demo OAuth code to its user,
    ``demo_user`` is who approves at ``/oauth/authorize``."""
    kit = emu.kit
    routes: list[BaseRoute] = [
        authorize_route(kit.codes, demo_user),
        token_route(kit.tokens, emu.options.clock.now, codes, kit.codes),
    ]
    for module in AREAS:
        routes.extend(module.routes(emu))
    return routes
