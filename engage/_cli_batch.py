"""Commands that act on several ids: a line per id, and a non-zero exit if any failed.

One id failing (not found, refused) does not stop the others. An error that
every later id would meet as well (the vendor is unreachable or limiting us,
the credentials are refused, the vendor cannot do this at all) stops the
batch: the ids after it are reported as not attempted rather than each
waiting for the same failure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import httpx
import typer

from ._cli_errors import CliError, ExitCode, exit_code_for, one_line
from ._cli_output import cell, print_json, record_json
from .errors import AuthError, EngageError, UnsupportedOperationError
from .models import Record

_SHOWN_IDS = 10


@dataclass(frozen=True)
class Outcome:
    id: str
    status: Literal["ok", "failed", "skipped"]
    value: Any = None
    error: BaseException | None = None

    def line(self) -> str:
        if self.status == "ok":
            state = getattr(self.value, "status", None) or getattr(self.value, "state", None)
            detail = cell(state)
        elif self.status == "failed" and self.error is not None:
            detail = one_line(self.error)
        else:
            detail = "not attempted: an earlier id failed in a way every id would"
        return f"{self.status:<8}{self.id}  {detail}".rstrip()

    def as_json(self) -> dict[str, Any]:
        value = self.value
        return {
            "id": self.id,
            "ok": self.status == "ok",
            "status": self.status,
            "record": record_json(value) if isinstance(value, Record) else None,
            "error": None if self.error is None else one_line(self.error),
            "exit_code": None if self.error is None else int(exit_code_for(self.error)),
        }


def _stops_the_batch(error: BaseException) -> bool:
    if isinstance(error, UnsupportedOperationError | AuthError):
        return True
    return exit_code_for(error) in (ExitCode.CONFIG, ExitCode.UNAVAILABLE, ExitCode.RATE_LIMITED)


def _ids(outcomes: Sequence[Outcome]) -> str:
    shown = ", ".join(o.id for o in outcomes[:_SHOWN_IDS])
    more = len(outcomes) - _SHOWN_IDS
    return shown + (f" and {more} more" if more > 0 else "")


def run_batch(ids: Sequence[str], what: str, act: Callable[[str], Any], as_json: bool) -> None:
    """Apply ``act`` to every id; print a line per id as it is done (or a JSON array)."""
    outcomes: list[Outcome] = []
    stop: BaseException | None = None
    for item in ids:
        if stop is not None:
            outcome = Outcome(item, "skipped")
        else:
            try:
                outcome = Outcome(item, "ok", value=act(item))
            except (EngageError, httpx.TransportError, OSError) as error:
                outcome = Outcome(item, "failed", error=error)
                if _stops_the_batch(error):
                    stop = error
        outcomes.append(outcome)
        if not as_json:
            typer.echo(outcome.line())
    if as_json:
        print_json([o.as_json() for o in outcomes])
    failed = [o for o in outcomes if o.status == "failed"]
    if not failed:
        return
    skipped = [o for o in outcomes if o.status == "skipped"]
    first = failed[0].error
    assert first is not None
    summary = f"{len(failed)} of {len(outcomes)} {what} failed: {_ids(failed)}"
    if skipped:
        summary += f"; {len(skipped)} not attempted: {_ids(skipped)}"
    raise CliError(f"{summary}; first error: {one_line(first)}", exit_code_for(first))
