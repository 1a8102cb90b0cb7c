"""A cheaper frame reader for aiormq's connections: one timer per frame instead of five tasks.

aiormq 6 (Debian bookworm's 6.4) reads each incoming frame in three ``readexactly`` calls and
takes a lock, each through ``asyncio.wait_for`` with the connection's receive timeout: five tasks
and five timers per frame, three frames per delivered message. In a worker that was about half of
the Python time spent per request (docs/benchmarks.md, "Python worker"). :func:`install` replaces
aiormq's ``FrameReceiver`` with a subclass that reads the same frames under one
``asyncio.timeout`` (Python ≥ 3.11): the same frames, the same errors, the same stuck-connection
timeout. It is the one place the SDK reaches into aiormq; it changes nothing where the library
does not look as expected (another aiormq version, Python < 3.11), and ``TASKBRIDGE_FAST_READER=0``
turns it off.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import aiormq.connection
import pamqp.frame
from pamqp.exceptions import AMQPFrameError, AMQPInternalError, AMQPSyntaxError

#: ``0`` keeps aiormq's own frame reader.
FAST_READER_ENV = "TASKBRIDGE_FAST_READER"

_MARK = "_taskbridge_fast_reader"


async def _get_frame(self: Any) -> Any:
    """aiormq's ``FrameReceiver.get_frame``, reading the frame under one timeout."""
    reader = self.reader
    if reader.at_eof():
        del self.reader
        raise StopAsyncIteration
    try:
        async with self.lock, asyncio.timeout(self.timeout):  # type: ignore[attr-defined]
            header = await reader.readexactly(7)
            if not self.started and header.startswith(b"AMQP"):
                raise AMQPSyntaxError
            self.started = True
            _, _, length = pamqp.frame.frame_parts(header)
            if length is None:
                raise AMQPInternalError("No frame length", None)
            payload = await reader.readexactly(length + 1)
    except asyncio.IncompleteReadError as exc:
        raise AMQPFrameError("Server connection unexpectedly closed") from exc
    except asyncio.TimeoutError as exc:
        raise asyncio.TimeoutError(
            f"Server connection was stucked. No frames were received in {self.timeout} seconds."
        ) from exc
    return pamqp.frame.unmarshal(header + payload)


def install() -> bool:
    """Use the cheaper reader for every aiormq connection opened from now on; True when it is
    (already) in place. Idempotent; does nothing when ``TASKBRIDGE_FAST_READER=0``, on Python
    before 3.11 (no ``asyncio.timeout``) or when aiormq has no ``FrameReceiver`` of the expected
    shape."""
    if os.environ.get(FAST_READER_ENV) == "0" or not hasattr(asyncio, "timeout"):
        return False
    module: Any = aiormq.connection
    original = getattr(module, "FrameReceiver", None)
    if original is None:
        return False
    if getattr(original, _MARK, False):
        return True
    init = getattr(original, "__init__", None)
    names = getattr(getattr(init, "__code__", None), "co_varnames", ())
    if not hasattr(original, "get_frame") or names[:3] != ("self", "reader", "receive_timeout"):
        return False
    module.FrameReceiver = type(
        "FrameReceiver", (original,), {"get_frame": _get_frame, _MARK: True, "__module__": __name__}
    )
    return True


__all__ = ["FAST_READER_ENV", "install"]
