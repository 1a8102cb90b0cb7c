"""The reference worker as a process (`npm run worker:python`): ready line, SIGTERM, SIGKILL."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import sys
from typing import Any, Optional

from aio_pika.abc import AbstractIncomingMessage

from amqp_client import AMQP_URL, Client
from taskbridge import register_handlers
from taskbridge.reference import REFERENCE_HANDLERS, REFERENCE_SERVICES

SDK = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LAUNCHER = os.path.join(SDK, "run_reference.py")


async def start_worker(
    client: Client, extra_env: Optional[dict[str, str]] = None, stdin: Optional[int] = None
) -> asyncio.subprocess.Process:
    """Start the reference worker on the client's queues; returns once it printed its ready line."""
    client.declared.extend(f"{client.prefix}{name}" for name in REFERENCE_HANDLERS)
    env = {
        **os.environ,
        "AMQP_URL": AMQP_URL,
        "TASKBRIDGE_QUEUE_PREFIX": client.prefix,
        **(extra_env or {}),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, LAUNCHER, env=env, stdin=stdin, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL, start_new_session=True,
    )
    assert process.stdout is not None
    line = await asyncio.wait_for(process.stdout.readline(), 20)
    # It names the queues it consumes, prefix included.
    queues = ", ".join(f"{client.prefix}{name}" for name in REFERENCE_HANDLERS)
    assert line.decode().startswith(f"python worker ready: {queues} (")
    return process


async def test_the_reference_worker_serves_then_exits_0_on_sigterm() -> None:
    async with Client() as client:
        process = await start_worker(client)
        try:
            key = await client.request("demo.echo", {"hi": 1})
            [reply] = await client.until_terminal(key)
            assert reply.body == {"hi": 1}
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 20) == 0


async def test_with_exit_with_parent_it_stops_and_exits_0_when_its_stdin_closes() -> None:
    # What the demo launcher does: it holds the pipe's writing end, which the kernel closes
    # when the launcher dies, even by SIGKILL.
    async with Client() as client:
        process = await start_worker(
            client, {"TASKBRIDGE_EXIT_WITH_PARENT": "1"}, stdin=asyncio.subprocess.PIPE
        )
        try:
            key = await client.request("demo.echo", {"hi": 2})
            [reply] = await client.until_terminal(key)
            assert reply.body == {"hi": 2}
            assert process.stdin is not None
            process.stdin.close()
            assert await asyncio.wait_for(process.wait(), 20) == 0
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()


async def test_the_reference_worker_announces_the_ts_contracts_description_and_schemas() -> None:
    worker_id = f"py-ref-{secrets.token_hex(4)}"
    async with Client() as client:
        assert client.channel is not None
        registry = await client.channel.get_exchange("taskbridge.registry")
        heard = await client.channel.declare_queue("", exclusive=True)
        await heard.bind(registry, routing_key="announce.demo.*")
        announcements: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def on_announce(message: AbstractIncomingMessage) -> None:
            body = json.loads(message.body)
            if body.get("worker", {}).get("id") == worker_id:
                announcements.put_nowait(body)

        await heard.consume(on_announce, no_ack=True)
        process = await start_worker(client, {"TASKBRIDGE_WORKER_ID": worker_id})
        try:
            bodies = [await asyncio.wait_for(announcements.get(), 10) for _ in REFERENCE_HANDLERS]
            by_type = {body["type"]: body for body in bodies}
            assert set(by_type) == set(REFERENCE_HANDLERS)
            count = by_type["demo.count"]
            assert count["queue"] == f"{client.prefix}demo.count"
            assert count["description"] == REFERENCE_SERVICES["demo.count"]["description"]
            assert count["payloadSchema"]["required"] == ["n"]
            for type_name, body in by_type.items():
                announced = {k: v for k, v in body.items() if k not in ("type", "queue", "worker")}
                assert announced == REFERENCE_SERVICES[type_name]
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 20) == 0


async def test_a_refused_queue_declaration_exits_1_and_says_why() -> None:
    async with Client() as client:
        assert client.channel is not None
        client.declared.extend(f"{client.prefix}{name}" for name in REFERENCE_HANDLERS)
        await client.channel.declare_queue(f"{client.prefix}demo.echo", durable=True)  # classic
        env = {**os.environ, "AMQP_URL": AMQP_URL, "TASKBRIDGE_QUEUE_PREFIX": client.prefix}
        process = await asyncio.create_subprocess_exec(
            sys.executable, LAUNCHER, env=env, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), 20)
        assert process.returncode == 1
        refusal = f'cannot declare queue "{client.prefix}demo.echo" as a quorum queue'
        assert refusal in output.decode()


async def test_sigkill_mid_stream_redelivers_to_the_other_worker_as_attempt_2_from_seq_0() -> None:
    async with Client() as client:
        doomed = await start_worker(client)
        survivor = None
        try:
            key = await client.request("demo.count", {"n": 30, "delayMs": 40})
            first = await client.next(key)
            assert (first.kind, first.seq, first.attempt) == ("chunk", 0, 1)
            survivor = await register_handlers(
                AMQP_URL, REFERENCE_HANDLERS, queue_prefix=client.prefix, announce=False
            )
            doomed.send_signal(signal.SIGKILL)
            await doomed.wait()
            replies: list = [first]
            while replies[-1].kind != "result":
                replies.append(await client.next(key))
            second = [r for r in replies if r.attempt == 2]
            assert all(r.attempt == 1 for r in replies[: len(replies) - len(second)])
            expected = [(i, "chunk") for i in range(30)] + [(30, "result")]
            assert [(r.seq, r.kind) for r in second] == expected
            assert [r.body for r in second[:-1]] == [{"i": i} for i in range(30)]
            assert second[-1].body == {"count": 30}
        finally:
            if doomed.returncode is None:
                doomed.kill()
                await doomed.wait()
            if survivor is not None:
                await survivor.close()
