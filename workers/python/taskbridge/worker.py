"""``register_handlers``: serve request types from RabbitMQ as docs/protocol.md §3 says.

The parts live beside it: ``connect`` (the robust connection), ``worker_handle`` (the
:class:`Worker`: declarations, consumers, graceful close), ``dispatcher`` (what is done with each
request and cancel), ``delivery`` (ordered, confirmed replies and the ack) and
``message_headers`` (deadline, attempt and request id of a message).
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping, Sequence
from typing import Optional, Union

from aio_pika.abc import AbstractConnection

from . import aiormq_io
from .announcer import ServiceInfo
from .coalescer import DEFAULT_CHUNK_WINDOW_MS, DEFAULT_MAX_CHUNKS_PER_REPLY, check_batching
from .connect import DEFAULT_CONNECT_TIMEOUT_SECONDS, connect
from .delivery import DEFAULT_MAX_PENDING_REPLIES, ReplyOptions
from .execute import Handler
from .message_headers import attempt_of, deadline_of, request_id_of  # noqa: F401 - as before
from .service import announced_services
from .topology import TopologyError
from .worker_handle import Worker, start_worker

TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")

DEFAULT_PREFETCH = 16
DEFAULT_GRACE_SECONDS = 10.0


async def register_handlers(
    url_or_connection: Union[str, Sequence[str], AbstractConnection],
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
    chunk_window_ms: float = DEFAULT_CHUNK_WINDOW_MS,
    max_chunks_per_reply: int = DEFAULT_MAX_CHUNKS_PER_REPLY,
    max_pending_replies: int = DEFAULT_MAX_PENDING_REPLIES,
) -> Worker:
    """Serve each request type of ``handlers`` from the queue ``<queue_prefix><type>`` until
    ``close()``; resolves once every queue is declared and consumed.

    ``url_or_connection`` is an AMQP URL, a comma-separated list or a list of them (the nodes of
    a cluster: the worker then opens, and on close closes, a robust connection that reconnects
    after a broker restart and fails over to the next node when it loses one, declaring,
    consuming and announcing again there) or an aio-pika connection you own.
    Declares the topology of docs/protocol.md §3 and a ``queue_type`` ("quorum" or "classic") queue
    per type; a refused declaration raises :class:`TopologyError`. ``prefetch`` bounds the
    requests each type runs at once; ``grace_seconds`` is how long ``close()`` lets them finish.
    ``heartbeat``, ``reconnect_interval`` and ``connect_timeout`` (seconds: how long to retry the
    first connection) apply to a connection opened from a URL. ``reply_on_cancel`` sends
    one terminal ``error`` ``CANCELLED`` when a running request is cancelled. ``announce``
    publishes the types on the registry (docs/protocol.md §6) with what :func:`taskbridge.service`
    marked on each handler and ``services`` (type → ``description``, ``version``,
    ``payloadSchema``, ``chunkSchema``, ``resultSchema``: JSON Schema dicts), which wins.
    To a gateway that sends ``x-accept: "chunks"`` (docs/protocol.md §14.2) chunks go batched:
    a batch waits at most ``chunk_window_ms`` (0–5) after its first chunk and holds at most
    ``max_chunks_per_reply`` chunks (and 256 KiB); other gateways get one reply per chunk.
    ``max_pending_replies`` unconfirmed reply messages make a streaming handler wait.

    The :class:`Worker` is an async context manager that closes it on exit.

    Example::

        async def echo(payload, ctx):
            return payload

        async with await register_handlers(url, {"demo.echo": echo}) as worker:
            ...  # serving until the block ends; then closed gracefully
    """
    if not handlers:
        raise ValueError("register_handlers needs at least one handler")
    for name in handlers:
        if not TYPE_PATTERN.match(name) or name.startswith("taskbridge."):
            raise ValueError(f'"{name}" is not a valid request type')
    if prefetch < 1:
        raise ValueError("prefetch must be at least 1")
    check_batching(chunk_window_ms, max_chunks_per_reply)
    if max_pending_replies < 1:
        raise ValueError("max_pending_replies must be at least 1")
    if queue_type not in ("quorum", "classic"):
        raise ValueError(f'queue_type must be "quorum" or "classic", not {queue_type!r}')
    log = logger or logging.getLogger("taskbridge")
    owns = not isinstance(url_or_connection, AbstractConnection)
    if isinstance(url_or_connection, AbstractConnection):
        connection: AbstractConnection = url_or_connection
    else:
        aiormq_io.install()
        connection = await connect(
            url_or_connection,
            heartbeat=heartbeat,
            reconnect_interval=reconnect_interval,
            connect_timeout=connect_timeout,
        )
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
        replies=ReplyOptions(
            max_pending=max_pending_replies,
            chunk_window_ms=chunk_window_ms,
            max_chunks_per_reply=max_chunks_per_reply,
        ),
    )
    return await start_worker(worker)


__all__ = [
    "DEFAULT_MAX_PENDING_REPLIES",
    "TopologyError",
    "Worker",
    "attempt_of",
    "deadline_of",
    "register_handlers",
    "request_id_of",
]
