"""vcrpy configuration for engage cassettes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import vcr

from ._scrub import Rewriter, request_scrubber, response_scrubber

_JSON_TYPES = ("application/json", "application/vnd.api+json")


def _content_type(request: Any) -> str:
    for name, value in request.headers.items():
        if name.lower() == "content-type":
            return str(value).split(";")[0].strip().lower()
    return ""


def _normalised_body(request: Any) -> Any:
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    kind = _content_type(request)
    if body and (kind in _JSON_TYPES or kind.endswith("+json")):
        try:
            return ("json", json.loads(body))
        except ValueError:
            return ("bytes", body)
    if kind == "application/x-www-form-urlencoded":
        return ("form", sorted(parse_qsl(body.decode(), keep_blank_values=True)))
    return ("bytes", body)


def json_body_matcher(r1: Any, r2: Any) -> None:
    """Bodies match when they mean the same: JSON and JSON:API documents are
    compared parsed (key order and whitespace do not matter), forms as sorted
    pairs, anything else byte for byte."""
    left, right = _normalised_body(r1), _normalised_body(r2)
    if left != right:
        raise AssertionError(f"request bodies differ: {left!r:.200} != {right!r:.200}")


MATCH_ON = ("method", "scheme", "host", "port", "path", "query", "engage_body")


def make_vcr(
    record_mode: str, rewriter: Rewriter, *, personal: bool, cassette_dir: str | None = None
) -> vcr.VCR:
    """A VCR that scrubs what it records and matches requests by meaning."""
    recorder = vcr.VCR(
        cassette_library_dir=cassette_dir,
        record_mode=record_mode,
        match_on=MATCH_ON,
        before_record_request=request_scrubber(rewriter, personal=personal),
        before_record_response=response_scrubber(rewriter, personal=personal),
        decode_compressed_response=True,
    )
    recorder.register_matcher("engage_body", json_body_matcher)
    return recorder
