"""Background tasks the SDK starts and nobody awaits: kept referenced, their failures logged.

The event loop holds only a weak reference to a task, so a task nobody keeps can be garbage
collected mid-flight; and an exception nobody retrieves surfaces only as "Task exception was
never retrieved" at exit. Every fire-and-forget task of the SDK goes through :func:`spawn`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def spawn(
    coroutine: Coroutine[Any, Any, T],
    keep: set[asyncio.Task[Any]],
    logger: logging.Logger,
    what: str,
) -> asyncio.Task[T]:
    """Run ``coroutine`` as a task held in ``keep`` until it ends; an exception it ends with is
    logged at ERROR as ``what`` failed (a cancel is not a failure).

    Example: ``spawn(announcer.announce(), self._tasks, logger, "re-announcing")``
    """
    task = asyncio.get_running_loop().create_task(coroutine)
    keep.add(task)

    def done(finished: asyncio.Task[Any]) -> None:
        keep.discard(finished)
        if finished.cancelled():
            return
        exc = finished.exception()
        if exc is not None:
            logger.error("%s failed", what, exc_info=exc)

    task.add_done_callback(done)
    return task


__all__ = ["spawn"]
