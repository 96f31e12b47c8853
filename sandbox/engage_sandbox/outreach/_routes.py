"""The route table: ``GET /oauth/authorize``, ``POST /oauth/token``, then the ``/api/v2``
routes of each area.

Writes, sequence-state actions and task actions come before the generic reads,
so their fixed paths win over the ``/{plural}/{id}`` patterns.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from ._auth import authorize_endpoint, token_endpoint
from ._routes_read import routes as read_routes
from ._routes_sequence_states import routes as state_routes
from ._routes_task_actions import routes as action_routes
from ._routes_write import routes as write_routes


def make_routes() -> list[BaseRoute]:
    """Every route, in matching order."""
    return [
        Route("/oauth/authorize", authorize_endpoint, methods=["GET"]),
        Route("/oauth/token", token_endpoint, methods=["POST"]),
        *write_routes(),
        *state_routes(),
        *action_routes(),
        *read_routes(),
    ]
