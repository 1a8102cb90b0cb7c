"""A request that kills every worker is dead-lettered after 4 attempts (quorum delivery limit 3)."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

from aio_pika.abc import AbstractIncomingMessage

from amqp_client import AMQP_URL, Client

CRASHING = os.path.join(os.path.dirname(os.path.abspath(__file__)), "crashing_worker.py")


async def test_a_poison_request_is_dead_lettered_with_reason_delivery_limit() -> None:
    async with Client() as client:
        assert client.channel is not None
        client.declared.append(f"{client.prefix}test.crash")
        dead_exchange = await client.channel.get_exchange("taskbridge.dead")
        sink = await client.channel.declare_queue("", exclusive=True)
        await sink.bind(dead_exchange, routing_key="")
        keys: list[str] = []
        dead: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        async def on_dead(message: AbstractIncomingMessage) -> None:
            if message.correlation_id in keys and not dead.done():
                dead.set_result(message)

        await sink.consume(on_dead, no_ack=True)
        env = {**os.environ, "AMQP_URL": AMQP_URL, "TASKBRIDGE_QUEUE_PREFIX": client.prefix}
        outputs: list[bytes] = []

        async def spawn() -> asyncio.subprocess.Process:
            return await asyncio.create_subprocess_exec(
                sys.executable, CRASHING, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.DEVNULL,
            )

        process = await spawn()
        assert process.stdout is not None
        ready = await asyncio.wait_for(process.stdout.readline(), 20)
        assert ready.startswith(b"python worker ready")
        keys.append(await client.request("test.crash", None))
        for _ in range(6):
            exited = asyncio.create_task(process.communicate())
            done, _pending = await asyncio.wait(
                [exited, dead], timeout=30, return_when=asyncio.FIRST_COMPLETED
            )
            if dead in done:
                # the last crash and its dead letter race: keep that process's output too
                if process.returncode is None:
                    process.kill()
                outputs.append((await exited)[0])
                break
            assert exited in done, "neither a crash nor a dead letter within 30 s"
            outputs.append(exited.result()[0])
            process = await spawn()
        letter = await asyncio.wait_for(dead, 30)
        attempts = [
            line for out in outputs for line in out.decode().splitlines() if "crashing" in line
        ]
        assert attempts == [f"crashing on attempt {n}" for n in (1, 2, 3, 4)]
        headers = letter.headers or {}
        assert headers.get("x-first-death-reason") == "delivery_limit"
        assert client.pending(keys[0]) == 0
