"""The functions a worker may run, by name. A task takes its job's arguments as keyword arguments and must be
idempotent: a job whose worker died is run again, and a failed one is retried."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

TaskFunction = Callable[..., Any]


@dataclass(frozen=True)
class Task:
    name: str
    function: TaskFunction
    max_attempts: int = 5
    # Periodic: enqueued once per period by whichever worker gets there first (see `services.enqueue_periodic`).
    every: dt.timedelta | None = None


TASKS: dict[str, Task] = {}


def task(
    name: str, *, max_attempts: int = 5, every: dt.timedelta | None = None
) -> Callable[[TaskFunction], TaskFunction]:
    """Register a function as the task `name`."""

    def register(function: TaskFunction) -> TaskFunction:
        TASKS[name] = Task(name=name, function=function, max_attempts=max_attempts, every=every)
        return function

    return register


def get(name: str) -> Task:
    try:
        return TASKS[name]
    except KeyError:
        raise LookupError(f"No task is registered as {name!r}.") from None


def periodic() -> list[Task]:
    return [t for t in TASKS.values() if t.every is not None]
