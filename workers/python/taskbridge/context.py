"""The ``ctx`` a handler gets besides its payload: ``HandlerContext``, as in the TypeScript SDK.

What the worker and the test helper do to a context beyond what a handler may (cancel it, close
it, wait for its replies to drain) are functions of this module, not methods a handler sees.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any, Generic, Optional, TypeVar

from .frames import ReplyKind, progress_body

TChunk = TypeVar("TChunk")

#: Where a context sends its frames: ``(kind, json_bytes)``, always called on the event loop.
FrameSink = Callable[[ReplyKind, bytes], None]


# guards the making of a context's cancel_event against its setting, from any thread
_EVENTS_LOCK = threading.Lock()

# one encoder for every call: json.dumps with these options would build a new one each time
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def encode_json(value: Any) -> bytes:
    """Encode a value exactly as JavaScript's ``JSON.stringify`` would (compact, UTF-8).

    NaN and infinities are refused (JSON has no such numbers), so a handler learns at once
    that a chunk or result cannot cross the wire.
    """
    return _ENCODER.encode(value).encode("utf-8")


class HandlerContext(Generic[TChunk]):
    """What a handler gets besides its payload (``Context`` is the same class, by its first name).

    ``emit`` and ``progress`` may be called from the event loop or, in a plain ``def`` handler,
    from its worker thread: frames keep the order they were emitted in either way. After a
    cancel ``cancelled`` is true and ``cancel_event`` is set (an ``async`` handler's task is
    also cancelled); later frames are dropped.

    Example::

        async def report(payload, ctx):
            for k in range(10):
                ctx.progress(k + 1, 10)
            return {"ok": True}
    """

    def __init__(
        self,
        *,
        id: str,
        type: str,
        attempt: int,
        deadline: float,
        principal: str,
        sink: FrameSink,
        loop: asyncio.AbstractEventLoop,
        correlation_id: str = "",
        drain: Optional[Callable[[], Awaitable[None]]] = None,
    ) -> None:
        #: The request's id as the client chose it.
        self.id = id
        #: The request type being served, e.g. ``demo.count``.
        self.type = type
        #: 1 on first delivery, one more on each redelivery.
        self.attempt = attempt
        #: Epoch ms at which the client stops waiting; ``math.inf`` when the request carries
        #: none, as ``Infinity`` in TypeScript (so ``ctx.deadline - now`` always works).
        self.deadline = deadline
        #: The authenticated user id, or ``anon``.
        self.principal = principal
        #: The request key ``<principal>:<sessionId>:<id>`` the gateway routes replies by.
        self.correlation_id = correlation_id
        self._cancelled = False
        # made on first use: most handlers never look at it, and it costs a Condition and a Lock
        self._cancel_event: Optional[threading.Event] = None
        self._sink = sink
        self._drain = drain
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._closed = False

    @property
    def cancelled(self) -> bool:
        """True once the client cancelled, the request timed out or the worker gave it back."""
        return self._cancelled

    @property
    def cancel_event(self) -> threading.Event:
        """Set when the request is cancelled; a thread handler can poll or wait on it."""
        with _EVENTS_LOCK:
            if self._cancel_event is None:
                self._cancel_event = threading.Event()
                if self._cancelled:
                    self._cancel_event.set()
            return self._cancel_event

    def emit(self, chunk: TChunk) -> None:
        """Send one ``chunk`` frame. Raises ``TypeError``/``ValueError`` if it is not JSON."""
        self._send("chunk", encode_json(chunk))

    def progress(
        self, done: float, total: Optional[float] = None, message: Optional[str] = None
    ) -> None:
        """Send one ``progress`` frame ``{done, total?, message?}``."""
        self._send("progress", encode_json(progress_body(done, total, message)))

    def _send(self, kind: ReplyKind, data: bytes) -> None:
        if threading.get_ident() == self._loop_thread:
            self._deliver(kind, data)
        else:
            self._loop.call_soon_threadsafe(self._deliver, kind, data)

    def _deliver(self, kind: ReplyKind, data: bytes) -> None:
        if self._closed or self.cancelled:
            return
        self._sink(kind, data)


#: The name this SDK used first; the same class.
Context = HandlerContext


def cancel_context(ctx: HandlerContext[Any]) -> None:
    """Mark ``ctx`` cancelled: ``ctx.cancelled`` becomes true, ``ctx.cancel_event`` is set and
    later frames are dropped (the worker's and the test helper's part of a cancel)."""
    with _EVENTS_LOCK:
        ctx._cancelled = True
        if ctx._cancel_event is not None:
            ctx._cancel_event.set()


def close_context(ctx: HandlerContext[Any]) -> None:
    """Drop every frame ``ctx`` is asked to send from now on: its request has ended."""
    ctx._closed = True


async def wait_writable(ctx: HandlerContext[Any]) -> None:
    """Wait while too many of ``ctx``'s replies are unconfirmed (back-pressure between the
    items of a streaming handler)."""
    if ctx._drain is not None:
        await ctx._drain()


__all__ = [
    "Context",
    "FrameSink",
    "HandlerContext",
    "cancel_context",
    "close_context",
    "encode_json",
    "progress_body",
    "wait_writable",
]
