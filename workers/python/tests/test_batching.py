"""Batched chunks (docs/protocol.md §14.2) against the real RabbitMQ: only for a request that says
``x-accept: "chunks"``; the same chunks, seqs and terminal reply as version 1 once expanded."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator
from typing import Any

from amqp_client import Client, expand
from serve import serve
from taskbridge import Context
from taskbridge.reference import REFERENCE_HANDLERS


async def test_a_stream_in_one_turn_goes_in_full_batches_with_consecutive_seqs() -> None:
    async with Client() as client:
        worker = await serve(client, REFERENCE_HANDLERS)
        try:
            key = await client.request("demo.count", {"n": 600}, accept="chunks")
            replies = await client.until_terminal(key)
            # demo.count emits all 600 in one loop: two full batches of 256, then the rest
            assert [(r.kind, r.seq, r.count) for r in replies] == [
                ("chunks", 0, 256),
                ("chunks", 256, 256),
                ("chunks", 512, 88),
                ("result", 600, 1),
            ]
            flat = expand(replies)
            assert [r.seq for r in flat] == list(range(601))
            assert [r.body for r in flat[:-1]] == [{"i": i} for i in range(600)]
            assert flat[-1].body == {"count": 600}
        finally:
            await worker.close()


async def test_without_x_accept_every_chunk_is_its_own_reply() -> None:
    async with Client() as client:
        worker = await serve(client, REFERENCE_HANDLERS)
        try:
            key = await client.request("demo.count", {"n": 5})
            replies = await client.until_terminal(key)
            assert [(r.kind, r.seq) for r in replies] == [("chunk", i) for i in range(5)] + [
                ("result", 5)
            ]
            key = await client.request("demo.count", {"n": 5}, accept="something-else")
            assert {r.kind for r in await client.until_terminal(key)} == {"chunk", "result"}
        finally:
            await worker.close()


async def test_progress_and_the_result_go_after_the_chunks_held_before_them() -> None:
    async def mixed(payload: Any, ctx: Context[Any]) -> str:
        ctx.emit("a")
        ctx.emit("b")
        ctx.progress(1, 2)
        ctx.emit("c")
        return "done"

    async with Client() as client:
        worker = await serve(client, {"mixed": mixed})
        try:
            key = await client.request("mixed", None, accept="chunks")
            replies = await client.until_terminal(key)
            assert [(r.kind, r.seq, r.body) for r in replies] == [
                ("chunks", 0, ["a", "b"]),
                ("progress", 2, {"done": 1, "total": 2}),
                ("chunk", 3, "c"),
                ("result", 4, "done"),
            ]
        finally:
            await worker.close()


async def test_a_chunk_waits_no_longer_than_the_window_for_company() -> None:
    release = asyncio.Event()

    async def slow(payload: Any, ctx: Context[Any]) -> AsyncIterator[int]:
        yield 1
        await release.wait()  # the first chunk must arrive on its own, without this
        yield 2

    async with Client() as client:
        worker = await serve(client, {"slow": slow})
        try:
            key = await client.request("slow", None, accept="chunks")
            first = await client.next(key)
            assert (first.kind, first.seq, first.body) == ("chunk", 0, 1)
            release.set()
            rest = await client.until_terminal(key)
            assert [(r.kind, r.seq, r.body) for r in rest] == [
                ("chunk", 1, 2),
                ("result", 2, None),
            ]
        finally:
            await worker.close()


async def test_options_bound_the_batch_and_a_thread_handler_is_batched_too() -> None:
    def lines(payload: Any, ctx: Context[Any]) -> int:
        assert threading.current_thread() is not threading.main_thread()
        for i in range(10):
            ctx.emit(i)
        return 10

    async with Client() as client:
        worker = await serve(client, {"lines": lines}, max_chunks_per_reply=4)
        try:
            key = await client.request("lines", None, accept="chunks")
            replies = await client.until_terminal(key)
            assert all(r.count <= 4 for r in replies)
            flat = expand(replies)
            assert [(r.kind, r.seq, r.body) for r in flat] == [
                *(("chunk", i, i) for i in range(10)),
                ("result", 10, 10),
            ]
        finally:
            await worker.close()


async def test_a_cancelled_batched_stream_ends_with_cancelled_after_its_chunks() -> None:
    stopped = asyncio.Event()

    async def hold(payload: Any, ctx: Context[Any]) -> None:
        ctx.emit("kept")
        ctx.progress(0)  # sends the held chunk; the client waits for it before cancelling
        ctx.emit("held")
        try:
            await asyncio.Event().wait()
        finally:
            stopped.set()

    async with Client() as client:
        worker = await serve(client, {"hold": hold}, chunk_window_ms=5)
        try:
            key = await client.request("hold", None, accept="chunks")
            assert (await client.next(key)).body == "kept"
            assert (await client.next(key)).kind == "progress"
            await client.cancel(key)
            await asyncio.wait_for(stopped.wait(), 10)
            rest = await client.until_terminal(key)
            assert [(r.kind, r.seq) for r in rest] == [("chunk", 2), ("error", 3)]
            assert rest[-1].body["code"] == "CANCELLED"
        finally:
            await worker.close()
