"""``Worker``: the handle of a running worker, from its declarations to its graceful close."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from types import TracebackType
from typing import Any, Optional

from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractIncomingMessage,
    AbstractQueue,
)

from . import encoded_frames
from .acks import AckBatcher
from .announcer import Announcer, ServiceInfo, announcement_bodies
from .delivery import DEFAULT_REPLY_OPTIONS, ReplyOptions
from .direct_frames import consume_directly
from .dispatcher import Dispatcher
from .execute import Handler, is_async_handler
from .topology import (
    CANCEL_EXCHANGE,
    REGISTRY_EXCHANGE,
    declare_request_queue,
    declare_shared_topology,
)


class Worker:
    """A running worker: returned by :func:`register_handlers`; ``await worker.close()`` stops it.

    It is also an async context manager that closes it on the way out, as an aio-pika connection
    is: ``async with await register_handlers(url, handlers) as worker: ...``.
    """

    def __init__(
        self,
        connection: AbstractConnection,
        owns_connection: bool,
        handlers: Mapping[str, Handler],
        *,
        prefetch: int,
        queue_type: str,
        queue_prefix: str,
        grace_seconds: float,
        worker_id: str,
        logger: logging.Logger,
        reply_on_cancel: bool,
        announce: bool,
        services: Mapping[str, ServiceInfo],
        replies: ReplyOptions = DEFAULT_REPLY_OPTIONS,
    ) -> None:
        self.connection = connection
        self.handlers = dict(handlers)
        #: Type → the queue it is served from (``<queue_prefix><type>``).
        self.queues = {name: f"{queue_prefix}{name}" for name in self.handlers}
        self.worker_id = worker_id
        self.logger = logger
        self.queue_type = queue_type
        self.grace_seconds = grace_seconds
        self._owns_connection = owns_connection
        self._prefetch = prefetch
        self._announce = announce
        self._services = services
        self._announcer: Optional[Announcer] = None
        self._channel: Optional[AbstractChannel] = None
        # request queue → consumer tag, consumed on aiormq's channel directly (no aio-pika
        # message objects on the hot path); re-consumed when aio-pika reopens the channel
        self._consumers: dict[str, str] = {}
        self._acks: list[AckBatcher] = []
        self._request_queues: list[tuple[str, str]] = []
        self._control: Optional[tuple[AbstractQueue, str]] = None
        self._closed: Optional[asyncio.Future[None]] = None
        sync_count = sum(1 for h in self.handlers.values() if not is_async_handler(h))
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, min(64, prefetch * max(sync_count, 1))),
            thread_name_prefix="taskbridge",
        )
        self._dispatcher = Dispatcher(
            self.handlers,
            executor=self._executor,
            logger=logger,
            reply_on_cancel=reply_on_cancel,
            replies=replies,
        )

    @property
    def types(self) -> list[str]:
        """The request types (queue names) this worker serves."""
        return list(self.handlers)

    @property
    def cancel_queue_name(self) -> str:
        """The exclusive queue this worker hears cancels on."""
        return f"taskbridge.cancel.{self.worker_id}"

    async def _start(self) -> None:
        channel = await self.connection.channel()
        self._channel = channel
        await channel.set_qos(prefetch_count=self._prefetch)
        await declare_shared_topology(channel)
        queues = [
            (name, await declare_request_queue(channel, self.queues[name], self.queue_type))
            for name in self.handlers
        ]
        control = await channel.declare_queue(
            self.cancel_queue_name, exclusive=True, auto_delete=True
        )
        await control.bind(CANCEL_EXCHANGE, routing_key="")
        if self._announce:
            await control.bind(REGISTRY_EXCHANGE, routing_key="query")
        self._control = (
            control,
            await control.consume(self._on_control, no_ack=True, exclusive=True),
        )
        self._request_queues = [(name, queue.name) for name, queue in queues]
        await self._consume()
        reopened = getattr(channel, "reopen_callbacks", None)
        if reopened is not None:
            reopened.add(self._on_reopen)
        if self._announce:
            bodies = announcement_bodies(self.worker_id, self.queues, self._services)
            self._announcer = Announcer(channel, bodies, self.logger)
            self._announcer.start()
            reconnected = getattr(self.connection, "reconnect_callbacks", None)
            if reconnected is not None:
                reconnected.add(self._on_reconnect)

    async def _consume(self) -> None:
        """Consume every request queue on the channel's current aiormq channel, each delivery
        acked through one :class:`AckBatcher` of that channel."""
        assert self._channel is not None
        raw = self._channel.channel
        fast = encoded_frames.enabled()
        acks = AckBatcher(raw, self.logger, encoded=fast)
        self._acks = [acks]
        for name, queue_name in self._request_queues:
            callback = functools.partial(self._dispatcher.on_message, name, acks)
            # the same tag again after a reopen: shutdown cancels by it
            tag = self._consumers.get(queue_name)
            if tag is None:
                ok = await raw.basic_consume(queue_name, callback)
            else:
                ok = await raw.basic_consume(queue_name, callback, consumer_tag=tag)
            self._consumers[queue_name] = ok.consumer_tag or ""
            if fast:
                # straight from the frame reader where it can (direct_frames.py), else callback
                direct = functools.partial(self._dispatcher.on_delivered, name, acks)
                consume_directly(raw, self._consumers[queue_name], direct)

    async def _on_reopen(self, *_: Any) -> None:
        # aio-pika has reopened the channel (after a reconnect or a channel error) and restored
        # its queues and the control consumer; the request consumers are ours to restore
        if self._dispatcher.closing:
            return
        try:
            await self._consume()
        except Exception as exc:  # noqa: BLE001 - the next reopen tries again
            self.logger.warning("re-consuming the request queues failed: %r", exc)

    def _on_reconnect(self, *_: Any) -> None:
        if self._announcer is not None and not self._dispatcher.closing:
            self._announcer.announce_soon()

    async def _on_control(self, message: AbstractIncomingMessage) -> None:
        if message.exchange == REGISTRY_EXCHANGE:
            if self._announcer is not None:
                await self._announcer.announce()
            return
        self._dispatcher.on_cancel(message)

    async def __aenter__(self) -> Worker:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        traceback: Optional[TracebackType],
    ) -> None:
        await self.close()

    async def close(self, grace_seconds: Optional[float] = None) -> None:
        """Shut down gracefully (docs/protocol.md §3): stop consuming, let in-flight handlers finish
        within the grace period, hand the rest back (nack with requeue), close the channel
        (awaiting close-ok) and then the connection if the worker opened it. Idempotent."""
        if self._closed is not None:
            await asyncio.shield(self._closed)
            return
        self._closed = asyncio.get_running_loop().create_future()
        try:
            await self._shutdown(self.grace_seconds if grace_seconds is None else grace_seconds)
        finally:
            self._closed.set_result(None)

    async def _shutdown(self, grace: float) -> None:
        self._dispatcher.closing = True
        tasks = self._dispatcher.tasks
        if self._announcer is not None:
            await self._announcer.stop()
            reconnected = getattr(self.connection, "reconnect_callbacks", None)
            if reconnected is not None:
                reconnected.discard(self._on_reconnect)
        # Cancels still arrive meanwhile: the control consumer stays until the end.
        reopened = getattr(self._channel, "reopen_callbacks", None)
        if reopened is not None:
            reopened.discard(self._on_reopen)
        for tag in self._consumers.values():
            try:
                assert self._channel is not None
                await self._channel.channel.basic_cancel(tag)
            except Exception as exc:  # noqa: BLE001 - the channel may already be gone
                self.logger.debug("cancelling consumer %s failed: %r", tag, exc)
        if tasks:
            await asyncio.wait(list(tasks.values()), timeout=max(grace, 0.0))
        left = list(tasks)
        for delivery in left:
            if delivery.ctx is not None and delivery.ctx.cancelled:
                # cancelled and still running: nobody wants it any more
                delivery.ack()
            else:
                await delivery.requeue()
            delivery.cancel()
        if left:
            self.logger.warning("gave up %d unfinished request(s) at shutdown", len(left))
            if tasks:  # give the cancelled handlers a moment to stop
                await asyncio.wait(list(tasks.values()), timeout=2.0)
        if self._control is not None:
            queue, tag = self._control
            try:
                await queue.cancel(tag)
                if not self._owns_connection:
                    await queue.delete(if_unused=False, if_empty=False)
            except Exception as exc:  # noqa: BLE001
                self.logger.debug("closing %s failed: %r", self.cancel_queue_name, exc)
        await self._teardown()

    async def _teardown(self) -> None:
        for acks in self._acks:
            await acks.settle()
        if self._channel is not None and not self._channel.is_closed:
            try:
                await self._channel.close()
            except Exception as exc:  # noqa: BLE001
                self.logger.debug("closing the channel failed: %r", exc)
        if self._owns_connection and not self.connection.is_closed:
            await self.connection.close()
        self._executor.shutdown(wait=False)


async def start_worker(worker: Worker) -> Worker:
    """Declare ``worker``'s topology and start consuming; on failure release what it opened
    (its channel, its connection when it owns it, its threads) and raise."""
    try:
        await worker._start()
    except BaseException:
        await worker._teardown()
        raise
    return worker


__all__ = ["Worker", "start_worker"]
