"""Testing support for engage and for products built on it.

- A pytest plugin (loaded automatically through the ``pytest11`` entry point)
  with the ``engage_recorder`` and ``engage_tenant`` fixtures.
- :func:`inprocess_engage`: a tenant on a fresh emulator in this process (any vendor).
- :class:`Recorder`: record a tenant's traffic against the sandbox, replay it
  offline from a scrubbed vcrpy cassette.
- :func:`find_secrets`: what the cassette secret scan looks for.
- :func:`verify_tenant`: the live-verification scenario (``engage cassettes verify``).
"""

from ._inprocess import AppTransport, inprocess_engage
from ._recorder import Recorder, canonical_origin
from ._scrub import find_secrets, pseudonym_email, scrub_body
from ._vcr import json_body_matcher, make_vcr
from ._verify import Finding, Verification, verify_tenant

__all__ = [
    "AppTransport",
    "Finding",
    "Recorder",
    "Verification",
    "canonical_origin",
    "find_secrets",
    "inprocess_engage",
    "json_body_matcher",
    "make_vcr",
    "pseudonym_email",
    "scrub_body",
    "verify_tenant",
]
