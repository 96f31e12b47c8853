"""Checkpoint stores: compare-and-set in memory, in an SQLite file and in a real Redis,
and two processes racing to commit the same window: exactly one wins, every time."""

from __future__ import annotations

import multiprocessing
import queue
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis

from engage import InputError
from engage.changes import (
    CheckpointStore,
    MemoryCheckpointStore,
    RedisCheckpointStore,
    SQLiteCheckpointStore,
    default_checkpoint_path,
)

# spawn, not fork: forking a process with live threads can deadlock the child.
ctx = multiprocessing.get_context("spawn")
ROUNDS = 25


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    return tmp_path / "state" / "checkpoints.sqlite3"


@pytest.fixture
def clean_redis(redis_url: str) -> Iterator[str]:
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield redis_url
    client.flushdb()


def _open(kind: str, where: str) -> CheckpointStore:
    if kind == "sqlite":
        return SQLiteCheckpointStore(where)
    if kind == "redis":
        return RedisCheckpointStore.from_url(where)
    return MemoryCheckpointStore()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> CheckpointStore:
    kind = request.param
    where = str(tmp_path / "c.sqlite3") if kind == "sqlite" else ""
    if kind == "redis":
        where = request.getfixturevalue("clean_redis")
    return _open(kind, where)


def test_commit_is_compare_and_set(store: CheckpointStore) -> None:
    assert isinstance(store, CheckpointStore)
    assert store.get("acme") is None
    assert store.commit("acme", None, "one") is True
    assert store.commit("acme", None, "other") is False  # something is stored already
    assert store.commit("acme", "stale", "other") is False
    assert store.get("acme") == "one"
    assert store.commit("acme", "one", "two") is True
    assert store.get("acme") == "two"
    assert store.get("globex") is None  # keys are independent
    with pytest.raises(InputError):
        store.commit("", None, "x")
    with pytest.raises(InputError):
        store.commit("acme", "two", "")


def test_the_sqlite_store_survives_reopening_and_defaults_to_the_user_data_dir(
    sqlite_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = SQLiteCheckpointStore(sqlite_path)
    assert first.commit("acme", None, "ecp1.x")
    first.close()
    assert SQLiteCheckpointStore(sqlite_path).get("acme") == "ecp1.x"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_checkpoint_path() == tmp_path / "data" / "engage" / "checkpoints.sqlite3"
    assert SQLiteCheckpointStore().path == default_checkpoint_path()
    mode = SQLiteCheckpointStore(sqlite_path)._db.execute("PRAGMA journal_mode").fetchone()
    assert mode == ("wal",)


def _racer(kind: str, where: str, worker: int, barrier: Any, results: Any) -> None:
    store = _open(kind, where)
    for round_ in range(ROUNDS):
        barrier.wait()
        current = store.get("acme")  # both read the same checkpoint...
        barrier.wait()
        won = store.commit("acme", current, f"{round_}:{worker}")  # ...and race to move it
        results.put((round_, worker, won))
        barrier.wait()


def _race(kind: str, where: str) -> Counter[int]:
    barrier, results = ctx.Barrier(2, timeout=60), ctx.Queue()
    workers = [ctx.Process(target=_racer, args=(kind, where, n, barrier, results)) for n in (0, 1)]
    for process in workers:
        process.start()
    outcomes: list[tuple[int, int, bool]] = []
    try:
        while len(outcomes) < 2 * ROUNDS:
            outcomes.append(results.get(timeout=60))
    except queue.Empty:
        pytest.fail(f"the racers stopped after {len(outcomes)} commits")
    for process in workers:
        process.join(timeout=60)
        assert process.exitcode == 0
    wins: Counter[int] = Counter()
    for round_, _worker, won in outcomes:
        wins[round_] += won
    return wins


def test_two_processes_racing_on_the_sqlite_store_win_once_per_window(sqlite_path: Path) -> None:
    SQLiteCheckpointStore(sqlite_path).close()  # the file and table exist before the race
    wins = _race("sqlite", str(sqlite_path))
    assert wins == Counter(dict.fromkeys(range(ROUNDS), 1))
    stored = SQLiteCheckpointStore(sqlite_path).get("acme")
    assert stored is not None and stored.startswith(f"{ROUNDS - 1}:")


def test_two_processes_racing_on_redis_win_once_per_window(clean_redis: str) -> None:
    wins = _race("redis", clean_redis)
    assert wins == Counter(dict.fromkeys(range(ROUNDS), 1))
    stored = RedisCheckpointStore.from_url(clean_redis).get("acme")
    assert stored is not None and stored.startswith(f"{ROUNDS - 1}:")
