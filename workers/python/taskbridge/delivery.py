"""``Delivery``: one request taken from a queue, with its ordered, confirmed replies and its ack."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Optional, cast

import aiormq

from .acks import AckBatcher
from .coalescer import DEFAULT_CHUNK_WINDOW_MS, DEFAULT_MAX_CHUNKS_PER_REPLY, ChunkCoalescer
from .context import HandlerContext, cancel_context
from .direct_frames import Delivered
from .encoded_frames import ReplyFrames, publish_encoded
from .frames import ReplyKind, WireKind
from .message_headers import accepts_chunks, attempt_from
from .tasks import spawn

#: Unconfirmed replies from which a streaming handler waits before its next item.
DEFAULT_MAX_PENDING_REPLIES = 256


@dataclass(frozen=True)
class ReplyOptions:
    """How a worker sends replies: the back-pressure window (messages) and the chunk batching of
    docs/protocol.md §14.2 for gateways that accept it (``chunk_window_ms`` 0–5,
    ``max_chunks_per_reply`` ≥ 1)."""

    max_pending: int = DEFAULT_MAX_PENDING_REPLIES
    chunk_window_ms: float = DEFAULT_CHUNK_WINDOW_MS
    max_chunks_per_reply: int = DEFAULT_MAX_CHUNKS_PER_REPLY


#: The defaults of :class:`ReplyOptions`.
DEFAULT_REPLY_OPTIONS = ReplyOptions()


async def publish_reply(
    delivery: Delivery, kind: WireKind, seq: int, data: bytes, count: int = 1
) -> None:
    """Publish one reply (``x-kind``, ``x-seq``, ``x-attempt``, and ``x-count`` for ``chunks``)
    to the request's ``reply_to`` and wait for its confirm."""
    frames = delivery.reply_frames
    if frames is not None:
        # encoded here and queued for aiormq's writer as bytes (encoded_frames.py); None when
        # the channel cannot take them right now, and then aiormq publishes it
        confirmation = publish_encoded(delivery.channel, frames.encode(kind, seq, data, count))
        if confirmation is not None:
            await confirmation
            return
        # this request's later replies wait behind this one for aiormq's channel lock too: an
        # encoded publish could pass it between the lock's release and its waiter's turn
        delivery.reply_frames = None
    headers: dict[str, Any] = {"x-kind": kind, "x-seq": seq, "x-attempt": delivery.attempt}
    if kind == "chunks":
        headers["x-count"] = count
    # Only the properties the TypeScript SDK sets (aiormq adds a message id of its own).
    properties = aiormq.spec.Basic.Properties(
        content_type="application/json",
        correlation_id=delivery.correlation_id,
        headers=headers,
    )
    # On the very channel the request came from (where it is acked, too): while aio-pika
    # restores a channel after a reconnect, the old one is dead. wait=False: aiormq releases the
    # channel lock once the frames are queued for its writer, not once they are written, so the
    # replies of every request pipeline into one socket write (still in lock order: the writer
    # queue is FIFO); the confirm is still awaited. (aiormq's own Channel has `wait`; its abstract
    # type does not spell it out.)
    channel = cast(aiormq.Channel, delivery.channel)
    await channel.basic_publish(
        data,
        exchange="",
        routing_key=delivery.reply_to,
        properties=properties,
        mandatory=False,
        wait=False,
    )


def _reply_frames(delivery: Delivery, acks: AckBatcher) -> Optional[ReplyFrames]:
    if not acks.encoded:
        return None
    channel: Any = delivery.channel
    try:
        return ReplyFrames(
            channel.number,
            channel.max_content_size,
            delivery.reply_to,
            delivery.correlation_id,
            delivery.attempt,
        )
    except (AttributeError, ValueError):  # not aiormq's channel; a name too long: aiormq says so
        return None


class Delivery:
    """One request taken from a queue: its replies and its ack.

    Replies are published without waiting for each other's confirms: every publish starts in
    ``seq`` order and aiormq writes them under a FIFO channel lock, so the channel keeps their
    order, as the TypeScript SDK's does. At most ``max_pending`` publishes are handed to aiormq at
    once; later frames wait in order in ``_queued`` (a handler emitting 100,000 chunks in one loop
    would otherwise leave 100,000 tasks queued on the channel lock, and aiormq scans every
    unconfirmed publish on each multiple-confirm). ``flush`` waits for all confirms before the ack.
    When the request carries ``x-accept: "chunks"``, chunks go through a :class:`ChunkCoalescer`
    and count against ``max_pending`` per message, not per chunk.
    """

    def __init__(
        self,
        logger: logging.Logger,
        message: Delivered,
        acks: AckBatcher,
        options: ReplyOptions = DEFAULT_REPLY_OPTIONS,
    ) -> None:
        self.logger = logger
        self.headers: Mapping[str, Any] = message.headers
        self.body = message.body
        self.channel = message.channel
        self.tag = message.delivery_tag
        self.correlation_id = message.correlation_id
        self.reply_to = message.reply_to
        self.attempt = attempt_from(self.headers, message.redelivered)
        #: How this request's replies are encoded when its channel writes encoded frames.
        self.reply_frames = _reply_frames(self, acks) if self.reply_to else None
        self.seq = 0
        self.failed = False
        self.settled = False
        self.ctx: Optional[HandlerContext[Any]] = None
        self.task: Optional[asyncio.Task[Any]] = None
        self._acks = acks
        self._options = options
        self._batching = accepts_chunks(self.headers)
        self._coalescer: Optional[ChunkCoalescer] = None
        self._pending: set[asyncio.Task[Any]] = set()
        self._queued: deque[tuple[WireKind, int, bytes, int]] = deque()
        self._max_pending = options.max_pending
        # back-pressure: set while too many replies are unconfirmed; the event a streaming
        # handler waits on is made the first time it has to wait
        self._blocked = False
        self._writable: Optional[asyncio.Event] = None
        acks.track(self.tag)

    def send(self, kind: ReplyKind, data: bytes) -> None:
        """Send one reply with the next ``seq`` (a chunk may wait for its batch); ignored once
        settled or failed."""
        if self.settled or self.failed:
            return
        seq = self.seq
        self.seq += 1
        if self._batching and kind == "chunk":
            coalescer = self._coalescer
            if coalescer is None:
                coalescer = self._coalescer = ChunkCoalescer(
                    self._enqueue,
                    call_later=asyncio.get_running_loop().call_later,
                    window_ms=self._options.chunk_window_ms,
                    max_chunks=self._options.max_chunks_per_reply,
                )
            coalescer.add(seq, data)
            return
        if self._coalescer is not None:
            # chunks held before this reply go first: seq order is wire order
            self._coalescer.flush()
        self._enqueue(kind, seq, data, 1)

    def flush_chunks(self) -> None:
        """Send the chunks waiting for their batch (the handler has stopped)."""
        if self._coalescer is not None:
            self._coalescer.flush()

    def _enqueue(self, kind: WireKind, seq: int, data: bytes, count: int) -> None:
        if self.settled or self.failed:
            return
        if len(self._pending) >= self._max_pending or self._queued:
            self._queued.append((kind, seq, data, count))
        else:
            self._start(kind, seq, data, count)
        if len(self._pending) + len(self._queued) > self._max_pending and not self._blocked:
            self._blocked = True
            if self._writable is not None:
                self._writable.clear()

    def _start(self, kind: WireKind, seq: int, data: bytes, count: int) -> None:
        task = spawn(
            self._publish(kind, seq, data, count), self._pending, self.logger, f"reply {kind}"
        )
        task.add_done_callback(self._published)

    def _published(self, task: asyncio.Task[Any]) -> None:
        # spawn's callback, added first, has already taken the task out of _pending
        if self.failed:
            self._queued.clear()
        while self._queued and len(self._pending) < self._max_pending:
            self._start(*self._queued.popleft())
        if self._blocked and (
            len(self._pending) + len(self._queued) <= self._max_pending // 2 or self.failed
        ):
            self._blocked = False
            if self._writable is not None:
                self._writable.set()

    async def _publish(self, kind: WireKind, seq: int, data: bytes, count: int) -> None:
        if self.failed or self.settled:
            return
        try:
            await publish_reply(self, kind, seq, data, count)
        except Exception as exc:  # noqa: BLE001 - a lost reply leaves the request to redelivery
            if not self.failed:
                self.logger.warning(
                    "reply %s #%d for %s not confirmed: %r", kind, seq, self.correlation_id, exc
                )
            self.failed = True

    async def end(self, kind: Optional[ReplyKind] = None, data: bytes = b"") -> bool:
        """Send the terminal reply (``kind``: ``result`` or ``error``; none when ``None``) after
        the chunks still held, and wait until every reply is confirmed; False when one was not.
        With nothing else unconfirmed the terminal reply is published from the calling task
        (one task less per request)."""
        self.flush_chunks()
        if kind is not None and not (self.settled or self.failed):
            if self._pending or self._queued:
                self.send(kind, data)
            else:
                seq = self.seq
                self.seq += 1
                await self._publish(kind, seq, data, 1)
        return await self.flush()

    async def drain(self) -> None:
        """Wait while too many replies are unconfirmed: back-pressure for streaming handlers."""
        if not self._blocked:
            return
        if self._writable is None:
            self._writable = asyncio.Event()
        await self._writable.wait()

    async def flush(self) -> bool:
        """Wait until every frame sent so far is confirmed; False when one was not."""
        # a finished publish starts the next queued one before asyncio.wait returns
        while self._pending:
            await asyncio.wait(list(self._pending))
        return not self.failed

    def cancel(self) -> None:
        """Stop the handler: its ``ctx`` says cancelled and an async handler's task is cancelled."""
        if self.ctx is not None:
            cancel_context(self.ctx)
        if self.task is not None and not self.task.done():
            self.task.cancel()

    def ack(self) -> None:
        """Ack the request once (RabbitMQ forgets it; written at the end of this loop turn with
        the other acks due); later acks and requeues do nothing."""
        if self.settled:
            return
        self.settled = True
        self._acks.ack(self.tag)

    async def requeue(self) -> None:
        """Nack the request with requeue once (RabbitMQ redelivers it), unless already settled."""
        if self.settled:
            return
        self.settled = True
        try:
            await self._acks.nack(self.tag, requeue=True)
        except Exception as exc:  # noqa: BLE001 - the channel is gone: RabbitMQ redelivers
            self.logger.warning("nack of %s failed: %r", self.correlation_id, exc)


__all__ = [
    "DEFAULT_MAX_PENDING_REPLIES",
    "DEFAULT_REPLY_OPTIONS",
    "Delivery",
    "ReplyOptions",
    "publish_reply",
]
