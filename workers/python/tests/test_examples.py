"""The examples of docs/python.md run, as written, and the guide quotes them exactly."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys

from amqp_client import AMQP_URL, Client

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")
GUIDE = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), "docs", "python.md")
sys.path.insert(0, EXAMPLES)

from testing_handlers import (  # noqa: E402  (the example's own tests run here)
    test_build_report_refuses_an_empty_title,
    test_build_report_reports_progress_then_the_report,
    test_build_report_stops_when_cancelled,
    test_resize_on_a_second_attempt,
    test_tail_log_streams_one_chunk_per_line,
)

__all__ = [
    "test_build_report_refuses_an_empty_title",
    "test_build_report_reports_progress_then_the_report",
    "test_build_report_stops_when_cancelled",
    "test_resize_on_a_second_attempt",
    "test_tail_log_streams_one_chunk_per_line",
]


def test_the_guide_quotes_every_example_verbatim() -> None:
    with open(GUIDE, encoding="utf-8") as guide:
        text = guide.read()
    quoted = re.findall(r"```python\n# examples/(\S+)\n(.*?)```", text, flags=re.S)
    assert sorted(name for name, _ in quoted) == sorted(
        name for name in os.listdir(EXAMPLES) if name.endswith(".py")
    )
    for name, body in quoted:
        with open(os.path.join(EXAMPLES, name), encoding="utf-8") as example:
            assert body == example.read(), f"docs/python.md quotes an old examples/{name}"


async def test_the_ten_line_worker_serves_its_types_from_rabbitmq() -> None:
    async with Client() as client:
        client.declared.extend(f"{client.prefix}{t}" for t in ("hello.echo", "hello.count"))
        env = {**os.environ, "AMQP_URL": AMQP_URL, "TASKBRIDGE_QUEUE_PREFIX": client.prefix,
               "PYTHONPATH": os.path.dirname(HERE)}
        process = await asyncio.create_subprocess_exec(
            sys.executable, os.path.join(EXAMPLES, "hello_worker.py"), env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL,
        )
        try:
            assert process.stdout is not None
            line = await asyncio.wait_for(process.stdout.readline(), 20)
            queues = f"{client.prefix}hello.echo, {client.prefix}hello.count"
            assert line.decode().startswith(f"python worker ready: {queues} (")
            replies = await client.until_terminal(await client.request("hello.count", {"n": 2}))
            assert [(r.kind, r.body) for r in replies] == [
                ("chunk", {"i": 0}), ("chunk", {"i": 1}), ("result", {"count": 2})
            ]
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 20) == 0
