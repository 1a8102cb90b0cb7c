"""Reply publishes and acks encoded by the SDK and handed to aiormq's writer as bytes.

aiormq builds each publish from pamqp objects (a ``Basic.Publish``, a ``ContentHeader`` with its
``Properties`` and header table, a ``ContentBody``), adds a random message id, and its writer task
marshals them again frame by frame; an ack is one more object to marshal. In a worker that was
about a third of its Python time per request (docs/benchmarks.md, "Python worker"). A reply has
one shape, though: the default exchange, the request's ``reply_to``, ``content_type``,
``correlation_id`` and the headers ``x-attempt``, ``x-count`` (``chunks`` only), ``x-kind`` and
``x-seq``. :class:`ReplyFrames` encodes exactly the bytes pamqp would for those (the publish
method frame once per request), and :func:`publish_encoded` does what
``aiormq.Channel.basic_publish(..., wait=False)`` does with them: the next delivery tag, its
confirm future where aiormq's confirm handler finds it, and the frames on the connection's write
queue, in the same order as everything else written there. :func:`write_acks` does the same for
acks.

Nothing changes on the wire but aiormq's ``message_id``, which replies no longer carry (the
TypeScript SDK sets none either). When the channel is not in the state this expects (closed,
without publisher confirms, its lock held by another publish, its write queue full) the
functions return ``None`` or ``False`` and the caller uses aiormq's own methods;
``TASKBRIDGE_FAST_IO=0`` turns all of it off (:func:`enabled`).
"""

from __future__ import annotations

import asyncio
import functools
import os
import struct
from collections.abc import Iterable
from typing import Any, Optional

import pamqp.encode
from aiormq.abc import ChannelFrame
from pamqp.header import ProtocolHeader

from .aiormq_io import FAST_IO_ENV


def enabled() -> bool:
    """True unless ``TASKBRIDGE_FAST_IO=0``: replies and acks go as bytes encoded here."""
    return os.environ.get(FAST_IO_ENV) != "0"


class EncodedFrames(ProtocolHeader):
    """Frames already encoded, for aiormq's writer: it passes every frame it is given to
    ``pamqp.frame.marshal``, which returns a ``ProtocolHeader``'s own ``marshal()`` as it is."""

    def __init__(self, data: bytes) -> None:
        super().__init__()
        self.data = data

    def marshal(self) -> bytes:
        return self.data

    def __repr__(self) -> str:
        return f"<EncodedFrames {len(self.data)} bytes>"


_FRAME_END = b"\xce"
_FRAME = struct.Struct(">BHI")  # type, channel, payload size
_ACK = struct.Struct(">BHIHHQB")  # a whole basic.ack frame but its end byte
#: basic.publish (class 60, method 40), ticket 0, exchange "" (the default exchange)
_PUBLISH_START = b"\x00\x3c\x00\x28\x00\x00\x00"
#: content header: class 60, weight 0
_HEADER_START = b"\x00\x3c\x00\x00"
#: property flags (content_type, headers, correlation_id) and the content type; pamqp leaves out
#: an empty correlation id
_PROPERTIES_START = struct.pack(">H", 0x8000 | 0x2000 | 0x0400) + b"\x10application/json"
_PROPERTIES_START_NO_CORRELATION = struct.pack(">H", 0x8000 | 0x2000) + b"\x10application/json"
_LONG = struct.Struct(">I")
_LONG_LONG = struct.Struct(">Q")
_KIND_ENTRIES = {
    kind: b"\x06x-kindS" + _LONG.pack(len(kind)) + kind.encode()
    for kind in ("chunk", "chunks", "progress", "result", "error")
}
_SEQ_KEY = b"\x05x-seq"
_COUNT_KEY = b"\x07x-count"
_ATTEMPT_KEY = b"\x09x-attempt"


def _short_string(value: str) -> bytes:
    data = value.encode("utf-8")
    if len(data) > 255:
        raise ValueError(f"longer than a short string: {value[:40]!r}…")
    return bytes((len(data),)) + data


def _integer(value: int) -> bytes:
    # the type pamqp's field tables give an int (the smallest that holds it)
    if 0 <= value <= 127:
        return b"b" + bytes((value,))
    return pamqp.encode.table_integer(value)


def _frame(frame_type: int, channel: int, payload: bytes) -> bytes:
    return _FRAME.pack(frame_type, channel, len(payload)) + payload + _FRAME_END


@functools.lru_cache(maxsize=256)
def _publish_frame(channel: int, reply_to: str) -> bytes:
    # the same for every request from one gateway (its reply queue) on one channel
    return _frame(1, channel, _PUBLISH_START + _short_string(reply_to) + b"\x00")


class ReplyFrames:
    """The frames of one request's replies on one channel: ``basic.publish`` to ``reply_to`` on
    the default exchange (not mandatory), the content header with ``content_type``
    ``application/json``, ``correlation_id`` and the headers, and the body, split into frames of
    ``max_body`` bytes as aiormq splits it. Raises ``ValueError`` when ``reply_to`` or
    ``correlation_id`` is longer than AMQP's 255-byte short string."""

    __slots__ = ("_channel", "_max_body", "_method", "_attempt", "_properties", "_correlation")

    def __init__(
        self, channel: int, max_body: int, reply_to: str, correlation_id: str, attempt: int
    ) -> None:
        self._channel = channel
        self._max_body = max(1, max_body)
        self._method = _publish_frame(channel, reply_to)
        self._attempt = _ATTEMPT_KEY + _integer(attempt)
        self._correlation = _short_string(correlation_id) if correlation_id else b""
        self._properties = (
            _PROPERTIES_START if correlation_id else _PROPERTIES_START_NO_CORRELATION
        )

    def encode(self, kind: str, seq: int, body: bytes, count: int = 1) -> bytes:
        """The frames of one reply: ``x-kind`` ``kind``, ``x-seq`` ``seq``, ``x-count`` ``count``
        for ``chunks``."""
        table = (
            self._attempt
            + (_COUNT_KEY + _integer(count) if kind == "chunks" else b"")
            + _KIND_ENTRIES[kind]
            + _SEQ_KEY
            + _integer(seq)
        )
        header = (
            _HEADER_START
            + _LONG_LONG.pack(len(body))
            + self._properties
            + _LONG.pack(len(table))
            + table
            + self._correlation
        )
        parts = [self._method, _frame(2, self._channel, header)]
        size = self._max_body
        if len(body) < size:
            if body:
                parts.append(_frame(3, self._channel, body))
        else:
            parts.extend(
                _frame(3, self._channel, body[start : start + size])
                for start in range(0, len(body), size)
            )
        return b"".join(parts)


def _item(channel: int, data: bytes) -> ChannelFrame:
    # typed as aiormq's frame types: the writer only marshals it (see EncodedFrames)
    frames: list[Any] = [EncodedFrames(data)]
    return ChannelFrame(channel, frames)


def ready(channel: Any) -> bool:
    """True when ``channel`` (an aiormq channel) can take encoded frames now: open, with
    publisher confirms, no publish holding its lock, room on its connection's write queue."""
    try:
        queue: asyncio.Queue[Any] = channel.write_queue
        return bool(
            channel.publisher_confirms
            and not channel.is_closed
            and not channel.lock.locked()
            and not queue.full()
        )
    except AttributeError:  # not an aiormq channel as this module knows it
        return False


def publish_encoded(channel: Any, frames: bytes) -> Optional[asyncio.Future[Any]]:
    """Publish ``frames`` (one :meth:`ReplyFrames.encode`) on ``channel`` as aiormq's
    ``basic_publish(..., wait=False)`` would, and return the future of its confirm (RabbitMQ's
    ``basic.ack``, or a ``DeliveryError`` on a nack; failed with the channel when it closes);
    ``None`` when the channel is not :func:`ready` (nothing was done: publish it with aiormq)."""
    if not ready(channel):
        return None
    channel.delivery_tag += 1
    confirmation: asyncio.Future[Any] = channel.create_future()
    channel.confirmations[channel.delivery_tag] = confirmation
    channel.write_queue.put_nowait(_item(channel.number, frames))
    return confirmation


def write_acks(channel: Any, acks: Iterable[tuple[int, bool]]) -> bool:
    """Queue one ``basic.ack`` per ``(delivery_tag, multiple)`` on ``channel``'s connection, in
    order, as one write-queue item; False (nothing written) when the channel is not open or its
    write queue is full."""
    try:
        queue: asyncio.Queue[Any] = channel.write_queue
        if channel.is_closed or queue.full():
            return False
        number = channel.number
    except AttributeError:
        return False
    data = b"".join(
        _ACK.pack(1, number, 13, 60, 80, tag, 1 if multiple else 0) + _FRAME_END
        for tag, multiple in acks
    )
    queue.put_nowait(_item(number, data))
    return True


__all__ = ["EncodedFrames", "ReplyFrames", "enabled", "publish_encoded", "ready", "write_acks"]
