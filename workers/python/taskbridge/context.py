"""The ``ctx`` a handler gets besides its payload: the Python twin of ``HandlerContext``."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any, Awaitable, Callable, Dict, Generic, Optional, TypeVar

TChunk = TypeVar("TChunk")

#: Where a context sends its frames: ``(kind, json_bytes)``, always called on the event loop.
FrameSink = Callable[[str, bytes], None]


def encode_json(value: Any) -> bytes:
    """Encode a value exactly as JavaScript's ``JSON.stringify`` would (compact, UTF-8).

    NaN and infinities are refused (JSON has no such numbers), so a handler learns at once
    that a chunk or result cannot cross the wire.
    """
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def progress_body(
    done: float, total: Optional[float] = None, message: Optional[str] = None
) -> Dict[str, Any]:
    """The body of a ``progress`` frame: ``{done, total?, message?}`` without absent fields."""
    body: Dict[str, Any] = {"done": done}
    if total is not None:
        body["total"] = total
    if message is not None:
        body["message"] = message
    return body


class Context(Generic[TChunk]):
    """What a handler gets besides its payload.

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
        #: Set when the request is cancelled; a thread handler can poll or wait on it.
        self.cancel_event = threading.Event()
        self._sink = sink
        self._drain = drain
        self._loop = loop
        self._loop_thread = threading.get_ident()
        self._closed = False

    @property
    def cancelled(self) -> bool:
        """True once the client cancelled, the request timed out or the worker gave it back."""
        return self.cancel_event.is_set()

    def emit(self, chunk: TChunk) -> None:
        """Send one ``chunk`` frame. Raises ``TypeError``/``ValueError`` if it is not JSON."""
        self._send("chunk", encode_json(chunk))

    def progress(
        self, done: float, total: Optional[float] = None, message: Optional[str] = None
    ) -> None:
        """Send one ``progress`` frame ``{done, total?, message?}``."""
        self._send("progress", encode_json(progress_body(done, total, message)))

    def _send(self, kind: str, data: bytes) -> None:
        if threading.get_ident() == self._loop_thread:
            self._deliver(kind, data)
        else:
            self._loop.call_soon_threadsafe(self._deliver, kind, data)

    def _deliver(self, kind: str, data: bytes) -> None:
        if self._closed or self.cancelled:
            return
        self._sink(kind, data)

    async def _wait_writable(self) -> None:
        # back-pressure for streamed items: wait while too many replies are unconfirmed
        if self._drain is not None:
            await self._drain()

    def _cancel(self) -> None:
        self.cancel_event.set()

    def _close(self) -> None:
        self._closed = True
