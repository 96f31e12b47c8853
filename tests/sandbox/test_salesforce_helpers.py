"""Shared helpers for the Salesforce emulator tests (this module holds no tests)."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from engage_sandbox import SandboxOptions, SandboxServer, create_app
from engage_sandbox import salesforce as sf

V = "/services/data/v60.0"
REPO = Path(__file__).resolve().parents[2]
REFERENCE = REPO.parent / "shared" / "reference" / "salesforce"


class Org:
    """A running emulator plus an httpx client logged in as the demo user."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self.http = httpx.Client(base_url=server.url, timeout=10)
        self.token = password_login(self.http).json()["access_token"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def state(self) -> Any:
        return self.server.app.state.org

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        url = path if path.startswith("/") else f"{V}/{path}"
        return self.http.request(method, url, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any, **kwargs: Any) -> httpx.Response:
        return self.request("POST", path, json=body, **kwargs)

    def patch(self, path: str, body: Any) -> httpx.Response:
        return self.request("PATCH", path, json=body)

    def delete(self, path: str) -> httpx.Response:
        return self.request("DELETE", path)

    def query(self, soql: str, endpoint: str = "query", **kwargs: Any) -> httpx.Response:
        return self.get(endpoint, params={"q": soql}, **kwargs)

    def records(self, soql: str) -> list[dict[str, Any]]:
        response = self.query(soql)
        assert response.status_code == 200, response.text
        body = response.json()
        rows = list(body["records"])
        while not body["done"]:
            body = self.get(body["nextRecordsUrl"]).json()
            rows += body["records"]
        return rows

    def act(self, name: str, *inputs: dict[str, Any]) -> httpx.Response:
        return self.post(f"actions/standard/{name}", {"inputs": list(inputs)})

    def fault(self, **rule: Any) -> None:
        self.http.post("/_sandbox/faults", json=rule).raise_for_status()

    def advance(self, seconds: float) -> None:
        self.http.post("/_sandbox/clock", json={"advance": seconds}).raise_for_status()


@contextmanager
def running(options: SandboxOptions | None = None) -> Iterator[Org]:
    with SandboxServer(create_app("salesforce", options or SandboxOptions())) as server:
        org = Org(server)
        try:
            yield org
        finally:
            org.http.close()


def password_login(http: httpx.Client, **overrides: str) -> httpx.Response:
    form = {
        "grant_type": "password",
        "client_id": sf.DEMO_CLIENT_ID,
        "client_secret": sf.DEMO_CLIENT_SECRET,
        "username": sf.DEMO_USERNAME,
        "password": sf.DEMO_PASSWORD + sf.DEMO_SECURITY_TOKEN,
    } | overrides
    return http.post("/services/oauth2/token", data=form)


def unsigned_jwt(claims: dict[str, Any], alg: str = "RS256") -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': alg, 'typ': 'JWT'})}.{part(claims)}.c2lnbmF0dXJl"


def recording(name: str) -> tuple[str, str, dict[str, Any]]:
    """(method, path, exchange) of a recorded Nango test file, read in place."""
    data = json.loads((REFERENCE / "recorded" / "nango" / f"{name}.test.json").read_text())
    for method, paths in data["api"].items():
        for path, exchange in paths.items():
            return method, path, exchange
    raise AssertionError(f"no exchange in {name}")
