"""A worker's graceful close (docs/protocol.md §3): what it acks, what it hands back."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from amqp_client import AMQP_URL, Client
from serve import serve
from taskbridge import Context, register_handlers


async def test_a_cancelled_handler_still_running_at_shutdown_is_acked_not_handed_back() -> None:
    gate = threading.Event()

    def stubborn(payload: Any, ctx: Context[Any]) -> None:
        ctx.emit("started")
        gate.wait(20)  # ignores the cancel

    async def echo(payload: Any, ctx: Context[Any]) -> Any:
        return payload

    async with Client() as client:
        worker = await serve(client, {"stubborn": stubborn, "echo": echo}, grace_seconds=0.2)
        try:
            key = await client.request("stubborn", {})
            assert (await client.next(key)).body == "started"
            await client.cancel(key)
            await client.until_terminal(await client.request("echo", "the cancel was heard"))
            await worker.close()
        finally:
            gate.set()
        assert await client.message_count("stubborn") == 0
        assert client.pending(key) == 0


@pytest.mark.parametrize("queue_type", ["quorum", "classic"])
async def test_shutdown_hands_unfinished_work_back_and_the_next_attempt_says_so(
    queue_type: str,
) -> None:
    queue = "stuck"
    started = asyncio.Event()

    async def stuck(payload: Any, ctx: Context[Any]) -> None:
        ctx.emit({"step": 1})
        started.set()
        await asyncio.Event().wait()

    async def finish(payload: Any, ctx: Context[Any]) -> dict[str, int]:
        ctx.emit({"step": 1})
        return {"attempt": ctx.attempt}

    async with Client() as client:
        first = await serve(client, {queue: stuck}, queue_type=queue_type, grace_seconds=0.2)
        key = await client.request(queue, {})
        chunk = await client.next(key)
        assert (chunk.kind, chunk.seq, chunk.attempt) == ("chunk", 0, 1)
        await first.close()
        second = await serve(client, {queue: finish}, queue_type=queue_type)
        try:
            replies = await client.until_terminal(key)
            kinds = [(r.kind, r.seq, r.attempt) for r in replies]
            assert kinds == [("chunk", 0, 2), ("result", 1, 2)]
            assert replies[-1].body == {"attempt": 2}
        finally:
            await second.close()


async def test_async_with_closes_the_worker_on_the_way_out_even_after_an_error() -> None:
    async def echo(payload: Any, ctx: Context[Any]) -> Any:
        return payload

    async with Client() as client:
        client.declared.append(f"{client.prefix}echo")
        async with await register_handlers(
            AMQP_URL, {"echo": echo}, queue_prefix=client.prefix, announce=False
        ) as worker:
            [reply] = await client.until_terminal(await client.request("echo", "inside"))
            assert reply.body == "inside"
        assert worker.connection.is_closed  # opened from a URL: closed with the worker

        with pytest.raises(RuntimeError, match="the block failed"):
            async with await register_handlers(
                AMQP_URL, {"echo": echo}, queue_prefix=client.prefix, announce=False
            ) as failing:
                raise RuntimeError("the block failed")
        assert failing.connection.is_closed
        assert client.channel is not None
        queue = await client.channel.declare_queue(f"{client.prefix}echo", passive=True)
        assert queue.declaration_result.consumer_count == 0
