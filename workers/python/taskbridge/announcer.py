"""Registry announcements (docs/protocol.md §6): the types a worker serves and their queues."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from typing import Any, Optional

import aio_pika
from aio_pika.abc import AbstractChannel

from .tasks import spawn
from .topology import REGISTRY_EXCHANGE

#: This SDK's version, as announced in the registry.
SDK_VERSION = "0.1.0"
#: How often a worker re-announces its types.
ANNOUNCE_INTERVAL_SECONDS = 10.0

#: What a worker may say about a type beyond its name: ``version``, ``description``,
#: ``payloadSchema``, ``chunkSchema``, ``resultSchema`` (JSON Schema 2020-12).
ServiceInfo = Mapping[str, Any]


def announcement_bodies(
    worker_id: str, queues: Mapping[str, str], services: Mapping[str, ServiceInfo]
) -> dict[str, bytes]:
    """Routing key ``announce.<type>`` → body ``{type, queue, …service info, worker}``."""
    worker = {"id": worker_id, "language": "python", "sdkVersion": SDK_VERSION}
    return {
        f"announce.{type_name}": json.dumps(
            {
                "type": type_name,
                "queue": queue,
                **dict(services.get(type_name, {})),
                "worker": worker,
            },
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")
        for type_name, queue in queues.items()
    }


class Announcer:
    """Announces now, every ``interval`` seconds, on ``announce()`` (a gateway's ``query``) and
    on ``announce_soon()`` (a reconnect). Failures are logged, never raised: the registry is
    advisory."""

    def __init__(
        self,
        channel: AbstractChannel,
        bodies: Mapping[str, bytes],
        logger: logging.Logger,
        interval: float = ANNOUNCE_INTERVAL_SECONDS,
    ) -> None:
        self._channel = channel
        self._bodies = dict(bodies)
        self._logger = logger
        self._interval = interval
        self._task: Optional[asyncio.Task[None]] = None
        self._tasks: set[asyncio.Task[Any]] = set()

    async def announce(self) -> None:
        """Publish one announcement per type."""
        try:
            exchange = await self._channel.get_exchange(REGISTRY_EXCHANGE, ensure=False)
            for routing_key, body in self._bodies.items():
                await exchange.publish(
                    aio_pika.Message(body, content_type="application/json"),
                    routing_key=routing_key,
                    mandatory=False,
                )
        except Exception as exc:  # noqa: BLE001 - advisory
            self._logger.warning("could not announce to the registry: %r", exc)

    def start(self) -> None:
        """Announce now and every ``interval`` seconds until :meth:`stop`."""
        if self._task is None:
            self._task = spawn(self._loop(), self._tasks, self._logger, "announcing")

    def announce_soon(self) -> None:
        """Announce in a task of its own, for callers that cannot wait (a reconnect callback);
        the task is kept until it ends and :meth:`stop` stops it too."""
        spawn(self.announce(), self._tasks, self._logger, "announcing")

    async def _loop(self) -> None:
        while True:
            await self.announce()
            await asyncio.sleep(self._interval)

    async def stop(self) -> None:
        """Stop the periodic announcements and any announcement still under way."""
        running = list(self._tasks)
        for task in running:
            task.cancel()
        if running:
            await asyncio.wait(running)
        self._task = None


__all__ = [
    "ANNOUNCE_INTERVAL_SECONDS",
    "Announcer",
    "SDK_VERSION",
    "ServiceInfo",
    "announcement_bodies",
]
