"""Registry announcements (docs/protocol.md §6): at start and at once on a gateway's query."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage

from amqp_client import AMQP_URL, Client
from taskbridge import Context, register_handlers


async def test_the_worker_announces_its_types_at_start_and_on_query() -> None:
    async def echo(payload: Any, ctx: Context[Any]) -> Any:
        return payload

    worker_id = f"py-test-{secrets.token_hex(4)}"
    async with Client() as client:
        assert client.channel is not None
        client.declared.append(f"{client.prefix}echo")
        registry = await client.channel.get_exchange("taskbridge.registry")
        heard = await client.channel.declare_queue("", exclusive=True)
        await heard.bind(registry, routing_key="announce.echo")
        announcements: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def on_announce(message: AbstractIncomingMessage) -> None:
            body = json.loads(message.body)
            if body.get("worker", {}).get("id") == worker_id:
                announcements.put_nowait(body)

        await heard.consume(on_announce, no_ack=True)
        worker = await register_handlers(
            AMQP_URL, {"echo": echo}, queue_prefix=client.prefix, worker_id=worker_id,
            services={"echo": {"description": "says it back", "version": "1"}},
        )
        try:
            first = await asyncio.wait_for(announcements.get(), 10)
            assert first == {
                "type": "echo", "queue": f"{client.prefix}echo", "description": "says it back",
                "version": "1",
                "worker": {"id": worker_id, "language": "python", "sdkVersion": "0.1.0"},
            }
            await registry.publish(aio_pika.Message(b"{}"), routing_key="query")
            # the periodic announcement is 10 s away: this one answers the query
            assert await asyncio.wait_for(announcements.get(), 5) == first
        finally:
            await worker.close()
