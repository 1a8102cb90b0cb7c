"""``register_handlers``: serve request types from RabbitMQ as PROTOCOL.md §2 says."""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Dict, List, Mapping, Optional, Set, Tuple, Union

import aio_pika
import aiormq
from yarl import URL
from aio_pika.abc import (
    AbstractChannel,
    AbstractConnection,
    AbstractIncomingMessage,
    AbstractQueue,
)

from .announcer import Announcer, ServiceInfo, announcement_bodies
from .service import announced_services
from .cancels import CancelMemory, now_ms
from .context import Context, encode_json
from .errors import create_error
from .execute import CANCELLED_ERROR, Handler, execute, is_async_handler
from .topology import (
    CANCEL_EXCHANGE,
    REGISTRY_EXCHANGE,
    TopologyError,
    declare_request_queue,
    declare_shared_topology,
)

TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")

DEFAULT_PREFETCH = 16
DEFAULT_GRACE_SECONDS = 10.0
#: Unconfirmed replies from which a streaming handler waits before its next item.
DEFAULT_MAX_PENDING_REPLIES = 256
#: How long a worker retries its first connection before it gives up.
DEFAULT_CONNECT_TIMEOUT_SECONDS = 30.0


def _int_header(value: Any) -> Optional[int]:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value)


def deadline_of(value: Any) -> float:
    """``x-deadline`` in epoch ms, read as the TypeScript SDK reads it: a finite number, or a
    string holding one; ``math.inf`` when the message carries none (nothing to wait for)."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if isinstance(value, str) and value.strip():
        try:
            value = float(value)
        except ValueError:
            return math.inf
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return math.inf
    if isinstance(value, int):
        return value
    return value if math.isfinite(value) else math.inf


def attempt_of(message: AbstractIncomingMessage) -> int:
    """The attempt a delivery is: 1, ``x-delivery-count`` + 1 (quorum), or 2 when a classic
    queue redelivers it."""
    count = _int_header((message.headers or {}).get("x-delivery-count"))
    if count is not None and count > 0:
        return count + 1
    return 2 if message.redelivered else 1


def request_id_of(correlation_id: str) -> str:
    """The client's request id: the last part of the key ``<principal>:<sessionId>:<id>``."""
    return correlation_id.rsplit(":", 1)[-1]


class _Delivery:
    """One request taken from a queue: its replies and its ack.

    Replies are published without waiting for each other's confirms: every publish starts in
    ``seq`` order and aiormq writes them under a FIFO channel lock, so the channel keeps their
    order, as the TypeScript SDK's does. ``flush`` waits for all confirms before the ack.
    """

    def __init__(
        self,
        worker: "Worker",
        message: AbstractIncomingMessage,
        attempt: int,
        max_pending: int = DEFAULT_MAX_PENDING_REPLIES,
    ) -> None:
        self.worker = worker
        self.message = message
        self.correlation_id = message.correlation_id or ""
        self.reply_to = message.reply_to or ""
        self.attempt = attempt
        self.seq = 0
        self.failed = False
        self.settled = False
        self.ctx: Optional[Context[Any]] = None
        self.task: Optional["asyncio.Task[Any]"] = None
        self._pending: Set["asyncio.Task[None]"] = set()
        self._max_pending = max_pending
        self._writable = asyncio.Event()
        self._writable.set()

    def send(self, kind: str, data: bytes) -> None:
        """Publish one reply frame with the next ``seq``; ignored once settled or failed."""
        if self.settled or self.failed:
            return
        seq = self.seq
        self.seq += 1
        task = asyncio.ensure_future(self._publish(kind, seq, data))
        self._pending.add(task)
        task.add_done_callback(self._published)
        if len(self._pending) > self._max_pending:
            self._writable.clear()

    def _published(self, task: "asyncio.Task[None]") -> None:
        self._pending.discard(task)
        if len(self._pending) <= self._max_pending // 2 or self.failed:
            self._writable.set()

    async def _publish(self, kind: str, seq: int, data: bytes) -> None:
        if self.failed or self.settled:
            return
        try:
            await self.worker._publish_reply(self, kind, seq, data)
        except Exception as exc:  # noqa: BLE001 - a lost reply leaves the request to redelivery
            if not self.failed:
                self.worker.logger.warning(
                    "reply %s #%d for %s not confirmed: %r", kind, seq, self.correlation_id, exc
                )
            self.failed = True

    async def drain(self) -> None:
        """Wait while too many replies are unconfirmed: back-pressure for streaming handlers."""
        await self._writable.wait()

    async def flush(self) -> bool:
        """Wait until every frame sent so far is confirmed; False when one was not."""
        while self._pending:
            await asyncio.wait(list(self._pending))
        return not self.failed

    def cancel(self) -> None:
        """Stop the handler: its ``ctx`` says cancelled and an async handler's task is cancelled."""
        if self.ctx is not None:
            self.ctx._cancel()
        if self.task is not None and not self.task.done():
            self.task.cancel()

    async def ack(self) -> None:
        await self._settle(lambda: self.message.ack(), "ack")

    async def requeue(self) -> None:
        await self._settle(lambda: self.message.nack(requeue=True), "nack")

    async def _settle(self, action: Callable[[], Any], what: str) -> None:
        if self.settled:
            return
        self.settled = True
        try:
            await action()
        except Exception as exc:  # noqa: BLE001 - the channel is gone: RabbitMQ redelivers
            self.worker.logger.warning("%s of %s failed: %r", what, self.correlation_id, exc)


class Worker:
    """A running worker: returned by :func:`register_handlers`; ``await worker.close()`` stops it."""

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
        self._reply_on_cancel = reply_on_cancel
        self._announce = announce
        self._services = services
        self._announcer: Optional[Announcer] = None
        self._channel: Optional[AbstractChannel] = None
        self._consumers: List[Tuple[AbstractQueue, str]] = []
        self._control: Optional[Tuple[AbstractQueue, str]] = None
        self._cancels = CancelMemory()
        self._running: Dict[str, Set[_Delivery]] = {}
        self._tasks: Dict[_Delivery, "asyncio.Task[Any]"] = {}
        self._closing = False
        self._closed: Optional["asyncio.Future[None]"] = None
        sync_count = sum(1 for h in self.handlers.values() if not is_async_handler(h))
        self._executor = ThreadPoolExecutor(
            max_workers=max(1, min(64, prefetch * max(sync_count, 1))),
            thread_name_prefix="taskbridge",
        )

    @property
    def types(self) -> List[str]:
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
        for name, queue in queues:
            callback = functools.partial(self._on_message, name)
            self._consumers.append((queue, await queue.consume(callback)))
        if self._announce:
            bodies = announcement_bodies(self.worker_id, self.queues, self._services)
            self._announcer = Announcer(channel, bodies, self.logger)
            self._announcer.start()
            reconnected = getattr(self.connection, "reconnect_callbacks", None)
            if reconnected is not None:
                reconnected.add(self._on_reconnect)

    def _on_reconnect(self, *_: Any) -> None:
        if self._announcer is not None and not self._closing:
            asyncio.ensure_future(self._announcer.announce())

    async def _publish_reply(self, delivery: _Delivery, kind: str, seq: int, data: bytes) -> None:
        # On the very channel the request came from (where it is acked, too): while aio-pika
        # restores a channel after a reconnect, consumers already deliver on the new channel but
        # `default_exchange` still points at the dead one.
        # Only the properties the TypeScript SDK sets (aiormq adds a message id of its own).
        properties = aiormq.spec.Basic.Properties(
            content_type="application/json",
            correlation_id=delivery.correlation_id,
            headers={"x-kind": kind, "x-seq": seq, "x-attempt": delivery.attempt},
        )
        await delivery.message.channel.basic_publish(
            data,
            exchange="",
            routing_key=delivery.reply_to,
            properties=properties,
            mandatory=False,
        )

    async def _on_control(self, message: AbstractIncomingMessage) -> None:
        if message.exchange == REGISTRY_EXCHANGE:
            if self._announcer is not None:
                await self._announcer.announce()
            return
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

    async def _on_message(self, queue_type_name: str, message: AbstractIncomingMessage) -> None:
        delivery = _Delivery(self, message, attempt_of(message))
        if self._closing:
            await delivery.requeue()
            return
        task = asyncio.current_task()
        if task is not None:
            self._tasks[delivery] = task
        try:
            await self._serve(queue_type_name, delivery)
        except asyncio.CancelledError:
            # aio-pika cancels its consumer tasks when the channel closes (a lost connection):
            # the delivery can no longer be acked, RabbitMQ will redeliver it, so stop the work.
            delivery.settled = True
            delivery.cancel()
            self.logger.warning(
                "channel closed while serving %s; RabbitMQ will redeliver it",
                delivery.correlation_id,
            )
        finally:
            self._tasks.pop(delivery, None)

    async def _serve(self, queue_type_name: str, delivery: _Delivery) -> None:
        message = delivery.message
        headers = message.headers or {}
        deadline = deadline_of(headers.get("x-deadline"))
        x_type = headers.get("x-type")
        type_name = x_type if isinstance(x_type, str) and x_type else queue_type_name
        if self._cancels.is_cancelled(delivery.correlation_id):
            self.logger.debug("dropping cancelled request %s", delivery.correlation_id)
            await delivery.ack()
            return
        if deadline <= now_ms():
            self.logger.debug("dropping expired request %s", delivery.correlation_id)
            await delivery.ack()
            return
        if not delivery.reply_to:
            self.logger.warning("dropping a %s request without reply_to", type_name)
            await delivery.ack()
            return
        try:
            payload = json.loads(message.body) if message.body else None
        except ValueError:
            self.logger.warning("a %s request body is not valid JSON", type_name)
            error = create_error("BAD_REQUEST", "the request body is not valid JSON")
            delivery.send("error", encode_json(error))
            await self._finish(delivery)
            return
        handler = self.handlers.get(type_name)
        if handler is None:
            error = create_error("UNKNOWN_TYPE", f'this worker does not serve "{type_name}"')
            delivery.send("error", encode_json(error))
            await self._finish(delivery)
            return
        loop = asyncio.get_running_loop()
        principal = headers.get("x-principal")
        ctx: Context[Any] = Context(
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
        delivery.task = asyncio.ensure_future(
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
            ctx._close()
            running = self._running.get(delivery.correlation_id)
            if running is not None:
                running.discard(delivery)
                if not running:
                    del self._running[delivery.correlation_id]
        if outcome is not None and outcome.kind == "result":
            delivery.send("result", outcome.data)
        elif outcome is not None and outcome.kind == "error":
            delivery.send("error", encode_json(outcome.error))
        elif self._reply_on_cancel and not delivery.settled:
            delivery.send("error", encode_json(CANCELLED_ERROR))
        await self._finish(delivery)

    async def _finish(self, delivery: _Delivery) -> None:
        if await delivery.flush():
            await delivery.ack()
        else:
            await delivery.requeue()

    async def close(self, grace_seconds: Optional[float] = None) -> None:
        """Shut down gracefully (PROTOCOL.md §2): stop consuming, let in-flight handlers finish
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
        self._closing = True
        if self._announcer is not None:
            await self._announcer.stop()
            reconnected = getattr(self.connection, "reconnect_callbacks", None)
            if reconnected is not None:
                reconnected.discard(self._on_reconnect)
        # Cancels still arrive meanwhile: the control consumer stays until the end.
        for queue, tag in self._consumers:
            try:
                await queue.cancel(tag)
            except Exception as exc:  # noqa: BLE001 - the channel may already be gone
                self.logger.debug("cancelling consumer %s failed: %r", tag, exc)
        if self._tasks:
            await asyncio.wait(list(self._tasks.values()), timeout=max(grace, 0.0))
        left = list(self._tasks)
        for delivery in left:
            if delivery.ctx is not None and delivery.ctx.cancelled:
                # cancelled and still running: nobody wants it any more
                await delivery.ack()
            else:
                await delivery.requeue()
            delivery.cancel()
        if left:
            self.logger.warning("gave up %d unfinished request(s) at shutdown", len(left))
            if self._tasks:  # give the cancelled handlers a moment to stop
                await asyncio.wait(list(self._tasks.values()), timeout=2.0)
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
        if self._channel is not None and not self._channel.is_closed:
            try:
                await self._channel.close()
            except Exception as exc:  # noqa: BLE001
                self.logger.debug("closing the channel failed: %r", exc)
        if self._owns_connection and not self.connection.is_closed:
            await self.connection.close()
        self._executor.shutdown(wait=False)


async def _connect(url: URL, timeout: float, interval: float) -> AbstractConnection:
    """A robust connection, retrying the first attempt for up to ``timeout`` seconds (later
    losses are reconnected by aio-pika)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await aio_pika.connect_robust(url)
        except (OSError, aiormq.exceptions.AMQPError) as exc:
            if loop.time() + interval > deadline:
                shown = url.with_user(None).with_query(None)
                raise ConnectionError(f"cannot reach RabbitMQ at {shown}: {exc!r}") from exc
            await asyncio.sleep(interval)  # a retry delay, not a wait for an event


async def register_handlers(
    url_or_connection: Union[str, AbstractConnection],
    handlers: Mapping[str, Handler],
    *,
    prefetch: int = DEFAULT_PREFETCH,
    queue_type: str = "quorum",
    queue_prefix: str = "",
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
    worker_id: Optional[str] = None,
    logger: Optional[logging.Logger] = None,
    heartbeat: Optional[int] = None,
    reconnect_interval: float = 1.0,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
    reply_on_cancel: bool = True,
    announce: bool = True,
    services: Optional[Mapping[str, ServiceInfo]] = None,
) -> Worker:
    """Serve each request type of ``handlers`` from the queue ``<queue_prefix><type>`` until
    ``close()``; resolves once every queue is declared and consumed.

    ``url_or_connection`` is an AMQP URL (the worker then opens, and on close closes, a robust
    connection that reconnects after a broker restart) or an aio-pika connection you own.
    Declares the topology of PROTOCOL.md §2 and a ``queue_type`` ("quorum" or "classic") queue
    per type; a refused declaration raises :class:`TopologyError`. ``prefetch`` bounds the
    requests each type runs at once; ``grace_seconds`` is how long ``close()`` lets them finish.
    ``heartbeat``, ``reconnect_interval`` and ``connect_timeout`` (seconds: how long to retry the
    first connection) apply to a connection opened from a URL. ``reply_on_cancel`` sends
    one terminal ``error`` ``CANCELLED`` when a running request is cancelled. ``announce``
    publishes the types on the registry (PROTOCOL.md §3) with what :func:`taskbridge.service`
    marked on each handler and ``services`` (type → ``description``, ``version``,
    ``payloadSchema``, ``chunkSchema``, ``resultSchema``: JSON Schema dicts), which wins.

    Example::

        async def echo(payload, ctx):
            return payload

        worker = await register_handlers("amqp://guest:guest@127.0.0.1:5672", {"demo.echo": echo})
        ...
        await worker.close()
    """
    if not handlers:
        raise ValueError("register_handlers needs at least one handler")
    for name in handlers:
        if not TYPE_PATTERN.match(name) or name.startswith("taskbridge."):
            raise ValueError(f'"{name}" is not a valid request type')
    if prefetch < 1:
        raise ValueError("prefetch must be at least 1")
    if queue_type not in ("quorum", "classic"):
        raise ValueError(f'queue_type must be "quorum" or "classic", not {queue_type!r}')
    log = logger or logging.getLogger("taskbridge")
    owns = isinstance(url_or_connection, str)
    if isinstance(url_or_connection, str):
        url = URL(url_or_connection)
        # aio-pika and aiormq read these from the URL's query only
        if heartbeat is not None:
            url = url.update_query(heartbeat=str(int(heartbeat)))
        if "reconnect_interval" not in url.query:
            url = url.update_query(reconnect_interval=str(reconnect_interval))
        connection: AbstractConnection = await _connect(url, connect_timeout, reconnect_interval)
    else:
        connection = url_or_connection
    worker = Worker(
        connection,
        owns,
        handlers,
        prefetch=prefetch,
        queue_type=queue_type,
        queue_prefix=queue_prefix,
        grace_seconds=grace_seconds,
        worker_id=worker_id or f"py-{secrets.token_hex(6)}",
        logger=log,
        reply_on_cancel=reply_on_cancel,
        announce=announce,
        services=announced_services(handlers, services),
    )
    try:
        await worker._start()
    except BaseException:
        await worker._teardown()
        raise
    return worker


__all__ = ["Worker", "register_handlers", "TopologyError", "attempt_of", "request_id_of"]
