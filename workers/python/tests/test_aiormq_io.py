"""taskbridge.aiormq_io: aiormq reads frames without a task each and joins its writes per turn."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from typing import Any

import aiormq
import aiormq.connection
import pamqp.frame
import pytest
from pamqp import commands
from pamqp.exceptions import AMQPFrameError

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
        # aiormq's bound of 10 frames per queue lifted, unless a channel asks for one
        assert connection.write_queue.maxsize == 0
        assert channel.frames.maxsize == 0  # type: ignore[attr-defined]
        bounded = await connection.channel(frame_buffer_size=5)
        assert bounded.frames.maxsize == 5  # type: ignore[attr-defined]
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
        "from aiormq.connection import Connection, FrameReceiver\n"
        "print(aiormq_io.install(), aiormq.connection.asyncio is asyncio,\n"
        "      FrameReceiver.__module__, Connection.__module__, Connection.FRAME_BUFFER_SIZE)\n"
    )
    ran = subprocess.run(
        [sys.executable, "-c", script], cwd=SDK, capture_output=True, text=True, check=True,
        env={**os.environ, "TASKBRIDGE_FAST_IO": "0"},
    )
    assert ran.stdout.split() == ["False", "True", "aiormq.connection", "aiormq.connection", "10"]


def _frame_bytes(*frames: Any) -> bytes:
    return b"".join(pamqp.frame.marshal(frame, 1) for frame in frames)


def _receiver(timeout: float) -> tuple[Any, asyncio.StreamReader]:
    assert aiormq_io.install()
    reader = asyncio.StreamReader()
    receiver: Any = aiormq.connection.FrameReceiver(reader, timeout)
    receiver.started = True
    return receiver, reader


async def test_frames_are_read_whole_whether_buffered_or_still_arriving() -> None:
    receiver, reader = _receiver(30)
    acks = [commands.Basic.Ack(delivery_tag=tag) for tag in (1, 2, 3)]
    data = _frame_bytes(*acks)
    reader.feed_data(data[: len(data) - 5])  # two whole frames, the third cut short
    first = await receiver.get_frame()
    second = await receiver.get_frame()
    assert [first[2].delivery_tag, second[2].delivery_tag] == [1, 2]
    third = asyncio.ensure_future(receiver.get_frame())
    await asyncio.sleep(0)
    assert not third.done()
    reader.feed_data(data[len(data) - 5 :])
    assert (await third)[2].delivery_tag == 3


async def test_a_connection_that_sends_nothing_times_out_and_one_cut_short_fails() -> None:
    receiver, _ = _receiver(0.05)
    with pytest.raises(asyncio.TimeoutError, match="No frames were received"):
        await receiver.get_frame()
    receiver, reader = _receiver(30)
    reader.feed_data(_frame_bytes(commands.Basic.Ack(delivery_tag=1))[:-3])
    reader.feed_eof()
    with pytest.raises(AMQPFrameError):
        await receiver.get_frame()
