"""The RabbitMQ topology of docs/protocol.md §3 that every worker declares."""

from __future__ import annotations

from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractQueue, AbstractRobustChannel

CANCEL_EXCHANGE = "taskbridge.cancel"
DEAD_EXCHANGE = "taskbridge.dead"
REGISTRY_EXCHANGE = "taskbridge.registry"
DEAD_QUEUE = "taskbridge.dead"
DEAD_QUEUE_TTL_MS = 86_400_000
DELIVERY_LIMIT = 3


class TopologyError(RuntimeError):
    """RabbitMQ refused a declaration, typically a queue that exists with other arguments."""


def request_queue_arguments(queue_type: str) -> dict[str, Any]:
    """The arguments of a type's request queue: quorum (the default) or classic.

    Quorum: delivery limit 3 with at-least-once dead-lettering to ``taskbridge.dead``
    (which requires ``x-overflow: reject-publish``). Classic queues refuse both, so they get
    no arguments; RabbitMQ refuses to redeclare a queue with other arguments, so all workers
    of a type must agree.
    """
    if queue_type == "classic":
        return {}
    if queue_type != "quorum":
        raise ValueError(f'queue_type must be "quorum" or "classic", not {queue_type!r}')
    return {
        "x-queue-type": "quorum",
        "x-delivery-limit": DELIVERY_LIMIT,
        "x-dead-letter-exchange": DEAD_EXCHANGE,
        "x-dead-letter-strategy": "at-least-once",
        "x-overflow": "reject-publish",
    }


async def declare_shared_topology(channel: AbstractChannel) -> None:
    """Declare the exchanges and the dead-letter sink every gateway and worker shares.

    On a robust channel the sink is declared once, not again after each reconnect: it is durable
    (it outlives a broker restart), and as a classic queue it lives on one node of a cluster;
    declaring it again after failing over from that node would be refused (its home node is
    down) and keep the worker from serving until the node returns.
    """
    await channel.declare_exchange(CANCEL_EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True)
    dead = await channel.declare_exchange(DEAD_EXCHANGE, aio_pika.ExchangeType.FANOUT, durable=True)
    await channel.declare_exchange(REGISTRY_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
    arguments: dict[str, Any] = {"x-message-ttl": DEAD_QUEUE_TTL_MS}
    sink: AbstractQueue
    if isinstance(channel, AbstractRobustChannel):
        sink = await channel.declare_queue(
            DEAD_QUEUE, durable=True, arguments=arguments, robust=False
        )
    else:
        sink = await channel.declare_queue(DEAD_QUEUE, durable=True, arguments=arguments)
    await sink.bind(dead, routing_key="")


async def declare_request_queue(
    channel: AbstractChannel, name: str, queue_type: str
) -> AbstractQueue:
    """Declare the request queue ``name``; a refusal becomes a :class:`TopologyError` saying why."""
    try:
        return await channel.declare_queue(
            name, durable=True, arguments=request_queue_arguments(queue_type)
        )
    except aio_pika.exceptions.ChannelPreconditionFailed as exc:
        raise TopologyError(
            f'cannot declare queue "{name}" as a {queue_type} queue: RabbitMQ refused it, most '
            "likely because it exists with other arguments (another queue type or delivery "
            f"limit); all workers of a type must use the same settings. {exc}"
        ) from exc
