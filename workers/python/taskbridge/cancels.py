"""Cancels remembered until their deadline (docs/protocol.md §3 "Cancel")."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Optional

#: How long a cancel without a usable deadline is remembered: the default request timeout.
DEFAULT_MEMORY_MS = 600_000


def now_ms() -> int:
    """The wall clock in epoch ms, the unit of ``x-deadline``."""
    return int(time.time() * 1000)


class CancelMemory:
    """Remembers cancelled request keys until their deadline, so a request that arrives after
    its cancel is dropped; forgotten entries are pruned as new ones come in."""

    def __init__(self, clock: Callable[[], int] = now_ms) -> None:
        self._until: dict[str, int] = {}
        self._clock = clock
        self._last_prune = 0

    def remember(self, correlation_id: str, deadline: Optional[Any]) -> None:
        """Record a cancel of ``correlation_id`` until ``deadline`` (epoch ms; 10 minutes from
        now when missing). A deadline already passed is not remembered: nobody waits."""
        now = self._clock()
        if isinstance(deadline, bool) or not isinstance(deadline, (int, float)):
            deadline = now + DEFAULT_MEMORY_MS
        if deadline <= now:
            return
        self._until[correlation_id] = max(int(deadline), self._until.get(correlation_id, 0))
        if now - self._last_prune > 1000:
            self._last_prune = now
            self._until = {k: v for k, v in self._until.items() if v > now}

    def is_cancelled(self, correlation_id: str) -> bool:
        """True when a cancel of ``correlation_id`` is remembered and its deadline not passed."""
        until = self._until.get(correlation_id)
        return until is not None and until > self._clock()
