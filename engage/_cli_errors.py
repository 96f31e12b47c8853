"""How the ``engage`` command fails: one line on stderr and an exit code per error family.

Every command runs inside :class:`EngageGroup.invoke`, so an error raised at
any point (opening the config, fetching a later page of a lazy pager while
the table is printed, binding a port) ends the same way. ``--debug`` (or
``ENGAGE_DEBUG=1``) prints the traceback first.
"""

from __future__ import annotations

import contextlib
import re
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from enum import IntEnum
from typing import Any

import httpx
import typer
from rich.markup import escape
from typer.core import TyperGroup

from ._cli_output import stderr
from .errors import (
    AuthError,
    ConfigurationError,
    EngageError,
    InputError,
    PermissionDeniedError,
    PluginError,
    QuotaExhaustedError,
    RateLimitError,
    UnavailableError,
)

__all__ = [
    "CliError",
    "EngageGroup",
    "ExitCode",
    "close_when_done",
    "exit_code_for",
    "one_line",
    "report",
    "root_option",
]


class ExitCode(IntEnum):
    """The exit codes of ``engage``, one per error family (docs/cli.md lists them)."""

    OK = 0
    FAILED = 1  # the vendor refused (not found, conflict, invalid), or cannot do it
    USAGE = 2  # bad arguments or input, found before anything was sent
    CONFIG = 3  # no config, a config that cannot be read, an unknown or broken tenant
    AUTH = 4  # credentials missing, wrong or expired; not allowed
    UNAVAILABLE = 5  # the vendor (or a port) cannot be reached; timeouts, 5xx
    RATE_LIMITED = 6  # rate limit or quota used up: try again later
    INTERNAL = 70  # a bug in engage or a plugin (EX_SOFTWARE): run with --debug, report it


class CliError(Exception):
    """A failure the CLI itself found, with its exit code and optional hint lines."""

    def __init__(self, message: str, code: ExitCode, hints: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.code = code
        self.hints = tuple(hints)


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _network(error: BaseException) -> bool:
    return isinstance(error, UnavailableError | httpx.TransportError) or (
        isinstance(error, OSError) and not isinstance(error, EngageError)
    )


def exit_code_for(error: BaseException) -> ExitCode:
    """The exit code of an error's family."""
    if isinstance(error, CliError):
        return error.code
    if isinstance(error, ConfigurationError | PluginError):
        return ExitCode.CONFIG
    if isinstance(error, InputError):
        return ExitCode.USAGE
    if isinstance(error, RateLimitError | QuotaExhaustedError):
        return ExitCode.RATE_LIMITED
    if isinstance(error, AuthError | PermissionDeniedError):
        # "token refresh got no answer": the token endpoint is down, not the credentials
        # (such an error has no HTTP status and may be retried).
        no_answer = error.status is None and error.retryable
        if no_answer or any(_network(cause) for cause in list(_chain(error))[1:]):
            return ExitCode.UNAVAILABLE
        return ExitCode.AUTH
    if _network(error):
        return ExitCode.UNAVAILABLE
    if isinstance(error, EngageError):
        return ExitCode.FAILED
    return ExitCode.INTERNAL


_REPEATED = re.compile(r"(?P<prefix>[^:\[\]]{3,}?: )(?P=prefix)+")


def one_line(error: BaseException) -> str:
    """The error as one line: whitespace folded, a prefix said once (a settings
    error with no field name repeats its "tenant 'x' (vendor settings): " prefix),
    pydantic's "Value error, " dropped. A vendor error keeps its tail
    (``[vendor tenant=... operation=... status=... code=...]``)."""
    if isinstance(error, EngageError | CliError):
        text = str(error) or type(error).__name__
    elif isinstance(error, OSError) and error.strerror:
        text = error.strerror + (f": {error.filename}" if error.filename else "")
    else:
        text = f"{type(error).__name__}: {error}"
    text = " ".join(text.split()).replace("Value error, ", "")
    return _REPEATED.sub(r"\g<prefix>", text)


def report(error: BaseException, *, debug: bool = False) -> typer.Exit:
    """Print the error (its traceback first with ``debug``); answer the exit to raise."""
    code = exit_code_for(error)
    err = stderr()
    if debug:
        err.print(escape("".join(traceback.format_exception(error))), end="")
    message = one_line(error)
    if code is ExitCode.INTERNAL:
        message = f"internal error: {message} (rerun with --debug for the traceback)"
    err.print(f"[red]error:[/red] {escape(message)}")
    for hint in getattr(error, "hints", ()):
        err.print(f"  {escape(hint)}")
    return typer.Exit(int(code))


# The root command's options (--debug, --retries) while a command runs, and what
# to close when it ends (the clients it opened: their connections).
_ROOT_OPTIONS: ContextVar[Mapping[str, Any] | None] = ContextVar("engage_cli_options", default=None)
_CLOSERS: ContextVar[list[Callable[[], object]] | None] = ContextVar(
    "engage_cli_closers", default=None
)


def close_when_done(close: Callable[[], object]) -> None:
    """Call ``close`` when the running command ends (outside a command, the caller closes)."""
    closers = _CLOSERS.get()
    if closers is not None:
        closers.append(close)


def _close_all(closers: list[Callable[[], object]]) -> None:
    for close in reversed(closers):
        with contextlib.suppress(Exception):  # the command's own outcome is what matters
            close()


def root_option(name: str, default: Any = None) -> Any:
    """An option of the ``engage`` command itself, as given to the running command."""
    return (_ROOT_OPTIONS.get() or {}).get(name, default)


def _passed_through() -> tuple[type[BaseException], ...]:
    # typer re-exports the click it runs on (its own copy in recent versions): find
    # ClickException (usage errors) through a class it exports.
    click_error = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
    return (typer.Exit, typer.Abort, click_error)


class EngageGroup(TyperGroup):
    """The root command group: whatever a command raises ends as one line and an exit code."""

    def invoke(self, ctx: Any) -> Any:
        token = _ROOT_OPTIONS.set(dict(ctx.params))
        closers: list[Callable[[], object]] = []
        closers_token = _CLOSERS.set(closers)
        try:
            return super().invoke(ctx)
        except _passed_through():
            raise  # typer.Exit, usage errors and Ctrl-C already end cleanly
        except Exception as error:  # the CLI's last line of defence
            raise report(error, debug=bool(ctx.params.get("debug"))) from None
        finally:
            _close_all(closers)
            _CLOSERS.reset(closers_token)
            _ROOT_OPTIONS.reset(token)
