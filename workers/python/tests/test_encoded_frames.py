"""taskbridge.encoded_frames: replies and acks encoded by the SDK, byte for byte what pamqp would
encode (but aiormq's message id), published and confirmed through aiormq's own bookkeeping."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

import aiormq
import pamqp.frame
import pytest
from aiormq.abc import ChannelFrame
from pamqp import commands
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from amqp_client import AMQP_URL
from taskbridge import aiormq_io, encoded_frames
from taskbridge.acks import AckBatcher
from taskbridge.delivery import Delivery
from taskbridge.direct_frames import Delivered
from taskbridge.encoded_frames import ReplyFrames, publish_encoded, write_acks

KINDS = ("chunk", "chunks", "progress", "result", "error")


def pamqp_reply(
    channel: int,
    max_body: int,
    reply_to: str,
    correlation_id: str,
    attempt: int,
    kind: str,
    seq: int,
    body: bytes,
    count: int,
) -> bytes:
    """The frames aiormq 6 builds for the same reply with pamqp (without its message id)."""
    headers: dict[str, Any] = {"x-kind": kind, "x-seq": seq, "x-attempt": attempt}
    if kind == "chunks":
        headers["x-count"] = count
    properties = commands.Basic.Properties(
        content_type="application/json", correlation_id=correlation_id, headers=headers
    )
    frames: list[Any] = [
        commands.Basic.Publish(exchange="", routing_key=reply_to, mandatory=False),
        ContentHeader(0, len(body), properties),
    ]
    if body and len(body) < max_body:
        frames.append(ContentBody(body))
    elif body:
        frames.extend(ContentBody(body[k : k + max_body]) for k in range(0, len(body), max_body))
    return b"".join(pamqp.frame.marshal(frame, channel) for frame in frames)


def test_a_reply_is_encoded_as_pamqp_encodes_it_whatever_its_shape() -> None:
    rng = random.Random(15)
    numbers = [0, 1, 127, 128, 255, 256, 32767, 32768, 65535, 65536, 2**31 - 1, 2**31, 2**32, 2**40]
    for _ in range(1000):
        args = (
            rng.choice([1, 2, 300, 65535]),
            rng.choice([4096, 131064]),
            rng.choice(["amq.gen-JzTY20BRgKO", "taskbridge.replies.gw-1", "é" * 100, "r" * 255]),
            rng.choice(["anon:s1:r1", "ü:s:" + "x" * 200, "", "c" * 255]),
            rng.choice(numbers[1:]),
            rng.choice(KINDS),
            rng.choice(numbers),
            rng.choice([b"", b"null", '{"text":"grüße"}'.encode(), bytes(5000), bytes(131063),
                        bytes(131064), bytes(300_000)]),
            rng.choice([1, 2, 256, 100_000]),
        )
        channel, max_body, reply_to, correlation_id, attempt, kind, seq, body, count = args
        encoded = ReplyFrames(channel, max_body, reply_to, correlation_id, attempt).encode(
            kind, seq, body, count
        )
        assert encoded == pamqp_reply(*args), args
    # small frames: a body in many
    frames = ReplyFrames(1, 7, "r", "c", 1)
    assert frames.encode("result", 3, b"x" * 50) == pamqp_reply(
        1, 7, "r", "c", 1, "result", 3, b"x" * 50, 1
    )


def test_names_longer_than_a_short_string_are_refused() -> None:
    with pytest.raises(ValueError):
        ReplyFrames(1, 4096, "é" * 128, "c", 1)
    with pytest.raises(ValueError):
        ReplyFrames(1, 4096, "q", "c" * 256, 1)


def test_the_switch_is_fast_io() -> None:
    assert encoded_frames.FAST_IO_ENV == aiormq_io.FAST_IO_ENV


async def test_replies_and_acks_reach_rabbitmq_confirmed_in_order() -> None:
    aiormq_io.install()
    connection = await aiormq.connect(AMQP_URL)
    try:
        channel: Any = await connection.channel()
        replies = (await channel.queue_declare("", exclusive=True)).queue or ""
        frames = ReplyFrames(channel.number, channel.max_content_size, replies, "anon:s:r9", 2)
        confirms = []
        for seq, kind in enumerate(("chunk", "chunks", "progress", "result")):
            count = 3 if kind == "chunks" else 1
            confirmation = publish_encoded(channel, frames.encode(kind, seq, b'{"n":1}', count))
            assert confirmation is not None
            confirms.append(confirmation)
        # aiormq's own publish after ours: the delivery tags stay in step
        mixed = await channel.basic_publish(b"aiormq", routing_key=replies)
        assert isinstance(mixed, commands.Basic.Ack)
        for confirmation in confirms:
            assert isinstance(await asyncio.wait_for(confirmation, 10), commands.Basic.Ack)
        got = []
        for _ in range(5):
            message = await channel.basic_get(replies, no_ack=True)
            got.append(message)
        first = got[0].header.properties
        assert first.content_type == "application/json"
        assert first.correlation_id == "anon:s:r9"
        assert first.message_id is None  # aiormq would add one
        assert [m.header.properties.headers for m in got[:4]] == [
            {"x-kind": "chunk", "x-seq": 0, "x-attempt": 2},
            {"x-kind": "chunks", "x-seq": 1, "x-attempt": 2, "x-count": 3},
            {"x-kind": "progress", "x-seq": 2, "x-attempt": 2},
            {"x-kind": "result", "x-seq": 3, "x-attempt": 2},
        ]
        assert [m.body for m in got] == [b'{"n":1}'] * 4 + [b"aiormq"]

        # acks: three deliveries taken unacked, settled by one multiple ack and one single
        for i in range(4):
            await channel.basic_publish(str(i).encode(), routing_key=replies)
        taken = [await channel.basic_get(replies) for _ in range(4)]
        tags = [m.delivery.delivery_tag for m in taken]
        assert write_acks(channel, [(tags[1], True), (tags[3], False)])
        await channel.basic_recover(requeue=True)  # whatever is still unacked comes back
        left = await channel.queue_declare(replies, passive=True)
        assert left.message_count == 1  # tags[2], neither acked nor covered
    finally:
        await connection.close()


async def test_a_busy_channel_is_left_to_aiormq() -> None:
    aiormq_io.install()
    connection = await aiormq.connect(AMQP_URL)
    try:
        channel: Any = await connection.channel()
        frames = ReplyFrames(channel.number, channel.max_content_size, "nowhere", "c", 1)
        async with channel.lock:  # another publish is between its tag and its write
            assert publish_encoded(channel, frames.encode("result", 0, b"1")) is None
        no_confirms: Any = await connection.channel(publisher_confirms=False)
        assert publish_encoded(no_confirms, frames.encode("result", 0, b"1")) is None
        await channel.close()
        assert publish_encoded(channel, frames.encode("result", 0, b"1")) is None
        assert not write_acks(channel, [(1, False)])
    finally:
        await connection.close()


class QueuedModelChannel:
    """An aiormq channel as AckBatcher sees it with encoded acks: encoded acks and aiormq's own
    ``basic_ack``/``basic_nack`` go through one bounded write queue, which a writer drains at
    random moments and applies to a model of RabbitMQ's unacked deliveries."""

    number = 1
    is_closed = False

    def __init__(self, rng: random.Random) -> None:
        self.write_queue: asyncio.Queue[Any] = asyncio.Queue(maxsize=2)
        self.unacked: set[int] = set()
        self.acked: set[int] = set()
        self.nacked: set[int] = set()
        self.errors: list[str] = []
        self.rng = rng

    async def basic_ack(self, tag: int, multiple: bool = False, wait: bool = True) -> None:
        await self.write_queue.put(("ack", tag, multiple))

    async def basic_nack(
        self, tag: int, multiple: bool = False, requeue: bool = True, wait: bool = True
    ) -> None:
        await self.write_queue.put(("nack", tag, multiple))

    def _apply(self, kind: str, tag: int, multiple: bool) -> None:
        if tag not in self.unacked:
            self.errors.append(f"{kind} of unknown tag {tag}")
        covered = {t for t in self.unacked if t <= tag} if multiple else {tag}
        self.unacked -= covered
        (self.acked if kind == "ack" else self.nacked).update(covered)

    async def writer(self) -> None:
        while True:
            for _ in range(self.rng.randint(0, 3)):
                await asyncio.sleep(0)
            item = await self.write_queue.get()
            if not isinstance(item, ChannelFrame):  # aiormq's basic_ack or basic_nack
                self._apply(*item)
                continue
            data = b"".join(frame.marshal() for frame in item.frames)
            while data:
                size, _, method = pamqp.frame.unmarshal(data)
                data = data[size:]
                assert isinstance(method, commands.Basic.Ack)
                self._apply("ack", method.delivery_tag, method.multiple)


async def test_encoded_acks_keep_their_order_with_aiormqs_own_writes() -> None:
    rng = random.Random(16)
    for _ in range(30):
        channel = QueuedModelChannel(rng)
        writer = asyncio.ensure_future(channel.writer())
        fake: Any = channel
        acks = AckBatcher(fake, logging.getLogger("test"), encoded=True)
        for tag in range(1, 41):
            channel.unacked.add(tag)
            acks.track(tag)
        order = list(range(1, 41))
        rng.shuffle(order)
        requeued = set(order[:5])
        for tag in order:
            if tag in requeued:
                await acks.nack(tag)
            else:
                acks.ack(tag)
            if rng.random() < 0.3:
                await asyncio.sleep(0)
        await acks.settle()
        for _ in range(1000):  # the writer's last turns
            if channel.write_queue.empty() and not channel.unacked:
                break
            await asyncio.sleep(0)
        writer.cancel()
        assert not channel.errors
        assert channel.nacked == requeued
        assert channel.acked == set(range(1, 41)) - requeued


async def test_replies_keep_their_order_when_one_has_to_wait_for_aiormqs_lock() -> None:
    aiormq_io.install()
    connection = await aiormq.connect(AMQP_URL)
    try:
        channel: Any = await connection.channel()
        replies = (await channel.queue_declare("", exclusive=True)).queue or ""
        acks = AckBatcher(channel, logging.getLogger("test"), encoded=True)
        request = Delivered(channel, 1, False, {}, "anon:s:r1", replies, b"null")
        delivery = Delivery(logging.getLogger("test"), request, acks)
        assert delivery.reply_frames is not None
        await channel.lock.acquire()  # another publish holds the lock
        delivery.send("chunk", b"0")
        await asyncio.sleep(0)  # it found the lock held: it waits for it in aiormq
        delivery.send("chunk", b"1")  # started before the lock's waiter gets its turn
        channel.lock.release()
        assert await delivery.flush()
        assert await delivery.end("result", b"2")
        seqs = []
        for _ in range(3):
            message = await channel.basic_get(replies, no_ack=True)
            seqs.append((message.header.properties.headers or {})["x-seq"])
        assert seqs == [0, 1, 2]
    finally:
        await connection.close()
