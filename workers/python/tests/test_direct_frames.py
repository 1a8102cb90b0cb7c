"""taskbridge.direct_frames: deliveries and publisher confirms taken straight from the frame
reader read the same fields aiormq would, and anything unexpected is left to aiormq."""

from __future__ import annotations

import asyncio
import datetime
from collections import OrderedDict
from typing import Any

import aiormq
import aiormq.channel
import pamqp.frame
from pamqp import commands
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from amqp_client import AMQP_URL
from taskbridge import aiormq_io
from taskbridge.direct_frames import Delivered, consume_directly, delivered_from, dispatch


class FakeChannel:
    """What dispatch uses of an aiormq channel."""

    publisher_confirms = True

    def __init__(self) -> None:
        self.frames: asyncio.Queue[Any] = asyncio.Queue()
        self.confirmations: OrderedDict[int, Any] = OrderedDict()
        self.started: list[Delivered] = []

    def create_task(self, coroutine: Any) -> asyncio.Task[Any]:
        return asyncio.ensure_future(coroutine)


class FakeConnection:
    def __init__(self, channel: FakeChannel) -> None:
        self.channels = {1: channel}


def deliver_frames(
    properties: commands.Basic.Properties,
    body: bytes,
    *,
    tag: int = 7,
    consumer_tag: str = "ctag",
    redelivered: bool = False,
    max_body: int = 4096,
    channel: int = 1,
) -> tuple[bytes, bytes]:
    """The method frame and the content frames of one delivery, as RabbitMQ sends them."""
    method = pamqp.frame.marshal(
        commands.Basic.Deliver(
            consumer_tag=consumer_tag,
            delivery_tag=tag,
            redelivered=redelivered,
            exchange="",
            routing_key="q",
        ),
        channel,
    )
    content = pamqp.frame.marshal(ContentHeader(0, len(body), properties), channel)
    for start in range(0, len(body), max_body):
        content += pamqp.frame.marshal(ContentBody(body[start : start + max_body]), channel)
    return method, content


def reader_with(data: bytes) -> asyncio.StreamReader:
    reader = asyncio.StreamReader()
    reader.feed_data(data)
    return reader


async def served_by(channel: FakeChannel) -> None:
    async def consumer(delivered: Delivered) -> None:
        channel.started.append(delivered)

    consume_directly(channel, "ctag", consumer)


ALL_PROPERTIES = commands.Basic.Properties(
    content_type="application/json",
    content_encoding="utf-8",
    headers={"x-deadline": 1_700_000_000_000, "x-accept": "chunks", "x-principal": "ümlaut"},
    delivery_mode=2,
    priority=3,
    correlation_id="anon:s1:r1",
    reply_to="amq.gen-reply",
    expiration="30000",
    message_id="m-1",
    timestamp=datetime.datetime(2024, 1, 2, 3, 4, 5),
    message_type="t",
    user_id="guest",
    app_id="app",
)


async def test_a_delivery_reads_the_fields_aiormq_would_read() -> None:
    cases = [
        (ALL_PROPERTIES, b'{"hello":"world"}', 4096),
        (ALL_PROPERTIES, bytes(range(256)) * 40, 1000),  # a body in eleven frames
        (commands.Basic.Properties(), b"", 4096),  # no properties, no body
        (commands.Basic.Properties(correlation_id="c", headers={"x-delivery-count": 2}), b"1", 9),
    ]
    for properties, body, max_body in cases:
        channel = FakeChannel()
        await served_by(channel)
        method, content = deliver_frames(properties, body, max_body=max_body, redelivered=True)
        reader = reader_with(content + b"next")
        assert await dispatch(FakeConnection(channel), reader, method)
        await asyncio.sleep(0)
        assert await reader.read(4) == b"next"  # exactly its content frames were taken
        (got,) = channel.started
        header = ContentHeader()  # what aiormq's reader makes of the frame
        header.unmarshal(ContentHeader(0, len(body), properties).marshal())
        expected = delivered_from(
            aiormq.abc.DeliveredMessage(
                delivery=commands.Basic.Deliver(delivery_tag=7, redelivered=True),
                header=header,
                body=body,
                channel=channel,  # type: ignore[arg-type]
            )
        )
        for field in Delivered.__slots__:
            assert getattr(got, field) == getattr(expected, field), field


async def test_what_it_cannot_take_whole_is_left_to_aiormq_untouched() -> None:
    method, content = deliver_frames(ALL_PROPERTIES, b"x" * 5000, max_body=1000)
    channel = FakeChannel()
    await served_by(channel)
    connection = FakeConnection(channel)
    # the content still arriving
    reader = reader_with(content[:-3])
    assert not await dispatch(connection, reader, method)
    assert len(await reader.read(len(content))) == len(content) - 3
    # another consumer's delivery (aiormq's own consumer)
    other, other_content = deliver_frames(ALL_PROPERTIES, b"1", consumer_tag="theirs")
    assert not await dispatch(connection, reader_with(other_content), other)
    # a frame of another channel between the delivery and its content
    heartbeat = b"\x08\x00\x00\x00\x00\x00\x00\xce"
    assert not await dispatch(connection, reader_with(heartbeat + content), method)
    # frames aiormq has not handled yet on that channel: nothing may overtake them
    channel.frames.put_nowait(("weight", "frame"))
    assert not await dispatch(connection, reader_with(content), method)
    assert not channel.started


async def test_confirms_settle_the_publishes_they_cover_as_aiormq_would() -> None:
    channel = FakeChannel()
    loop = asyncio.get_running_loop()
    futures = {tag: loop.create_future() for tag in (1, 2, 3, 4, 5)}
    channel.confirmations.update(futures)
    returned = aiormq.channel.Returning()
    channel.confirmations[6] = returned  # RabbitMQ returned it: aiormq settled it already
    channel.confirmations[7] = loop.create_future()
    connection = FakeConnection(channel)

    def ack(tag: int, multiple: bool) -> bytes:
        return pamqp.frame.marshal(commands.Basic.Ack(delivery_tag=tag, multiple=multiple), 1)

    assert await dispatch(connection, reader_with(b""), ack(2, False))
    assert futures[2].done() and not futures[1].done()
    assert await dispatch(connection, reader_with(b""), ack(6, True))
    for tag in (1, 3, 4, 5):
        result = futures[tag].result()
        assert isinstance(result, commands.Basic.Ack) and result.delivery_tag == 6
    assert not returned.done() and list(channel.confirmations) == [7]
    # a confirm aiormq knows nothing of: aiormq logs it
    assert not await dispatch(connection, reader_with(b""), ack(99, False))
    # a nack is aiormq's: its DeliveryError
    nack = pamqp.frame.marshal(commands.Basic.Nack(delivery_tag=7), 1)
    assert not await dispatch(connection, reader_with(b""), nack)


async def test_a_live_consumer_gets_every_delivery_once_in_order_most_of_them_directly() -> None:
    assert aiormq_io.install()
    connection = await aiormq.connect(AMQP_URL)
    try:
        channel: Any = await connection.channel()
        queue = (await channel.queue_declare("", exclusive=True)).queue or ""
        got: asyncio.Queue[tuple[str, Delivered]] = asyncio.Queue()

        async def through_aiormq(message: Any) -> None:
            got.put_nowait(("aiormq", delivered_from(message)))

        async def directly(delivered: Delivered) -> None:
            got.put_nowait(("direct", delivered))

        ok = await channel.basic_consume(queue, through_aiormq)
        consume_directly(channel, ok.consumer_tag, directly)
        properties = aiormq.spec.Basic.Properties(
            correlation_id="c", reply_to="r", headers={"x-n": 1}
        )
        for i in range(50):
            await channel.basic_publish(str(i).encode(), routing_key=queue, properties=properties)
        received = [await asyncio.wait_for(got.get(), 10) for _ in range(50)]
        assert [d.body for _, d in received] == [str(i).encode() for i in range(50)]
        tags = [d.delivery_tag for _, d in received]
        assert tags == sorted(tags)
        assert all(d.headers == {"x-n": 1} and d.reply_to == "r" for _, d in received)
        assert any(path == "direct" for path, _ in received)
        await channel.basic_ack(tags[-1], multiple=True)
    finally:
        await connection.close()
