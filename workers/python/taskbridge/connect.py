"""``connect``: the robust connection a worker opens from an AMQP URL."""

from __future__ import annotations

import asyncio
from typing import Optional

import aio_pika
import aiormq
from aio_pika.abc import AbstractConnection
from yarl import URL

#: How long a worker retries its first connection before it gives up.
DEFAULT_CONNECT_TIMEOUT_SECONDS = 30.0


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


async def connect(
    url: str,
    *,
    heartbeat: Optional[int],
    reconnect_interval: float,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
) -> AbstractConnection:
    """Open a robust connection to ``url`` that aio-pika reconnects every ``reconnect_interval``
    seconds after a loss; the first attempt is retried for ``connect_timeout`` seconds, then
    raises :class:`ConnectionError` (the URL shown without credentials).

    Example: ``await connect("amqp://guest:guest@127.0.0.1:5672", heartbeat=None,
    reconnect_interval=1.0)``.
    """
    parsed = URL(url)
    # aio-pika and aiormq read these from the URL's query only
    if heartbeat is not None:
        parsed = parsed.update_query(heartbeat=str(int(heartbeat)))
    if "reconnect_interval" not in parsed.query:
        parsed = parsed.update_query(reconnect_interval=str(reconnect_interval))
    return await _connect(parsed, connect_timeout, reconnect_interval)


__all__ = ["DEFAULT_CONNECT_TIMEOUT_SECONDS", "connect"]
