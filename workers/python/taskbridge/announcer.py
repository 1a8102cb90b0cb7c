"""Registry announcements (docs/protocol.md §6): which types this worker serves, from which queues."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Dict, Mapping, Optional

import aio_pika
from aio_pika.abc import AbstractChannel

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
) -> Dict[str, bytes]:
    """Routing key ``announce.<type>`` → body ``{type, queue, …service info, worker}``."""
    worker = {"id": worker_id, "language": "python", "sdkVersion": SDK_VERSION}
    return {
        f"announce.{type_name}": json.dumps(
            {"type": type_name, "queue": queue, **dict(services.get(type_name, {})), "worker": worker},
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode("utf-8")
        for type_name, queue in queues.items()
    }


class Announcer:
    """Announces now, every ``interval`` seconds, and on ``announce()`` (a gateway's ``query``,
    a reconnect). Failures are logged, never raised: the registry is advisory."""

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
        self._task: Optional["asyncio.Task[None]"] = None

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
            self._task = asyncio.ensure_future(self._loop())

    async def _loop(self) -> None:
        while True:
            await self.announce()
            await asyncio.sleep(self._interval)

    async def stop(self) -> None:
        """Stop the periodic announcements."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.wait([self._task])
            self._task = None
