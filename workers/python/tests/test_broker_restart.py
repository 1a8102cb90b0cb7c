"""After a broker restart the worker reconnects, declares again and serves (own RabbitMQ node)."""

from __future__ import annotations

from amqp_client import Client
from rabbit_node import RabbitNode
from taskbridge import register_handlers
from taskbridge.reference import REFERENCE_HANDLERS


async def test_the_worker_serves_again_after_its_broker_restarts() -> None:
    node = RabbitNode()
    try:
        await node.start()
        worker = await register_handlers(node.url, REFERENCE_HANDLERS, announce=True)
        try:
            async with Client(node.url, prefix="") as client:
                [before] = await client.until_terminal(await client.request("demo.echo", "before"))
                assert before.body == "before"
            await node.stop()
            await node.start()
            async with Client(node.url, prefix="") as client:
                key = await client.request("demo.count", {"n": 3})
                replies = await client.until_terminal(key, timeout=40)
                assert [(r.kind, r.body) for r in replies] == [
                    ("chunk", {"i": 0}), ("chunk", {"i": 1}), ("chunk", {"i": 2}),
                    ("result", {"count": 3}),
                ]
        finally:
            await worker.close()
    finally:
        await node.dispose()
