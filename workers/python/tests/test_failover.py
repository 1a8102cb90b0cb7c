"""A worker given several broker addresses: the first that answers, the next one after a loss."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest
from yarl import URL

from amqp_client import AMQP_URL, Client
from taskbridge import register_handlers
from taskbridge.connect import FailoverConnection, connect
from taskbridge.reference import REFERENCE_HANDLERS


def closed_port() -> int:
    """A port nothing listens on: taken from the OS, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def other_name(url: str) -> str:
    """The same node under another host name: two "nodes" for the order of attempts."""
    return str(URL(url).with_host("localhost" if URL(url).host != "localhost" else "127.0.0.1"))


async def test_serves_from_the_first_reachable_address_and_fails_over_after_a_loss(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="taskbridge")
    dead = f"amqp://guest:guest@127.0.0.1:{closed_port()}"
    async with Client() as client:
        client.declared.extend(f"{client.prefix}{name}" for name in REFERENCE_HANDLERS)
        worker = await register_handlers(
            f"{dead}, {AMQP_URL}", REFERENCE_HANDLERS, queue_prefix=client.prefix,
            reconnect_interval=0.05,
        )
        try:
            connection = worker.connection
            assert isinstance(connection, FailoverConnection)
            assert connection.connected_url is not None
            assert connection.connected_url.port == URL(AMQP_URL).port
            assert "could not connect to RabbitMQ at amqp://guest@127.0.0.1" in caplog.text
            assert "guest:guest" not in caplog.text
            [reply] = await client.until_terminal(await client.request("demo.echo", "first"))
            assert reply.body == "first"

            # A lost node: the connection drops under the worker; it reconnects to the address
            # after it (the unreachable one), then to the first, and serves again there.
            reconnected = asyncio.Event()
            connection.reconnect_callbacks.add(lambda *_: reconnected.set())
            transport = connection.transport
            assert transport is not None
            await transport.connection.close()
            await asyncio.wait_for(reconnected.wait(), 20)
            [again] = await client.until_terminal(await client.request("demo.echo", "again"))
            assert again.body == "again"
        finally:
            await worker.close()


async def test_tries_the_next_address_first_after_losing_one() -> None:
    connection = await connect(
        [AMQP_URL, other_name(AMQP_URL)], heartbeat=None, reconnect_interval=0.05
    )
    try:
        assert isinstance(connection, FailoverConnection)
        assert connection.connected_url is not None
        first_host = connection.connected_url.host
        reconnected = asyncio.Event()
        connection.reconnect_callbacks.add(lambda *_: reconnected.set())
        transport = connection.transport
        assert transport is not None
        await transport.connection.close()
        await asyncio.wait_for(reconnected.wait(), 20)
        assert connection.connected_url.host != first_host
    finally:
        await connection.close()


async def test_gives_up_on_the_first_connection_naming_every_address() -> None:
    dead = [f"amqp://guest:secret@127.0.0.1:{closed_port()}" for _ in range(2)]
    with pytest.raises(ConnectionError) as refused:
        await connect(dead, heartbeat=None, reconnect_interval=0.05, connect_timeout=0.2)
    assert str(refused.value).count("amqp://guest@127.0.0.1:") == 2
    assert "secret" not in str(refused.value)


async def test_a_malformed_address_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="^url must be amqp://"):
        await connect("amqp://a, rabbit:5672", heartbeat=None, reconnect_interval=1.0)
