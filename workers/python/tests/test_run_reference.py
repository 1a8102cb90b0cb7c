"""`npm run worker:python` (run_reference.py) picks a Python with aio-pika and says which."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile

import run_reference
from amqp_client import AMQP_URL, Client
from taskbridge.reference import REFERENCE_HANDLERS

LAUNCHER = os.path.abspath(run_reference.__file__)


def test_pick_interpreter_takes_the_first_existing_one_with_aio_pika() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        first, second = os.path.join(tmp, "first"), os.path.join(tmp, "second")
        for path in (first, second):
            open(path, "w").close()
        missing = os.path.join(tmp, "missing")
        asked: list[str] = []

        def works(python: str) -> bool:
            asked.append(python)
            return python == second

        candidates = [missing, first, second]
        assert run_reference.pick_interpreter("/bin/current", candidates, works) == second
        assert asked == [first, second]
        # the running interpreter is not asked again; nothing left that works: None
        assert run_reference.pick_interpreter(second, [first, second], works) is None


def test_without_any_it_names_what_it_tried_and_the_venv_recipe() -> None:
    message = run_reference.missing_message(["/opt/py/bin/python3", "/usr/bin/python3"])
    assert "no Python with aio-pika (tried /opt/py/bin/python3, /usr/bin/python3)" in message
    assert (
        "/usr/bin/python3 -m venv --system-site-packages .venv && "
        ".venv/bin/pip install --no-build-isolation ./workers/python"
    ) in message


async def _first_lines(python: str, prefix: str) -> tuple[list[str], str]:
    """Start the launcher under ``python``; its stderr lines up to the ready line, and that line."""
    env = {**os.environ, "AMQP_URL": AMQP_URL, "TASKBRIDGE_QUEUE_PREFIX": prefix}
    process = await asyncio.create_subprocess_exec(
        python, LAUNCHER, env=env, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, start_new_session=True,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        ready = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        notes: list[str] = []
        while not any(line.startswith("taskbridge: python worker on ") for line in notes):
            line = await asyncio.wait_for(process.stderr.readline(), 5)
            notes.append(line.decode().rstrip("\n"))
        return notes, ready
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 20) == 0


async def test_it_says_which_interpreter_it_runs_on() -> None:
    async with Client() as client:
        client.declared.extend(f"{client.prefix}{name}" for name in REFERENCE_HANDLERS)
        notes, ready = await _first_lines(sys.executable, client.prefix)
        assert notes[-1].startswith(f"taskbridge: python worker on {sys.executable} (Python ")
        assert "aio-pika " in notes[-1]
        assert ready.startswith(f"python worker ready: {client.prefix}demo.echo")


async def test_under_a_python_without_aio_pika_it_re_runs_under_one_that_has_it() -> None:
    # What a pyenv python3 first on PATH is: an interpreter without aio-pika.
    with tempfile.TemporaryDirectory() as tmp:
        venv = [sys.executable, "-m", "venv", "--without-pip", tmp]
        await asyncio.to_thread(subprocess.run, venv, check=True)
        bare = os.path.join(tmp, "bin", "python")
        assert not run_reference.has_aio_pika(bare)
        async with Client() as client:
            client.declared.extend(f"{client.prefix}{name}" for name in REFERENCE_HANDLERS)
            notes, ready = await _first_lines(bare, client.prefix)
        chosen = run_reference.pick_interpreter(bare, run_reference.FALLBACKS)
        assert notes == [
            f"taskbridge: {bare} has no aio-pika; re-running under {chosen}",
            notes[-1],
        ]
        assert notes[-1].startswith(f"taskbridge: python worker on {chosen} (Python ")
        assert ready.startswith("python worker ready: ")
