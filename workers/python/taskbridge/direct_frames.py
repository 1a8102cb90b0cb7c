"""Deliveries and publisher confirms taken from aiormq's frame reader directly.

aiormq 6 unmarshals every incoming frame into pamqp objects (a ``Basic.Deliver``, a
``ContentHeader`` with all its ``Properties``, a ``ContentBody``), hands each to its channel's
task through a queue, and that task assembles a ``DeliveredMessage`` and starts the consumer; a
publisher confirm takes the same way, and a ``multiple`` one schedules a callback per publish it
confirms. Under load that was about half of a worker's Python time (docs/benchmarks.md, "Python
worker"). The frame reader of ``aiormq_io`` hands two kinds of frame to :func:`dispatch` instead:

- a ``basic.deliver`` to a consumer registered with :func:`consume_directly`, whose header and body
  frames are already in the reader's buffer: the fields a worker reads (delivery tag, redelivered,
  headers, correlation id, reply-to, body) are decoded here, the header table by pamqp as before,
  and the consumer is started as a task of the channel, as aiormq starts it (so it is cancelled
  when the channel closes);
- a ``basic.ack`` confirming publishes: their futures in the channel's ``confirmations`` get
  their result at once, as aiormq's ``_confirm_delivery`` would set it.

Either only when the channel's own frame queue is empty, so nothing overtakes a frame aiormq has
not handled yet (a ``basic.return`` before its confirm, a delivery before a later one). Anything
else, and any frame this does not expect, goes to aiormq as before.
"""

from __future__ import annotations

import asyncio
import struct
from collections.abc import Coroutine, Mapping
from typing import Any, Callable, Optional

import aiormq.channel
import pamqp.decode
from aiormq.abc import DeliveredMessage
from pamqp import commands

# aiormq's placeholder for the confirm of a publish RabbitMQ returned (none: an empty tuple, which
# nothing is an instance of)
_RETURNING: Any = getattr(aiormq.channel, "Returning", ())


class Delivered:
    """What a worker reads of one delivered message."""

    __slots__ = (
        "body",
        "channel",
        "correlation_id",
        "delivery_tag",
        "headers",
        "redelivered",
        "reply_to",
    )

    def __init__(
        self,
        channel: Any,
        delivery_tag: int,
        redelivered: bool,
        headers: Mapping[str, Any],
        correlation_id: str,
        reply_to: str,
        body: bytes,
    ) -> None:
        #: The aiormq channel it came on (where it is acked and answered).
        self.channel = channel
        self.delivery_tag = delivery_tag
        self.redelivered = redelivered
        self.headers = headers
        self.correlation_id = correlation_id
        self.reply_to = reply_to
        self.body = body


def delivered_from(message: DeliveredMessage) -> Delivered:
    """The :class:`Delivered` of a message aiormq delivered to a consumer."""
    properties = message.header.properties
    deliver: Any = message.delivery
    return Delivered(
        message.channel,
        deliver.delivery_tag or 0,
        bool(deliver.redelivered),
        properties.headers or {},
        properties.correlation_id or "",
        properties.reply_to or "",
        message.body,
    )


#: A direct consumer: called with each delivery, returns the coroutine that serves it.
DirectConsumer = Callable[[Delivered], Coroutine[Any, Any, Any]]

_CONSUMERS = "_taskbridge_direct_consumers"


def consume_directly(channel: Any, consumer_tag: str, consumer: DirectConsumer) -> None:
    """Have the deliveries to ``consumer_tag`` on ``channel`` (an aiormq channel, consuming
    already) started as ``consumer(delivered)`` straight from the frame reader, where it can."""
    consumers = getattr(channel, _CONSUMERS, None)
    if consumers is None:
        consumers = {}
        setattr(channel, _CONSUMERS, consumers)
    consumers[consumer_tag] = consumer


_DELIVER = b"\x00\x3c\x00\x3c"  # basic.deliver: class 60, method 60
_ACK = b"\x00\x3c\x00\x50"  # basic.ack: class 60, method 80
_LONG_LONG = struct.Struct(">Q")
_FRAME_END = 0xCE


def _content_length(buffer: bytearray, channel: bytes) -> int:
    """The bytes of the content header and body frames on ``channel`` at the start of
    ``buffer``, or 0 when they are not all there (or not what they should be)."""
    if len(buffer) < 7 or buffer[0] != 2 or buffer[1:3] != channel:
        return 0
    end = 8 + int.from_bytes(buffer[3:7], "big")
    # class, weight, body size and one flag word at least
    if end < 22 or len(buffer) < end or buffer[end - 1] != _FRAME_END:
        return 0
    left = int.from_bytes(buffer[11:19], "big")
    while left > 0:
        if len(buffer) < end + 7 or buffer[end] != 3 or buffer[end + 1 : end + 3] != channel:
            return 0
        size = int.from_bytes(buffer[end + 3 : end + 7], "big")
        end += 8 + size
        left -= size
        if len(buffer) < end or buffer[end - 1] != _FRAME_END:
            return 0
    return end


def _short_string(data: bytes, at: int) -> tuple[str, int]:
    end = at + 1 + data[at]
    return data[at + 1 : end].decode("utf-8"), end


def _delivered(channel: Any, frame: bytes, content: bytes) -> Optional[Delivered]:
    """The delivery of a ``basic.deliver`` ``frame`` and its ``content`` frames; None for
    property flags this does not read (more than one flag word)."""
    _, at = _short_string(frame, 11)  # the consumer tag, read by the caller
    delivery_tag = _LONG_LONG.unpack_from(frame, at)[0]
    redelivered = bool(frame[at + 8] & 1)
    header_end = 8 + int.from_bytes(content[3:7], "big")
    flags = int.from_bytes(content[19:21], "big")
    if flags & 1:
        return None
    at = 21
    headers: Mapping[str, Any] = {}
    correlation_id = reply_to = ""
    if flags & 0x8000:  # content type
        at += 1 + content[at]
    if flags & 0x4000:  # content encoding
        at += 1 + content[at]
    if flags & 0x2000:
        used, table = pamqp.decode.field_table(content[at:header_end])
        headers = table
        at += used
    if flags & 0x1000:  # delivery mode
        at += 1
    if flags & 0x0800:  # priority
        at += 1
    if flags & 0x0400:
        correlation_id, at = _short_string(content, at)
    if flags & 0x0200:
        reply_to, at = _short_string(content, at)
    if header_end == len(content):
        body = b""
    else:
        parts = []
        at = header_end
        while at < len(content):
            end = at + 8 + int.from_bytes(content[at + 3 : at + 7], "big")
            parts.append(content[at + 7 : end - 1])
            at = end
        body = parts[0] if len(parts) == 1 else b"".join(parts)
    return Delivered(
        channel, delivery_tag, redelivered, headers, correlation_id, reply_to, body
    )


def _confirm(channel: Any, frame: bytes) -> bool:
    if not getattr(channel, "publisher_confirms", False) or len(frame) < 21:
        return False
    tag = _LONG_LONG.unpack_from(frame, 11)[0]
    multiple = bool(frame[19] & 1)
    confirmations = channel.confirmations
    if tag not in confirmations:
        return False  # aiormq logs an unexpected confirm
    ack = commands.Basic.Ack(delivery_tag=tag, multiple=multiple)
    tags = [t for t in confirmations if t <= tag] if multiple else [tag]
    for t in tags:
        confirmation = confirmations.pop(t)
        if isinstance(confirmation, _RETURNING) or confirmation.done():
            continue
        confirmation.set_result(ack)
    return True


async def dispatch(connection: Any, reader: asyncio.StreamReader, frame: bytes) -> bool:
    """Handle the whole ``frame`` (just read from ``connection``'s ``reader``) here when it is a
    delivery to a direct consumer (its content frames are then read from the buffer too) or a
    publisher confirm; False when aiormq is to handle it (nothing was read or done)."""
    if frame[0] != 1 or len(frame) < 12 or frame[-1] != _FRAME_END:
        return False
    method = frame[7:11]
    if method != _DELIVER and method != _ACK:
        return False
    channel = connection.channels.get(int.from_bytes(frame[1:3], "big"))
    frames = getattr(channel, "frames", None)
    if frames is None or not frames.empty():
        return False
    if method == _ACK:
        return _confirm(channel, frame)
    consumers = getattr(channel, _CONSUMERS, None)
    buffer: Optional[bytearray] = getattr(reader, "_buffer", None)
    if not consumers or buffer is None:
        return False
    try:
        consumer = consumers.get(_short_string(frame, 11)[0])
        length = _content_length(buffer, frame[1:3]) if consumer is not None else 0
        delivered = _delivered(channel, frame, bytes(buffer[:length])) if length else None
    except (ValueError, IndexError, struct.error):  # aiormq's unmarshal says what is wrong
        return False
    if consumer is None or delivered is None:
        return False
    await reader.readexactly(length)  # already buffered: returns at once
    channel.create_task(consumer(delivered))
    return True


__all__ = ["Delivered", "DirectConsumer", "consume_directly", "delivered_from", "dispatch"]
