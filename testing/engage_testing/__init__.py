"""Testing support for engage and for products built on it.

- A pytest plugin (loaded automatically through the ``pytest11`` entry point)
  with the ``engage_recorder`` and ``engage_tenant`` fixtures.
- :class:`Recorder`: record a tenant's traffic against the sandbox, replay it
  offline from a scrubbed vcrpy cassette.
- :func:`find_secrets`: what the cassette secret scan looks for.
"""

from ._inprocess import AppTransport
from ._recorder import Recorder, canonical_origin
from ._scrub import find_secrets, pseudonym_email, scrub_body
from ._vcr import json_body_matcher, make_vcr

__all__ = [
    "AppTransport",
    "Recorder",
    "canonical_origin",
    "find_secrets",
    "json_body_matcher",
    "make_vcr",
    "pseudonym_email",
    "scrub_body",
]
