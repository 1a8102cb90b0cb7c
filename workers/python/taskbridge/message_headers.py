"""What a request message's headers say: its deadline, its attempt and its request id."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Optional, Protocol


class _Delivered(Protocol):
    @property
    def headers(self) -> Optional[Mapping[str, Any]]: ...

    @property
    def redelivered(self) -> Optional[bool]: ...


def _int_header(value: Any) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def deadline_of(value: Any) -> float:
    """``x-deadline`` in epoch ms, read as the TypeScript SDK reads it: a finite number, or a
    string holding one; ``math.inf`` when the message carries none (nothing to wait for)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and value.strip():
        try:
            value = float(value)
        except ValueError:
            return math.inf
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.inf
    if isinstance(value, int):
        return value
    return value if math.isfinite(value) else math.inf


def attempt_from(headers: Optional[Mapping[str, Any]], redelivered: Optional[bool]) -> int:
    """The attempt a delivery is: 1, ``x-delivery-count`` + 1 (quorum), or 2 when a classic
    queue redelivers it."""
    count = _int_header((headers or {}).get("x-delivery-count"))
    if count is not None and count > 0:
        return count + 1
    return 2 if redelivered else 1


def attempt_of(message: _Delivered) -> int:
    """:func:`attempt_from` of a message with ``headers`` and ``redelivered`` (an aio-pika
    ``IncomingMessage``)."""
    return attempt_from(message.headers, message.redelivered)


def accepts_chunks(headers: Mapping[str, Any]) -> bool:
    """True when the request's ``x-accept`` names ``chunks`` (docs/protocol.md §14.1): its
    gateway reads batched ``chunks`` replies."""
    value = headers.get("x-accept")
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return isinstance(value, str) and "chunks" in (part.strip() for part in value.split(","))


def request_id_of(correlation_id: str) -> str:
    """The client's request id: the last part of the key ``<principal>:<sessionId>:<id>``."""
    return correlation_id.rsplit(":", 1)[-1]


__all__ = ["accepts_chunks", "attempt_from", "attempt_of", "deadline_of", "request_id_of"]
