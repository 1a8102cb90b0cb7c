"""Test support: a worker serving handlers from a test client's own queues."""

from __future__ import annotations

from typing import Any

from amqp_client import AMQP_URL, Client
from taskbridge import Worker, register_handlers


async def serve(client: Client, handlers: dict[str, Any], **options: Any) -> Worker:
    """Serve ``handlers`` from the client's queues ``<prefix><type>``; they are deleted after."""
    client.declared.extend(f"{client.prefix}{name}" for name in handlers)
    return await register_handlers(
        AMQP_URL, handlers, queue_prefix=client.prefix, announce=False, **options
    )

