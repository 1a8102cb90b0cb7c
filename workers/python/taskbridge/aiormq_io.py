"""Cheaper socket I/O for aiormq's connections: frames read without a task each, writes joined.

aiormq 6 (Debian bookworm's 6.4) reads each incoming frame in three ``readexactly`` calls and
takes a lock, each through ``asyncio.wait_for`` with the connection's receive timeout: five tasks
and five timers per frame, three frames per delivered message. In a worker that was about half of
the Python time spent per request (docs/benchmarks.md, "Python worker"). And it writes every
queued frame group (one publish, one ack) with its own ``write``: one ``send`` system call and
one TCP segment for RabbitMQ to read each.

:func:`install` changes aiormq's connection module for every connection opened after it: its
``FrameReceiver`` becomes a subclass that reads the same frames, with the same
errors and the same stuck-connection timeout, under one ``asyncio.timeout`` (Python ≥ 3.11) or,
for a frame already whole in the reader's buffer (most of them under load), with no timer at all;
and the writer ``asyncio.open_connection`` gives it joins what it is given within one event-loop
turn into one socket write, in order (flushed before a drain, an EOF or a close). The reader also
hands deliveries to the worker's consumers and publisher confirms to ``direct_frames`` (the
connection tells its receiver who it is when it starts reading), and ``encoded_frames`` hands
aiormq's writer replies and acks it encoded. These three modules are the one place the SDK reaches
into aiormq. Nothing changes where the library does not look as expected (another aiormq
version, Python < 3.11), and ``TASKBRIDGE_FAST_IO=0`` turns all of it off.

It also lifts aiormq's bound of 10 on the queue between its frame reader and each channel, and on
its write queue (``Connection.FRAME_BUFFER_SIZE``; a channel opened with an explicit
``frame_buffer_size`` keeps it). Under load a burst of 16 deliveries is 48 frames: with the bound,
the reader and the channel's task took turns ten frames at a time, and publishes waited for the
writer ten at a time, each turn a task switch and often a socket write of its own (about twice the
TCP segments per request; docs/benchmarks.md, "Python worker", has the CPU it cost). No memory
bound is lost: deliveries are bounded by the prefetch, aiormq's writer never waits for the socket
(so its queue never held writes back), and a channel's task hands each delivery on at once.
"""

from __future__ import annotations

import asyncio
import os
import types
from typing import Any, Optional

import aiormq.connection
import pamqp.frame
from pamqp.exceptions import AMQPFrameError, AMQPInternalError, AMQPSyntaxError

from . import direct_frames

#: ``0`` keeps aiormq's own frame reader and writes.
FAST_IO_ENV = "TASKBRIDGE_FAST_IO"

_MARK = "_taskbridge_fast_io"
# the connection a frame receiver reads for (set when the connection starts reading)
_CONNECTION = "_taskbridge_connection"


async def _read_frame(self: Any, reader: asyncio.StreamReader) -> bytes:
    header = await reader.readexactly(7)
    if not self.started and header.startswith(b"AMQP"):
        raise AMQPSyntaxError
    self.started = True
    _, _, length = pamqp.frame.frame_parts(header)
    if length is None:
        raise AMQPInternalError("No frame length", None)
    return header + await reader.readexactly(length + 1)


def _buffered_frame(reader: asyncio.StreamReader) -> bool:
    # A whole frame already in the reader's buffer is read without waiting, so without a timer
    # (StreamReader._buffer: the bytes received and not read yet; a frame is a 7-byte header,
    # its payload and one end byte).
    buffer = getattr(reader, "_buffer", None)
    if buffer is None or len(buffer) < 7:
        return False
    return len(buffer) >= 8 + int.from_bytes(buffer[3:7], "big")


async def _get_frame(self: Any) -> Any:
    """aiormq's ``FrameReceiver.get_frame``: the same frame, read under one timeout, or none when
    it is already buffered. Deliveries to direct consumers and publisher confirms are handled on
    the way (``direct_frames.dispatch``), once the connection has told the receiver who it is."""
    reader = self.reader
    connection = getattr(self, _CONNECTION, None)
    while True:
        if reader.at_eof():
            del self.reader
            raise StopAsyncIteration
        try:
            async with self.lock:
                if _buffered_frame(reader):
                    frame = await _read_frame(self, reader)
                else:
                    async with asyncio.timeout(self.timeout):  # type: ignore[attr-defined]
                        frame = await _read_frame(self, reader)
        except asyncio.IncompleteReadError as exc:
            raise AMQPFrameError("Server connection unexpectedly closed") from exc
        except asyncio.TimeoutError as exc:
            raise asyncio.TimeoutError(
                "Server connection was stucked. "
                f"No frames were received in {self.timeout} seconds."
            ) from exc
        if connection is None or not await direct_frames.dispatch(connection, reader, frame):
            return pamqp.frame.unmarshal(frame)


def _coalesce_writes(writer: asyncio.StreamWriter) -> None:
    """Make ``writer`` join what it is given within one event-loop turn into one socket write."""
    loop = asyncio.get_running_loop()
    transport = writer.transport
    pending: list[bytes] = []

    def flush() -> None:
        if not pending:
            return
        data = b"".join(pending)
        pending.clear()
        if not transport.is_closing():
            transport.write(data)

    def write(data: bytes) -> None:
        if not pending:
            loop.call_soon(flush)
        pending.append(data)

    async def drain() -> None:
        flush()
        await asyncio.StreamWriter.drain(writer)

    def close() -> None:
        flush()
        asyncio.StreamWriter.close(writer)

    def write_eof() -> None:
        flush()
        asyncio.StreamWriter.write_eof(writer)

    # instance attributes shadow the methods for this writer alone
    for name, function in (
        ("write", write), ("drain", drain), ("close", close), ("write_eof", write_eof)
    ):
        setattr(writer, name, function)


class _AsyncioForAiormq(types.ModuleType):
    """``asyncio`` as aiormq's connection module sees it: the same, but for ``open_connection``,
    whose writer coalesces its writes."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def open_connection(*args: Any, **kwargs: Any) -> Any:
        reader, writer = await asyncio.open_connection(*args, **kwargs)
        _coalesce_writes(writer)
        return reader, writer


def _connection_class(original: Any) -> Any:
    """aiormq's ``Connection`` with an unbounded write queue, whose channels take an unbounded
    frame queue unless told otherwise, and whose frame receiver knows its connection."""
    read = original._Connection__reader

    class Connection(original):  # type: ignore[misc]
        FRAME_BUFFER_SIZE = 0

        async def channel(
            self,
            channel_number: Optional[int] = None,
            publisher_confirms: bool = True,
            frame_buffer_size: int = 0,
            timeout: Any = None,
            **kwargs: Any,
        ) -> Any:
            return await super().channel(
                channel_number, publisher_confirms, frame_buffer_size, timeout, **kwargs
            )

    async def reader(self: Any, frame_receiver: Any) -> None:
        setattr(frame_receiver, _CONNECTION, self)
        await read(self, frame_receiver)

    # aiormq's private Connection.__reader, by its mangled name
    Connection._Connection__reader = reader
    Connection.__module__ = __name__
    setattr(Connection, _MARK, True)
    return Connection


_CHANNEL_PARAMETERS = (
    "self",
    "channel_number",
    "publisher_confirms",
    "frame_buffer_size",
    "timeout",
)


def install() -> bool:
    """Use the cheaper reads and writes for every aiormq connection opened from now on; True
    when they are (already) in place. Idempotent; does nothing when ``TASKBRIDGE_FAST_IO=0``, on
    Python before 3.11 (no ``asyncio.timeout``) or when aiormq's connection module does not look
    as expected (a ``FrameReceiver(reader, receive_timeout)``, ``asyncio`` imported whole, a
    ``Connection`` with ``FRAME_BUFFER_SIZE`` and ``channel(channel_number, publisher_confirms,
    frame_buffer_size, timeout)``)."""
    if os.environ.get(FAST_IO_ENV) == "0" or not hasattr(asyncio, "timeout"):
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
    if getattr(module, "asyncio", None) is not asyncio:
        return False
    connection = getattr(module, "Connection", None)
    channel = getattr(connection, "channel", None)
    parameters = getattr(getattr(channel, "__code__", None), "co_varnames", ())
    if (
        not isinstance(getattr(connection, "FRAME_BUFFER_SIZE", None), int)
        or parameters[:5] != _CHANNEL_PARAMETERS
        or not callable(getattr(connection, "_Connection__reader", None))
    ):
        return False
    module.Connection = _connection_class(connection)
    module.FrameReceiver = type(
        "FrameReceiver", (original,), {"get_frame": _get_frame, _MARK: True, "__module__": __name__}
    )
    module.asyncio = _AsyncioForAiormq("asyncio")
    return True


__all__ = ["FAST_IO_ENV", "install"]
