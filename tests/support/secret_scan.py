"""A secret scan run around every test of the suite (tests/conftest.py wires it).

During each test, engage's loggers run at DEBUG into a collector and every
``EngageError`` created is remembered. At teardown the scan looks for the
sandboxes' and the toy vendor's credentials, and for any token the emulators
minted, in: the log records; each error's message, repr and chained causes;
and the local variables of every engage and adapter frame in its traceback
(what an error tracker captures). Test and emulator frames hold secrets on
purpose and are not scanned.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

from engage_sandbox import outreach, salesforce, salesloft

from engage.errors import EngageError
from tests.support import toyvendor

ROOT = Path(__file__).resolve().parents[2]
LIBRARY = (str(ROOT / "engage"), str(ROOT / "adapters"))

KNOWN = {
    salesloft.SANDBOX_SALESLOFT_API_KEY,
    salesloft.SANDBOX_SALESLOFT_USER_API_KEY,
    salesloft.SANDBOX_SALESLOFT_CLIENT_SECRET,
    salesloft.SANDBOX_SALESLOFT_AUTH_CODE,
    outreach.DEMO_CLIENT_SECRET,
    outreach.DEMO_REFRESH_TOKEN,
    outreach.DEMO_AUTH_CODE,
    salesforce.DEMO_CLIENT_SECRET,
    salesforce.DEMO_REFRESH_TOKEN,
    salesforce.DEMO_PASSWORD,
    salesforce.DEMO_SECURITY_TOKEN,
    toyvendor.API_KEY,
    toyvendor.CLIENT_SECRET,
    toyvendor.FIRST_REFRESH_TOKEN,
}
# Tokens the emulators mint: <prefix><a|r>_<40 hex> (Salesforce's prefix is the org id).
MINTED = re.compile(r"(?:slsb_|or_sbx_|toy|00D\w{12}!)[ar]_[0-9a-f]{40}")


def find_secrets(text: str) -> list[str]:
    found = [s for s in KNOWN if s and s in text]
    found += MINTED.findall(text)
    return sorted({f"{s[:6]}...({len(s)} chars)" for s in found})


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.getMessage()} {record.args!r}")


def _library_locals(tb: TracebackType | None) -> Iterator[str]:
    while tb is not None:
        frame = tb.tb_frame
        if frame.f_code.co_filename.startswith(LIBRARY):
            for name, value in frame.f_locals.items():
                try:
                    yield f"{frame.f_code.co_name}.{name}={value!r}"
                except Exception:  # a repr that fails is not a leak
                    continue
        tb = tb.tb_next


def _error_texts(error: BaseException) -> Iterator[str]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield f"{current!s} {current!r}"
        yield from _library_locals(current.__traceback__)
        current = current.__cause__ or current.__context__


@contextmanager
def scanning(logger_name: str = "engage") -> Iterator[list[str]]:
    """Yields the list of leaks found (filled in when the block ends)."""
    leaks: list[str] = []
    created: list[BaseException] = []
    logger = logging.getLogger(logger_name)
    handler, level = _Collector(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    original = EngageError.__new__

    def remember(cls: type[EngageError], *args: object, **kwargs: object) -> EngageError:
        error = Exception.__new__(cls, *args)
        if len(created) < 50:
            created.append(error)
        return error

    EngageError.__new__ = remember  # type: ignore[method-assign,assignment]
    try:
        yield leaks
    finally:
        EngageError.__new__ = original  # type: ignore[method-assign]
        logger.removeHandler(handler)
        logger.setLevel(level)
        for text in handler.texts:
            leaks += [f"log: {s}" for s in find_secrets(text)]
        for error in created:
            for text in _error_texts(error):
                leaks += [f"{type(error).__name__}: {s} in {text[:60]}" for s in find_secrets(text)]
