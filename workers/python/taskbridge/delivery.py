"""``Delivery``: one request taken from a queue, with its ordered, confirmed replies and its ack."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Optional, cast

import aiormq
from aio_pika.abc import AbstractIncomingMessage

from .context import HandlerContext, cancel_context
from .frames import ReplyKind
from .tasks import spawn

#: Unconfirmed replies from which a streaming handler waits before its next item.
DEFAULT_MAX_PENDING_REPLIES = 256


async def publish_reply(delivery: Delivery, kind: ReplyKind, seq: int, data: bytes) -> None:
    """Publish one reply frame (``x-kind``, ``x-seq``, ``x-attempt``) to the request's
    ``reply_to`` and wait for its confirm."""
    # On the very channel the request came from (where it is acked, too): while aio-pika
    # restores a channel after a reconnect, consumers already deliver on the new channel but
    # `default_exchange` still points at the dead one.
    # Only the properties the TypeScript SDK sets (aiormq adds a message id of its own).
    properties = aiormq.spec.Basic.Properties(
        content_type="application/json",
        correlation_id=delivery.correlation_id,
        headers={"x-kind": kind, "x-seq": seq, "x-attempt": delivery.attempt},
    )
    # wait=False: aiormq then releases the channel lock once the frames are queued for its writer,
    # not once they are written, so the replies of every request pipeline into one socket write
    # (still in lock order: the writer queue is FIFO); the confirm is still awaited.
    # (aiormq's own Channel has `wait`; its abstract type does not spell it out)
    channel = cast(aiormq.Channel, delivery.message.channel)
    await channel.basic_publish(
        data,
        exchange="",
        routing_key=delivery.reply_to,
        properties=properties,
        mandatory=False,
        wait=False,
    )


class Delivery:
    """One request taken from a queue: its replies and its ack.

    Replies are published without waiting for each other's confirms: every publish starts in
    ``seq`` order and aiormq writes them under a FIFO channel lock, so the channel keeps their
    order, as the TypeScript SDK's does. At most ``max_pending`` publishes are handed to aiormq at
    once; later frames wait in order in ``_queued`` (a handler emitting 100,000 chunks in one loop
    would otherwise leave 100,000 tasks queued on the channel lock, and aiormq scans every
    unconfirmed publish on each multiple-confirm). ``flush`` waits for all confirms before the ack.
    """

    def __init__(
        self,
        logger: logging.Logger,
        message: AbstractIncomingMessage,
        attempt: int,
        max_pending: int = DEFAULT_MAX_PENDING_REPLIES,
    ) -> None:
        self.logger = logger
        self.message = message
        self.correlation_id = message.correlation_id or ""
        self.reply_to = message.reply_to or ""
        self.attempt = attempt
        self.seq = 0
        self.failed = False
        self.settled = False
        self.ctx: Optional[HandlerContext[Any]] = None
        self.task: Optional[asyncio.Task[Any]] = None
        self._pending: set[asyncio.Task[Any]] = set()
        self._queued: deque[tuple[ReplyKind, int, bytes]] = deque()
        self._max_pending = max_pending
        self._writable = asyncio.Event()
        self._writable.set()

    def send(self, kind: ReplyKind, data: bytes) -> None:
        """Publish one reply frame with the next ``seq``; ignored once settled or failed."""
        if self.settled or self.failed:
            return
        seq = self.seq
        self.seq += 1
        if len(self._pending) >= self._max_pending or self._queued:
            self._queued.append((kind, seq, data))
        else:
            self._start(kind, seq, data)
        if len(self._pending) + len(self._queued) > self._max_pending:
            self._writable.clear()

    def _start(self, kind: ReplyKind, seq: int, data: bytes) -> None:
        task = spawn(self._publish(kind, seq, data), self._pending, self.logger, f"reply {kind}")
        task.add_done_callback(self._published)

    def _published(self, task: asyncio.Task[Any]) -> None:
        # spawn's callback, added first, has already taken the task out of _pending
        if self.failed:
            self._queued.clear()
        while self._queued and len(self._pending) < self._max_pending:
            self._start(*self._queued.popleft())
        if len(self._pending) + len(self._queued) <= self._max_pending // 2 or self.failed:
            self._writable.set()

    async def _publish(self, kind: ReplyKind, seq: int, data: bytes) -> None:
        if self.failed or self.settled:
            return
        try:
            await publish_reply(self, kind, seq, data)
        except Exception as exc:  # noqa: BLE001 - a lost reply leaves the request to redelivery
            if not self.failed:
                self.logger.warning(
                    "reply %s #%d for %s not confirmed: %r", kind, seq, self.correlation_id, exc
                )
            self.failed = True

    async def drain(self) -> None:
        """Wait while too many replies are unconfirmed: back-pressure for streaming handlers."""
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

    async def ack(self) -> None:
        """Ack the request once (RabbitMQ forgets it); later acks and requeues do nothing."""
        await self._settle(lambda: self.message.ack(), "ack")

    async def requeue(self) -> None:
        """Nack the request with requeue once (RabbitMQ redelivers it), unless already settled."""
        await self._settle(lambda: self.message.nack(requeue=True), "nack")

    async def _settle(self, action: Callable[[], Awaitable[Any]], what: str) -> None:
        if self.settled:
            return
        self.settled = True
        try:
            await action()
        except Exception as exc:  # noqa: BLE001 - the channel is gone: RabbitMQ redelivers
            self.logger.warning("%s of %s failed: %r", what, self.correlation_id, exc)


__all__ = ["DEFAULT_MAX_PENDING_REPLIES", "Delivery", "publish_reply"]
