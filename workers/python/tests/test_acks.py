"""AckBatcher against a model of RabbitMQ's unacked deliveries: every request settled exactly as
asked, never an ack of a tag RabbitMQ no longer holds (which would close the channel)."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from taskbridge.acks import AckBatcher


class ModelChannel:
    """Records what reaches "RabbitMQ" and applies it as RabbitMQ would; ``slow`` makes every
    write wait a turn or two, as a full write queue would."""

    def __init__(self, slow: bool = False) -> None:
        self.unacked: set[int] = set()
        self.acked: set[int] = set()
        self.nacked: set[int] = set()
        self.frames: list[tuple[str, int, bool]] = []
        self.errors: list[str] = []
        self.slow = slow

    async def _wait(self) -> None:
        if self.slow:
            for _ in range(random.randint(0, 2)):
                await asyncio.sleep(0)

    async def basic_ack(self, tag: int, multiple: bool = False, wait: bool = True) -> None:
        await self._wait()
        self.frames.append(("ack", tag, multiple))
        covered = {t for t in self.unacked if t <= tag} if multiple else {tag}
        if tag not in self.unacked:
            self.errors.append(f"ack of unknown tag {tag}")
        self.unacked -= covered
        self.acked |= covered

    async def basic_nack(
        self, tag: int, multiple: bool = False, requeue: bool = True, wait: bool = True
    ) -> None:
        await self._wait()
        self.frames.append(("nack", tag, multiple))
        if tag not in self.unacked:
            self.errors.append(f"nack of unknown tag {tag}")
        self.unacked.discard(tag)
        self.nacked.add(tag)


def batcher(channel: ModelChannel) -> AckBatcher:
    fake: Any = channel
    return AckBatcher(fake, logging.getLogger("test"))


def deliver(channel: ModelChannel, acks: AckBatcher, tags: range) -> None:
    for tag in tags:
        channel.unacked.add(tag)
        acks.track(tag)


async def test_acks_of_one_turn_go_as_one_multiple_ack() -> None:
    channel = ModelChannel()
    acks = batcher(channel)
    deliver(channel, acks, range(1, 6))
    for tag in (3, 1, 2, 4, 5):
        acks.ack(tag)
    await acks.settle()
    assert channel.frames == [("ack", 5, True)]
    assert channel.acked == {1, 2, 3, 4, 5} and not channel.errors


async def test_a_request_still_running_does_not_hold_back_later_acks() -> None:
    channel = ModelChannel()
    acks = batcher(channel)
    deliver(channel, acks, range(1, 5))
    acks.ack(1)
    acks.ack(3)
    acks.ack(4)
    await acks.settle()
    assert channel.frames == [("ack", 1, True), ("ack", 3, False), ("ack", 4, False)]
    assert channel.unacked == {2}  # still running: not acked by anything
    acks.ack(2)
    await acks.settle()
    assert channel.unacked == set() and channel.acked == {1, 2, 3, 4}
    assert not channel.errors


async def test_a_nacked_request_is_never_covered_by_a_multiple_ack() -> None:
    channel = ModelChannel()
    acks = batcher(channel)
    deliver(channel, acks, range(1, 4))
    acks.ack(1)
    await acks.nack(2)
    acks.ack(3)
    await acks.settle()
    assert channel.nacked == {2} and channel.acked == {1, 3} and not channel.errors


async def test_random_orders_with_slow_writes_settle_everything_as_asked() -> None:
    rng = random.Random(15)
    for _ in range(30):
        channel = ModelChannel(slow=True)
        acks = batcher(channel)
        deliver(channel, acks, range(1, 41))
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
        for _ in range(5):  # writes started by the last turn
            await asyncio.sleep(0)
        assert not channel.errors, channel.frames
        assert channel.nacked == requeued
        assert channel.acked == set(range(1, 41)) - requeued
        assert channel.unacked == set()
