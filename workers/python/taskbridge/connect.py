"""``connect``: the robust connection a worker opens from one AMQP URL or several (a cluster)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any, Optional, Union

from aio_pika import RobustConnection
from aio_pika.abc import AbstractRobustConnection, TimeoutType
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from yarl import URL

from .amqp_urls import parse_amqp_urls, redact_amqp_url

#: How long a worker retries its first connection before it gives up.
DEFAULT_CONNECT_TIMEOUT_SECONDS = 30.0

log = logging.getLogger("taskbridge")


class FailoverConnection(RobustConnection):
    """aio-pika's robust connection over several addresses (the nodes of a cluster).

    Each attempt tries the addresses in turn, round-robin, starting after the one it last
    connected to, so a lost node is tried last; only when all of them failed does it wait
    ``reconnect_interval``. What aio-pika restores after a reconnect (channels, declared queues
    and exchanges, bindings, consumers) it restores on whichever node answered. The first
    connection gives up after ``connect_timeout`` seconds with :class:`ConnectionError`; later
    reconnects go on until the connection is closed. It logs the node it connected to (password
    dropped) on the ``taskbridge`` logger.

    Written against aio-pika 8's ``RobustConnection.connect`` (its ``fail_fast`` makes one
    attempt per call); with a single URL it behaves as ``aio_pika.connect_robust``.
    """

    def __init__(self, urls: Sequence[URL], connect_timeout: float, **kwargs: Any) -> None:
        if not urls:
            raise ValueError("FailoverConnection needs at least one URL")
        super().__init__(urls[0], **kwargs)
        self.urls = list(urls)
        #: The address the worker is connected to (or was, last), ``None`` before the first.
        self.connected_url: Optional[URL] = None
        self._next = 0
        self._connect_timeout: Optional[float] = connect_timeout

    def _closing(self) -> bool:
        # close() during a reconnect finds no transport and leaves is_closed False (aio-pika 8)
        return self.is_closed or self._close_called

    async def connect(self, timeout: TimeoutType = None) -> None:
        loop = asyncio.get_running_loop()
        deadline = None if self._connect_timeout is None else loop.time() + self._connect_timeout
        while not self._closing():
            errors: list[str] = []
            first = self._next
            for step in range(len(self.urls)):
                index = (first + step) % len(self.urls)
                self.url = self.urls[index]
                self.fail_fast = True  # one attempt per address: this loop does the retrying
                try:
                    await super().connect(timeout)
                except CONNECTION_EXCEPTIONS as exc:
                    if self._closing():
                        return
                    shown = redact_amqp_url(self.url)
                    log.warning("could not connect to RabbitMQ at %s: %r", shown, exc)
                    errors.append(f"{shown}: {exc!r}")
                    continue
                self._next = (index + 1) % len(self.urls)
                reconnect = self.connected_url is not None
                self.connected_url = self.url
                self._connect_timeout = None  # the first connection is made: retry for ever
                log.log(
                    logging.INFO if reconnect or len(self.urls) > 1 else logging.DEBUG,
                    "connected to RabbitMQ at %s",
                    redact_amqp_url(self.url),
                )
                return
            if deadline is not None and loop.time() + self.reconnect_interval > deadline:
                raise ConnectionError(f"cannot reach RabbitMQ at {'; '.join(errors)}")
            await asyncio.sleep(self.reconnect_interval)  # a retry delay, not a wait for an event


def _addresses(url: Union[str, Sequence[str]]) -> list[str]:
    if isinstance(url, str):
        return parse_amqp_urls(url, "url")
    return [each for entry in url for each in parse_amqp_urls(entry, "url")]


async def connect(
    url: Union[str, Sequence[str]],
    *,
    heartbeat: Optional[int],
    reconnect_interval: float,
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT_SECONDS,
) -> AbstractRobustConnection:
    """Open a robust connection to ``url``: one AMQP URL, a comma-separated list or a list of
    them (a cluster's nodes, failed over in turn, see :class:`FailoverConnection`). After a loss
    it reconnects every ``reconnect_interval`` seconds; the first connection is retried for
    ``connect_timeout`` seconds, then raises :class:`ConnectionError` (URLs shown without
    passwords). A malformed address raises ``ValueError`` at once.

    Example: ``await connect("amqp://guest:guest@rabbit-1,amqp://guest:guest@rabbit-2",
    heartbeat=None, reconnect_interval=1.0)``.
    """
    urls: list[URL] = []
    for address in _addresses(url):
        parsed = URL(address)
        # aio-pika and aiormq read these from the URL's query only
        if heartbeat is not None:
            parsed = parsed.update_query(heartbeat=str(int(heartbeat)))
        if "reconnect_interval" not in parsed.query:
            parsed = parsed.update_query(reconnect_interval=str(reconnect_interval))
        urls.append(parsed)
    connection = FailoverConnection(urls, connect_timeout)
    await connection.connect()
    return connection


__all__ = ["DEFAULT_CONNECT_TIMEOUT_SECONDS", "FailoverConnection", "connect"]
