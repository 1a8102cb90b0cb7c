"""``Dispatcher``: what a worker does with each request and cancel it consumes (protocol.md §3)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from concurrent.futures import Executor
from typing import Any, Optional

from aio_pika.abc import AbstractIncomingMessage
from aiormq.abc import DeliveredMessage

from .acks import AckBatcher
from .cancels import CancelMemory, now_ms
from .context import HandlerContext, close_context, encode_json
from .delivery import DEFAULT_REPLY_OPTIONS, Delivery, ReplyOptions
from .direct_frames import Delivered, delivered_from
from .errors import create_error
from .execute import CANCELLED_ERROR, Handler, execute
from .frames import ReplyKind
from .message_headers import deadline_of, request_id_of


class Dispatcher:
    """Runs the handler of each consumed request and sends its replies, and stops the running
    requests a cancel names. ``tasks`` holds the requests being served (for a graceful
    shutdown); once ``closing`` is set, new requests are handed back to RabbitMQ."""

    def __init__(
        self,
        handlers: Mapping[str, Handler],
        *,
        executor: Executor,
        logger: logging.Logger,
        reply_on_cancel: bool,
        replies: ReplyOptions = DEFAULT_REPLY_OPTIONS,
    ) -> None:
        self.handlers = handlers
        self.logger = logger
        self.closing = False
        #: The requests being served, each with the consumer task serving it.
        self.tasks: dict[Delivery, asyncio.Task[Any]] = {}
        self._executor = executor
        self._reply_on_cancel = reply_on_cancel
        self._replies = replies
        self._cancels = CancelMemory()
        self._running: dict[str, set[Delivery]] = {}

    def on_cancel(self, message: AbstractIncomingMessage) -> None:
        """Remember a cancel message's correlation id until its deadline and stop the requests
        with that id running here; an unreadable cancel is logged and ignored."""
        try:
            body = json.loads(message.body)
            correlation_id = body["correlationId"]
            if not isinstance(correlation_id, str) or not correlation_id:
                raise ValueError("correlationId is not a non-empty string")
        except (ValueError, KeyError, TypeError) as exc:
            self.logger.warning("ignoring an unreadable cancel message: %r", exc)
            return
        self._cancels.remember(correlation_id, body.get("deadline"))
        for delivery in list(self._running.get(correlation_id, ())):
            delivery.cancel()

    async def on_message(
        self, queue_type_name: str, acks: AckBatcher, message: DeliveredMessage
    ) -> None:
        """:meth:`on_delivered` for a message aiormq delivered to a consumer."""
        await self.on_delivered(queue_type_name, acks, delivered_from(message))

    async def on_delivered(
        self, queue_type_name: str, acks: AckBatcher, message: Delivered
    ) -> None:
        """Serve one request consumed (on ``acks``' channel) from the queue of
        ``queue_type_name`` to its single terminal reply and ack (or requeue it while closing or
        when a reply is lost)."""
        delivery = Delivery(self.logger, message, acks, self._replies)
        if self.closing:
            await delivery.requeue()
            return
        task = asyncio.current_task()
        if task is not None:
            self.tasks[delivery] = task
        try:
            await self._serve(queue_type_name, delivery)
        except asyncio.CancelledError:
            # aiormq cancels its consumer tasks when the channel closes (a lost connection):
            # the delivery can no longer be acked, RabbitMQ will redeliver it, so stop the work.
            delivery.settled = True
            delivery.cancel()
            self.logger.warning(
                "channel closed while serving %s; RabbitMQ will redeliver it",
                delivery.correlation_id,
            )
        finally:
            self.tasks.pop(delivery, None)

    async def _serve(self, queue_type_name: str, delivery: Delivery) -> None:
        headers = delivery.headers
        deadline = deadline_of(headers.get("x-deadline"))
        x_type = headers.get("x-type")
        type_name = x_type if isinstance(x_type, str) and x_type else queue_type_name
        if self._cancels.is_cancelled(delivery.correlation_id):
            self.logger.debug("dropping cancelled request %s", delivery.correlation_id)
            delivery.ack()
            return
        if deadline <= now_ms():
            self.logger.debug("dropping expired request %s", delivery.correlation_id)
            delivery.ack()
            return
        if not delivery.reply_to:
            self.logger.warning("dropping a %s request without reply_to", type_name)
            delivery.ack()
            return
        try:
            payload = json.loads(delivery.body) if delivery.body else None
        except ValueError:
            self.logger.warning("a %s request body is not valid JSON", type_name)
            error = create_error("BAD_REQUEST", "the request body is not valid JSON")
            await self._finish(delivery, "error", encode_json(error))
            return
        handler = self.handlers.get(type_name)
        if handler is None:
            error = create_error("UNKNOWN_TYPE", f'this worker does not serve "{type_name}"')
            await self._finish(delivery, "error", encode_json(error))
            return
        loop = asyncio.get_running_loop()
        principal = headers.get("x-principal")
        ctx: HandlerContext[Any] = HandlerContext(
            id=request_id_of(delivery.correlation_id),
            type=type_name,
            attempt=delivery.attempt,
            deadline=deadline,
            principal=principal if isinstance(principal, str) and principal else "anon",
            sink=delivery.send,
            loop=loop,
            drain=delivery.drain,
            correlation_id=delivery.correlation_id,
        )
        delivery.ctx = ctx
        self._running.setdefault(delivery.correlation_id, set()).add(delivery)
        # No timer of its own at the deadline: the gateway's timer ends the request with TIMEOUT
        # and publishes a cancel, which stops the handler. A worker-side stop would race it with
        # a CANCELLED the client could see instead of TIMEOUT (the TS SDK does the same).
        # Referenced by the delivery and awaited right here: its outcome or exception is ours.
        delivery.task = asyncio.create_task(
            execute(handler, payload, ctx, executor=self._executor, logger=self.logger)
        )
        try:
            try:
                outcome = await delivery.task
            except asyncio.CancelledError:
                if not (ctx.cancelled and delivery.task.cancelled()):
                    raise
                outcome = None
        finally:
            close_context(ctx)
            running = self._running.get(delivery.correlation_id)
            if running is not None:
                running.discard(delivery)
                if not running:
                    del self._running[delivery.correlation_id]
        if outcome is not None and outcome.kind == "result":
            await self._finish(delivery, "result", outcome.data)
        elif outcome is not None and outcome.kind == "error":
            await self._finish(delivery, "error", encode_json(outcome.error))
        elif self._reply_on_cancel and not delivery.settled:
            await self._finish(delivery, "error", encode_json(CANCELLED_ERROR))
        else:
            await self._finish(delivery)

    async def _finish(
        self, delivery: Delivery, kind: Optional[ReplyKind] = None, data: bytes = b""
    ) -> None:
        if await delivery.end(kind, data):
            delivery.ack()
        else:
            await delivery.requeue()


__all__ = ["Dispatcher"]
