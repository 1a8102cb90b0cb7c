"""``AckBatcher``: the acks of one channel, written once per event-loop turn.

A request is acked only after its terminal reply is confirmed (docs/protocol.md §3.3 step 8);
that does not change here. What changes is how the acks are written: the requests whose confirms
arrived in the same turn (RabbitMQ confirms many publishes with one ``multiple`` confirm) are
acked together, and the longest run of finished deliveries from the oldest one still unsettled
goes as one ``basic.ack`` with ``multiple=True``. Deliveries finished out of that run are acked
one by one in the same turn, so a long request never holds back the acks of later ones. With
``encoded`` (``TASKBRIDGE_FAST_IO`` not ``0``) a turn's acks are encoded here and queued for
aiormq's writer as one item, without a task (``encoded_frames.write_acks``), whenever no earlier
write is still waiting.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any, Optional

import aiormq.abc

from .encoded_frames import write_acks

_ACK = 1
_SETTLED = 2


class AckBatcher:
    """Settles the deliveries of one aiormq ``channel``: :meth:`track` each delivery tag when the
    message arrives (in delivery order), then :meth:`ack` or :meth:`nack` it once. ``encoded``:
    the channel's acks and replies are written as frames encoded by the SDK where it can take
    them (``encoded_frames``)."""

    def __init__(
        self, channel: aiormq.abc.AbstractChannel, logger: logging.Logger, encoded: bool = False
    ) -> None:
        self.channel = channel
        self.encoded = encoded
        self._logger = logger
        # unsettled delivery tags, oldest first; `_done` says which of them are finished
        self._unsettled: deque[int] = deque()
        self._done: dict[int, int] = {}
        self._scheduled = False
        self._writes: set[asyncio.Task[Any]] = set()
        # one flush's acks are written before the next flush's: a later multiple ack must never
        # reach RabbitMQ before a single ack of a tag it covers (that tag would be unknown then)
        self._order = asyncio.Lock()

    def track(self, tag: int) -> None:
        """Note a delivery that will be settled later (call before anything else awaits)."""
        self._unsettled.append(tag)

    def ack(self, tag: int) -> None:
        """Ack ``tag`` at the end of this loop turn, with the others finished meanwhile."""
        self._done[tag] = _ACK
        if not self._scheduled:
            self._scheduled = True
            asyncio.get_running_loop().call_soon(self._flush)

    async def nack(self, tag: int, requeue: bool = True) -> None:
        """Nack ``tag`` now (RabbitMQ redelivers it when ``requeue``)."""
        try:
            await self.channel.basic_nack(tag, requeue=requeue, wait=False)
        finally:
            # only now may a multiple ack pass this tag: the nack is queued before it
            self._done[tag] = _SETTLED

    def _flush(self) -> None:
        self._scheduled = False
        unsettled, done = self._unsettled, self._done
        last: Optional[int] = None
        while unsettled and unsettled[0] in done:
            tag = unsettled.popleft()
            if done.pop(tag) == _ACK:
                last = tag
        singles = [tag for tag, state in done.items() if state == _ACK]
        for tag in singles:
            done[tag] = _SETTLED
        if last is None and not singles:
            return
        if self.encoded and not self._writes:
            # nothing of an earlier flush still waits to be queued: these go after it, now
            acks = [(tag, False) for tag in singles]
            if last is not None:
                acks.insert(0, (last, True))
            if write_acks(self.channel, acks):
                return
        task = asyncio.get_running_loop().create_task(self._write(last, singles))
        self._writes.add(task)
        task.add_done_callback(self._writes.discard)

    async def _write(self, last: Optional[int], singles: list[int]) -> None:
        try:
            async with self._order:
                if last is not None:
                    await self.channel.basic_ack(last, multiple=True, wait=False)
                for tag in singles:
                    await self.channel.basic_ack(tag, wait=False)
        except Exception as exc:  # noqa: BLE001 - the channel is gone: RabbitMQ redelivers
            self._logger.warning("ack on channel %s failed: %r", self.channel, exc)

    async def settle(self) -> None:
        """Write the acks due now and wait until they are handed to the connection (before the
        channel closes)."""
        if self._scheduled:
            self._flush()
        while self._writes:
            await asyncio.wait(list(self._writes))


__all__ = ["AckBatcher"]
