"""Generated bad calls: every public resource method, every parameter, many bad values.

For each method (``METHODS``) there is one valid call (``Method.args`` and
``kwargs``, checked to reach the adapter), and for each of its parameters a
strategy of values that must be refused (``Method.bad``): wrong types, near-miss and ``other`` enum values, strings
over the limits, blank ids, zero and negative page sizes and limits, naive
and out-of-range datetimes, lists of the wrong things, foreign cursors. One
parameter at a time is replaced by a generated bad value; the call must raise
:class:`InputError` and send nothing.

It runs against the toy tenant (all methods: validation comes before the
capability check) and against the Salesloft adapter on its in-process
emulator (the methods Salesloft supports). Examples are derandomized, so the
runs are reproducible; ``test_enough_calls_were_generated`` holds the total.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from engage_sandbox import SandboxOptions, sandbox_for
from engage_testing import AppTransport
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engage import (
    ActivityKind,
    BatchResult,
    CallDirection,
    Capability,
    Engage,
    EnrollmentInput,
    EnrollmentState,
    InputError,
    Page,
    Pager,
    StepKind,
    TargetInput,
    TargetKind,
    TaskInput,
    TaskKind,
    TaskOrigin,
    TaskStatus,
    TenantClient,
)
from engage._dispatch import Dispatcher
from engage._resources import Activities, Enrollments, Sequences, Targets, Tasks
from engage.transport import encode_cursor

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
ENROLL = {"target_id": "1", "sequence_id": "2"}
TASK = {"target_id": "1", "subject": "Call back", "due_at": NOW}
CALL = {"target_id": "1", "duration_seconds": 60}
NOTE = {"target_id": "1", "body": "Prefers e-mail"}
TARGET = {"email": "ada@example.com"}

# --- bad values ----------------------------------------------------------------------

ENUMS: list[type[enum.Enum]] = [
    TargetKind,
    StepKind,
    EnrollmentState,
    TaskOrigin,
    TaskKind,
    TaskStatus,
    ActivityKind,
    CallDirection,
]
EVERY_ENUM_VALUE = sorted({str(m.value) for e in ENUMS for m in e})
OTHER_MEMBERS = [e("other") for e in ENUMS]

not_text = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.binary(min_size=1, max_size=8),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
"""Values that are not strings (None among them: drop it where None is allowed)."""

blank = st.text(alphabet=" \t\n\r", max_size=6)
controls = st.sampled_from([chr(c) for c in [*range(32), 127]])
id_with_control = st.builds(
    lambda head, ctrl, tail: f"{head}{ctrl}{tail}",
    st.text(alphabet="abc123", min_size=1, max_size=5),
    controls,
    st.text(alphabet="abc123", min_size=1, max_size=5),
)


def longer_than(limit: int) -> st.SearchStrategy[str]:
    return st.builds(
        lambda char, extra: char * (limit + extra),
        st.sampled_from(["x", "é", "7", "🙂"]),
        st.integers(1, 5_000),
    )


too_long_id = longer_than(255)


def bad_id(*, none_ok: bool, int_ok: bool) -> st.SearchStrategy[Any]:
    """An id that must be refused; ``int_ok``: a single id argument takes an int."""
    non_str = not_text.filter(
        lambda v: (
            not (none_ok and v is None)
            and not (int_ok and isinstance(v, int) and not isinstance(v, bool))
        )
    )
    return st.one_of(blank, id_with_control, too_long_id, non_str)


def bad_id_list(cap: int) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.text(max_size=6),  # one string, "123" among them
        st.binary(max_size=4),
        st.dictionaries(st.text(alphabet="123", min_size=1, max_size=3), st.integers(), max_size=3),
        st.integers(),
        st.lists(st.one_of(st.integers(), st.none(), st.booleans()), min_size=1, max_size=3).map(
            lambda items: ["1", *items]
        ),
        st.lists(st.one_of(blank, id_with_control, too_long_id), min_size=1, max_size=2),
        st.just(cap + 1).map(lambda n: [str(i) for i in range(1, n + 1)]),
    )


def near_misses(valid: Sequence[str]) -> st.SearchStrategy[str]:
    """Typos of the valid values ("inbund", "actve"), other cases and padding."""

    def mutate(word: str, op: int, at: int, char: str) -> str:
        at %= len(word) + 1
        return [
            word[:at] + word[at + 1 :],  # a letter dropped
            word[:at] + char + word[at:],  # a letter added
            word[:at] + char + word[at + 1 :],  # a letter replaced
            word.upper(),
            word.title(),
            f" {word}",
            f"{word}s",
            word.replace("_", "-") + "-",
        ][op]

    return st.builds(
        mutate,
        st.sampled_from(list(valid)),
        st.integers(0, 7),
        st.integers(0, 30),
        st.characters(codec="utf-8"),
    ).filter(lambda w: w not in valid)


def bad_enum(valid: Sequence[str], *, none_ok: bool) -> st.SearchStrategy[Any]:
    foreign = [v for v in EVERY_ENUM_VALUE if v not in valid]  # "meeting" for a TaskKind
    return st.one_of(
        near_misses(valid),
        st.sampled_from(foreign),
        st.sampled_from(OTHER_MEMBERS),
        st.just(""),
        not_text.filter(lambda v: not (none_ok and v is None)),
    )


def bad_names(valid: Sequence[str]) -> st.SearchStrategy[Any]:
    """For ``kinds=`` / ``expand=``: one bare string, a mapping, or a list with a bad name."""
    return st.one_of(
        st.sampled_from(list(valid)),
        st.none(),
        st.integers(),
        st.dictionaries(st.sampled_from(list(valid)), st.integers(), min_size=1, max_size=2),
        st.lists(bad_enum(valid, none_ok=False), min_size=1, max_size=3),
    )


def bad_text(limit: int, *, none_ok: bool, blank_ok: bool = True) -> st.SearchStrategy[Any]:
    options = [longer_than(limit), not_text.filter(lambda v: not (none_ok and v is None))]
    if not blank_ok:
        options.append(blank)
    return st.one_of(*options)


OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=14)), timezone(-timedelta(hours=12))])


def bad_moment(*, none_ok: bool) -> st.SearchStrategy[Any]:
    naive = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2999, 12, 30))
    return st.one_of(
        naive,
        naive.map(datetime.isoformat),  # ISO text without an offset
        st.datetimes(max_value=datetime(1899, 12, 30), timezones=OFFSETS),
        st.datetimes(min_value=datetime(3000, 1, 2), timezones=OFFSETS),
        st.integers(),  # seconds? milliseconds?
        st.floats(allow_nan=False),
        st.dates(),
        st.sampled_from(["yesterday", "now", "1767225600", "2026-13-01T00:00:00Z", ""]),
        st.booleans(),
        st.none().filter(lambda _: not none_ok),
    )


def bad_int(low: int, high: int | None, *, none_ok: bool) -> st.SearchStrategy[Any]:
    options = [
        st.integers(max_value=low - 1),
        st.booleans(),
        st.floats(allow_nan=False),
        st.integers(low, high or low + 100).map(str),
        st.lists(st.integers(), max_size=2),
    ]
    if high is not None:
        options.append(st.integers(min_value=high + 1))
    if not none_ok:
        options.append(st.none())
    return st.one_of(*options)


bad_page_size = bad_int(1, 1000, none_ok=True)
bad_limit = bad_int(1, None, none_ok=True)
bad_bool = st.one_of(st.sampled_from(["yes", "true", "false", "1", ""]), st.integers(), st.floats())
bad_email = st.one_of(
    st.text(alphabet="abc .", max_size=20),  # no @
    st.sampled_from(["a@b", "@example.com", "a@", "a b@example.com", "a@@example.com"]),
    st.integers(1, 5_000).map(lambda n: "a" * (250 + n) + "@example.com"),
    not_text,
)
bad_cursor = st.one_of(
    st.just(""),
    blank,
    st.text(alphabet="%$#!*() ", min_size=1, max_size=20),  # not base64
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=3).map(encode_cursor),
    st.sampled_from([encode_cursor({"page": 2}), encode_cursor({"next": "/people?page=2"})]),
    longer_than(65_535),
    not_text.filter(lambda v: v is not None),
)
bad_vendor_fields = st.one_of(
    st.lists(st.integers(), max_size=2),
    st.text(max_size=4),
    st.integers(),
    st.dictionaries(st.integers(), st.integers(), min_size=1, max_size=2),
)
unknown_field = st.from_regex(r"[a-z]{3,12}", fullmatch=True).filter(
    lambda name: name not in FIELD_NAMES
)
FIELD_NAMES = {
    name for model in (TargetInput, EnrollmentInput, TaskInput) for name in model.model_fields
} | {"direction", "occurred_at", "duration_seconds", "outcome", "notes", "body", "data"}


def bad_data(model_name: str) -> st.SearchStrategy[Any]:
    """Where an input model or a mapping is needed."""
    return st.one_of(
        st.text(max_size=5),
        st.integers(),
        st.lists(st.tuples(st.text(max_size=3), st.text(max_size=3)), min_size=1, max_size=2),
        st.just(EnrollmentInput(**ENROLL) if model_name != "EnrollmentInput" else None),
        st.dictionaries(st.integers(), st.integers(), min_size=1, max_size=2),
    )


# --- the methods ---------------------------------------------------------------------


@dataclass(frozen=True)
class Method:
    name: str  # "tasks.create"
    args: tuple[Any, ...]  # the valid positional arguments
    kwargs: dict[str, Any]  # the valid keyword arguments
    bad: dict[str, st.SearchStrategy[Any]]  # parameter (or "#0" for args[0]) -> bad values
    examples: int = 10  # per parameter

    @property
    def capability(self) -> Capability:
        return Capability(self.name)

    def call(self, tenant: TenantClient, param: str, value: Any) -> Any:
        namespace, method = self.name.split(".")
        fn = getattr(getattr(tenant, namespace), method)
        args, kwargs = list(self.args), dict(self.kwargs)
        if param.startswith("#"):
            args[int(param[1:])] = value
        elif param == "**unknown":
            kwargs[value] = 1
        elif param == "**window":
            kwargs.update(value)
        else:
            kwargs[param] = value
        return fn(*args, **kwargs)


def _id_param(none_ok: bool = True) -> st.SearchStrategy[Any]:
    return bad_id(none_ok=none_ok, int_ok=False)


SINGLE_ID = bad_id(none_ok=False, int_ok=True)
STATES = [m.value for m in EnrollmentState if m.value != "other"]
STATUSES = [m.value for m in TaskStatus if m.value != "other"]
ORIGINS = [m.value for m in TaskOrigin if m.value != "other"]
ACTIVITY_KINDS = [m.value for m in ActivityKind if m.value != "other"]
TASK_KINDS = [m.value for m in TaskKind if m.value != "other"]
TARGET_KINDS = [m.value for m in TargetKind if m.value != "other"]
DIRECTIONS = [m.value for m in CallDirection if m.value != "other"]
reversed_window = st.builds(
    lambda start, days: (start, start - timedelta(days=days, seconds=1)),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2900, 1, 1), timezones=OFFSETS),
    st.integers(0, 3_000),
)


def _target_fields() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "email": bad_email,
        "first_name": bad_text(1_000, none_ok=True),
        "last_name": bad_text(1_000, none_ok=True),
        "title": bad_text(1_000, none_ok=True),
        "company": bad_text(1_000, none_ok=True),
        "phone": bad_text(1_000, none_ok=True),
        "owner_id": _id_param(),
        "kind": bad_enum(TARGET_KINDS, none_ok=True),
        "vendor_fields": bad_vendor_fields,
        "**unknown": unknown_field,
    }


LIST_COMMON: dict[str, st.SearchStrategy[Any]] = {
    "page_size": bad_page_size,
    "cursor": bad_cursor,
    "limit": bad_limit,
}

METHODS = [
    Method("targets.get", ("1",), {}, {"#0": SINGLE_ID}),
    Method(
        "targets.list",
        (),
        {"updated_since": NOW, "ids": ["1", "2"], "page_size": 10},
        {
            "updated_since": bad_moment(none_ok=True),
            "owner_id": _id_param(),
            "ids": bad_id_list(1_000),
            **LIST_COMMON,
        },
    ),
    Method("targets.find_by_email", ("ada@example.com",), {}, {"#0": bad_email}),
    Method("targets.create", (), TARGET, _target_fields()),
    Method("targets.upsert", (), TARGET, _target_fields()),
    Method("sequences.get", ("1",), {}, {"#0": SINGLE_ID}),
    Method(
        "sequences.list",
        (),
        {"active": True},
        {
            "updated_since": bad_moment(none_ok=True),
            "owner_id": _id_param(),
            "active": bad_bool,
            **LIST_COMMON,
        },
    ),
    Method("sequences.steps", ("1",), {}, {"#0": SINGLE_ID}),
    Method(
        "enrollments.enroll",
        (),
        ENROLL,
        {
            "target_id": _id_param(none_ok=False),
            "sequence_id": _id_param(none_ok=False),
            "owner_id": _id_param(),
            "start_step_id": _id_param(),
            "vendor_fields": bad_vendor_fields,
            "**unknown": unknown_field,
        },
    ),
    Method(
        "enrollments.enroll_many",
        ([ENROLL, {**ENROLL, "target_id": "3"}],),
        {},
        {
            "#0": st.one_of(
                st.none(),
                st.text(max_size=4),
                st.just(ENROLL),  # one mapping, not a list of them
                st.integers(),
                st.lists(st.one_of(st.text(max_size=3), st.integers(), st.none()), min_size=1),
                st.lists(
                    st.fixed_dictionaries({"target_id": _id_param(none_ok=False)}).map(
                        lambda d: {**ENROLL, **d}
                    ),
                    min_size=1,
                    max_size=3,
                ),
                st.just(10_001).map(lambda n: [ENROLL] * n),
            )
        },
    ),
    Method("enrollments.get", ("1",), {}, {"#0": SINGLE_ID}),
    Method(
        "enrollments.list",
        (),
        {"state": "active", "target_id": "1"},
        {
            "target_id": _id_param(),
            "sequence_id": _id_param(),
            "owner_id": _id_param(),
            "state": bad_enum(STATES, none_ok=True),
            "updated_since": bad_moment(none_ok=True),
            **LIST_COMMON,
        },
    ),
    Method("enrollments.remove", ("1",), {}, {"#0": SINGLE_ID}),
    Method("enrollments.pause", ("1",), {}, {"#0": SINGLE_ID}),
    Method("enrollments.resume", ("1",), {}, {"#0": SINGLE_ID}),
    Method(
        "enrollments.reassign",
        ("1",),
        {"owner_id": "7"},
        {"#0": SINGLE_ID, "owner_id": SINGLE_ID},
    ),
    Method(
        "enrollments.set_outcome",
        ("1",),
        {"outcome": "Meeting Scheduled"},
        {"#0": SINGLE_ID, "outcome": bad_text(1_000, none_ok=False, blank_ok=False)},
    ),
    Method("tasks.get", ("1",), {}, {"#0": SINGLE_ID}),
    Method(
        "tasks.list",
        (),
        {"status": "open", "origin": "manual", "expand": ["target"]},
        {
            "target_id": _id_param(),
            "sequence_id": _id_param(),
            "owner_id": _id_param(),
            "status": bad_enum(STATUSES, none_ok=True),
            "origin": bad_enum(ORIGINS, none_ok=True),
            "due_after": bad_moment(none_ok=True),
            "due_before": bad_moment(none_ok=True),
            "updated_since": bad_moment(none_ok=True),
            "expand": bad_names(["target", "sequence", "step"]),
            "**window": reversed_window.map(lambda w: {"due_after": w[0], "due_before": w[1]}),
            **LIST_COMMON,
        },
    ),
    Method(
        "tasks.create",
        (),
        TASK,
        {
            "target_id": _id_param(none_ok=False),
            "subject": bad_text(1_000, none_ok=False, blank_ok=False),
            "kind": bad_enum(TASK_KINDS, none_ok=False),
            "due_at": bad_moment(none_ok=False),
            "owner_id": _id_param(),
            "note": bad_text(65_535, none_ok=True),
            "idempotency_key": _id_param(none_ok=False),
            "vendor_fields": bad_vendor_fields,
            "**unknown": unknown_field,
        },
    ),
    Method(
        "tasks.complete",
        ("1",),
        {"note": "done"},
        {"#0": SINGLE_ID, "note": bad_text(65_535, none_ok=True)},
    ),
    Method(
        "tasks.complete_many",
        (["1", "2"],),
        {},
        {"#0": bad_id_list(10_000)},
    ),
    Method(
        "tasks.skip",
        ("1",),
        {"reason": "not now"},
        {"#0": SINGLE_ID, "reason": bad_text(65_535, none_ok=True)},
    ),
    Method(
        "tasks.snooze",
        ("1",),
        {"until": NOW},
        {"#0": SINGLE_ID, "until": bad_moment(none_ok=False)},
    ),
    Method(
        "tasks.reschedule",
        ("1",),
        {"due_at": NOW},
        {"#0": SINGLE_ID, "due_at": bad_moment(none_ok=False)},
    ),
    Method("tasks.reassign", ("1",), {"owner_id": "7"}, {"#0": SINGLE_ID, "owner_id": SINGLE_ID}),
    Method(
        "tasks.update_note",
        ("1",),
        {"note": "call Tuesday"},
        {"#0": SINGLE_ID, "note": bad_text(65_535, none_ok=False)},
    ),
    Method("tasks.advance", ("1",), {}, {"#0": SINGLE_ID}),
    Method(
        "activities.list",
        (),
        {"kinds": ["call"], "since": NOW - timedelta(days=1)},
        {
            "target_id": _id_param(),
            "owner_id": _id_param(),
            "kinds": bad_names(ACTIVITY_KINDS),
            "since": bad_moment(none_ok=True),
            "until": bad_moment(none_ok=True),
            "**window": reversed_window.map(lambda w: {"since": w[0], "until": w[1]}),
            **LIST_COMMON,
        },
    ),
    Method(
        "activities.log_call",
        (),
        CALL,
        {
            "target_id": _id_param(none_ok=False),
            "occurred_at": bad_moment(none_ok=True),
            "direction": bad_enum(DIRECTIONS, none_ok=False),
            "duration_seconds": bad_int(0, 86_400, none_ok=True),
            "outcome": bad_text(1_000, none_ok=True, blank_ok=False),
            "notes": bad_text(65_535, none_ok=True),
            "owner_id": _id_param(),
            "vendor_fields": bad_vendor_fields,
            "**unknown": unknown_field,
        },
    ),
    Method(
        "activities.log_note",
        (),
        NOTE,
        {
            "target_id": _id_param(none_ok=False),
            "body": bad_text(65_535, none_ok=False, blank_ok=False),
            "owner_id": _id_param(),
            "vendor_fields": bad_vendor_fields,
            "**unknown": unknown_field,
        },
    ),
]

# The model-or-mapping argument of the writes, bad in its own ways.
for _method in METHODS:
    if _method.name in {
        "targets.create",
        "targets.upsert",
        "enrollments.enroll",
        "tasks.create",
        "activities.log_call",
        "activities.log_note",
    }:
        _method.bad["data"] = bad_data(_method.name)

SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}


def _search(
    tenant: TenantClient,
    transport: AppTransport,
    method: Method,
    param: str,
    values: st.SearchStrategy[Any],
) -> int:
    """Generated bad values of one parameter; answer how many calls ran."""
    ran = 0

    @settings(max_examples=method.examples, **SETTINGS)
    @given(value=values)
    def bad_call(value: Any) -> None:
        nonlocal ran
        ran += 1
        before = len(transport.requests)
        try:
            method.call(tenant, param, value)
        except InputError:
            pass
        else:
            pytest.fail(f"{method.name}({param}={value!r:.80}) was accepted")
        assert len(transport.requests) == before, f"{method.name}({param}=...) sent a request"

    bad_call()
    return ran


def _run_generated(tenant: TenantClient, transport: AppTransport, method: Method) -> int:
    """Every parameter of ``method``, each with its own search; answer the calls made."""
    return sum(
        _search(tenant, transport, method, param, values)
        for param, values in sorted(method.bad.items())
    )


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_generated_bad_calls_on_the_toy(
    toy: TenantClient, toy_transport: AppTransport, method: Method
) -> None:
    assert _run_generated(toy, toy_transport, method) >= len(method.bad)
    assert toy_transport.requests == []


@pytest.fixture(scope="module")
def salesloft() -> Iterator[tuple[TenantClient, AppTransport]]:
    sandbox = sandbox_for("salesloft")
    transport = AppTransport(sandbox.create_app(SandboxOptions(size=0.05)))
    eng = Engage(
        {"acme": {"vendor": "salesloft", **sandbox.tenant_settings("https://salesloft.test")}},
        http_transport=transport,
        sleep=lambda _: None,
    )
    yield eng.tenant("acme"), transport
    eng.close()


def _salesloft_methods() -> list[Method]:
    """The methods Salesloft supports (the others raise UnsupportedOperationError,
    which the toy's run already covers with the same bad inputs)."""
    from engage_salesloft import SalesloftAdapter

    return [m for m in METHODS if m.capability in SalesloftAdapter.capabilities]


@pytest.mark.parametrize("method", _salesloft_methods(), ids=lambda m: m.name)
def test_generated_bad_calls_on_salesloft(
    salesloft: tuple[TenantClient, AppTransport], method: Method
) -> None:
    tenant, transport = salesloft
    assert _run_generated(tenant, transport, method) >= len(method.bad)
    assert transport.requests == []


# --- the baselines are valid ---------------------------------------------------------


class _Recorder:
    """An adapter stand-in that can do everything and records what reached it."""

    vendor = "recorder"
    capabilities = frozenset(Capability)

    def __init__(self) -> None:
        self.calls: list[str] = []

    def unsupported(self, capability: Capability) -> Exception:
        raise AssertionError(capability)

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def record(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            if name in {"enroll_many", "complete_tasks"}:
                return BatchResult()
            return Pager(lambda cursor: Page([]))

        return record


@dataclass
class _RecordingTenant:
    targets: Targets
    sequences: Sequences
    enrollments: Enrollments
    tasks: Tasks
    activities: Activities


@pytest.mark.parametrize("method", METHODS, ids=lambda m: m.name)
def test_each_baseline_call_is_valid_and_reaches_the_adapter(method: Method) -> None:
    recorder = _Recorder()
    dispatch = Dispatcher("t", recorder, 30.0)  # type: ignore[arg-type]
    tenant = _RecordingTenant(
        Targets(dispatch),
        Sequences(dispatch),
        Enrollments(dispatch),
        Tasks(dispatch),
        Activities(dispatch),
    )
    namespace, name = method.name.split(".")
    getattr(getattr(tenant, namespace), name)(*method.args, **method.kwargs)
    assert len(recorder.calls) == 1


def test_enough_calls_were_generated(toy: TenantClient, toy_transport: AppTransport) -> None:
    """The whole generated suite over every method, counted here (not by other tests)."""
    made = sum(_run_generated(toy, toy_transport, method) for method in METHODS)
    assert made >= 1_000 and toy_transport.requests == []
