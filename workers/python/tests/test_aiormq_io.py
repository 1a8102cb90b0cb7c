"""taskbridge.aiormq_io: aiormq reads frames without a task each and joins its writes per turn."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import aiormq
import aiormq.connection

from amqp_client import AMQP_URL
from taskbridge import aiormq_io

SDK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class FakeTransport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closing

    def close(self) -> None:
        self.closing = True


class FakeProtocol:
    async def _drain_helper(self) -> None:
        return None


def joining_writer() -> tuple[asyncio.StreamWriter, FakeTransport]:
    transport = FakeTransport()
    loop = asyncio.get_running_loop()
    fake: Any = transport
    writer = asyncio.StreamWriter(fake, FakeProtocol(), None, loop)  # type: ignore[arg-type]
    aiormq_io._coalesce_writes(writer)
    return writer, transport


async def test_writes_of_one_turn_go_to_the_socket_as_one_write_in_order() -> None:
    writer, transport = joining_writer()
    writer.write(b"a")
    writer.write(b"bc")
    writer.write(b"d")
    assert transport.writes == []
    await asyncio.sleep(0)  # the next turn: nothing else to wait for
    assert transport.writes == [b"abcd"]
    writer.write(b"e")
    await asyncio.sleep(0)
    assert transport.writes == [b"abcd", b"e"]


async def test_drain_and_close_write_what_is_held_first() -> None:
    writer, transport = joining_writer()
    writer.write(b"x")
    await writer.drain()
    assert transport.writes == [b"x"]
    writer.write(b"y")
    writer.close()
    assert transport.writes == [b"x", b"y"] and transport.closing


async def test_a_connection_opened_after_install_reads_and_writes_through_it() -> None:
    assert aiormq_io.install()
    assert aiormq_io.install()  # idempotent
    assert getattr(aiormq.connection.FrameReceiver, "_taskbridge_fast_io", False)
    connection = await aiormq.connect(AMQP_URL)
    try:
        channel = await connection.channel()
        declared = await channel.queue_declare("", exclusive=True)
        queue = declared.queue or ""
        got: asyncio.Queue[bytes] = asyncio.Queue()

        async def on_message(message: Any) -> None:
            got.put_nowait(message.body)

        await channel.basic_consume(queue, on_message, no_ack=True)
        for i in range(50):
            await channel.basic_publish(str(i).encode(), routing_key=queue, wait=False)
        received = [await asyncio.wait_for(got.get(), 10) for _ in range(50)]
        assert received == [str(i).encode() for i in range(50)]
    finally:
        await connection.close()


def test_fast_io_off_keeps_aiormq_as_it_is() -> None:
    script = (
        "import aiormq.connection, asyncio\n"
        "from taskbridge import aiormq_io\n"
        "print(aiormq_io.install(), aiormq.connection.asyncio is asyncio,\n"
        "      aiormq.connection.FrameReceiver.__module__)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=SDK, capture_output=True, text=True, check=True,
        env={**os.environ, "TASKBRIDGE_FAST_IO": "0"},
    )
    assert ran.stdout.split() == ["False", "True", "aiormq.connection"]
