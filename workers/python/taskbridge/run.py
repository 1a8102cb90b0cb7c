"""``run(handlers)``: the entry point for worker scripts."""

from __future__ import annotations

import asyncio
import importlib
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any, Optional, Union

from .amqp_urls import amqp_urls_from_env
from .execute import Handler
from .worker import register_handlers

#: Set to ``1`` by a supervisor (the demo launcher of ``npm start``) that holds the writing end of
#: the worker's stdin pipe: the worker then shuts down when its stdin closes.
EXIT_WITH_PARENT_ENV = "TASKBRIDGE_EXIT_WITH_PARENT"

#: ``0`` keeps asyncio's own event loop even where uvloop is installed.
UVLOOP_ENV = "TASKBRIDGE_UVLOOP"


def _stop_when_stdin_closes(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Set ``stop`` once stdin reaches its end: the supervisor never writes to the pipe, so the
    kernel closes it when the supervisor dies, however it dies (even SIGKILL)."""

    def read_until_end() -> None:
        try:
            # unbuffered reads of whatever is there; b"" only at the end of the stream
            descriptor = sys.stdin.fileno() if sys.stdin is not None else -1
            while descriptor >= 0 and os.read(descriptor, 65536):
                pass
        except (OSError, ValueError):
            pass
        if loop.is_closed():
            return
        logging.getLogger("taskbridge").info("stdin closed (the parent is gone), shutting down")
        try:
            loop.call_soon_threadsafe(stop.set)
        except RuntimeError:  # the loop closed in between: the worker is stopping anyway
            pass

    # A daemon thread: a blocking read that never keeps the process alive.
    threading.Thread(target=read_until_end, name="taskbridge-parent-watch", daemon=True).start()


def _whole(env: Mapping[str, str], name: str, minimum: int) -> Optional[int]:
    value = env.get(name, "")
    if value == "":
        return None
    if not value.isdigit() or int(value) < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}, not {value!r}")
    return int(value)


def options_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """The worker options a script takes from its environment, as ``npm run worker`` does.

    ``TASKBRIDGE_QUEUE_TYPE`` (quorum | classic), ``TASKBRIDGE_QUEUE_PREFIX``,
    ``TASKBRIDGE_PREFETCH``, ``TASKBRIDGE_WORKER_ID``, ``TASKBRIDGE_GRACE_MS`` and (Python only)
    ``TASKBRIDGE_HEARTBEAT`` in seconds. A value that cannot be used raises ``ValueError``
    with its name, so a misconfigured worker stops at once instead of guessing.
    """
    options: dict[str, Any] = {}
    queue_type = env.get("TASKBRIDGE_QUEUE_TYPE", "")
    if queue_type:
        if queue_type not in ("quorum", "classic"):
            raise ValueError(
                f'TASKBRIDGE_QUEUE_TYPE must be "quorum" or "classic", not {queue_type!r}'
            )
        options["queue_type"] = queue_type
    if env.get("TASKBRIDGE_QUEUE_PREFIX"):
        options["queue_prefix"] = env["TASKBRIDGE_QUEUE_PREFIX"]
    if env.get("TASKBRIDGE_WORKER_ID"):
        options["worker_id"] = env["TASKBRIDGE_WORKER_ID"]
    prefetch = _whole(env, "TASKBRIDGE_PREFETCH", 1)
    if prefetch is not None:
        options["prefetch"] = prefetch
    grace_ms = _whole(env, "TASKBRIDGE_GRACE_MS", 0)
    if grace_ms is not None:
        options["grace_seconds"] = grace_ms / 1000
    heartbeat = _whole(env, "TASKBRIDGE_HEARTBEAT", 0)
    if heartbeat is not None:
        options["heartbeat"] = heartbeat
    return options


async def serve(
    handlers: Mapping[str, Handler],
    *,
    url: Optional[Union[str, Sequence[str]]] = None,
    ready_message: Optional[str] = None,
    **options: Any,
) -> None:
    """Serve ``handlers`` until SIGTERM or SIGINT, then shut down gracefully.

    ``url`` (one AMQP URL, a comma-separated list or a list: a cluster's nodes) defaults to
    :func:`~taskbridge.amqp_urls.amqp_urls_from_env` (``AMQP_URLS``, else ``AMQP_URL``, else
    the local broker); the other settings default to :func:`options_from_env` and ``options`` (for
    :func:`register_handlers`) override them. Once consuming it prints one ready line on stdout
    (``python worker ready: <queue a>, <queue b> (<worker id>)``, each queue ``<prefix><type>``),
    flushed, so a supervisor or test can wait
    for it. With ``TASKBRIDGE_EXIT_WITH_PARENT=1`` it also stops when its stdin closes.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    if os.environ.get(EXIT_WITH_PARENT_ENV) == "1":
        _stop_when_stdin_closes(loop, stop)
    try:
        settings = {**options_from_env(os.environ), **options}
        urls = url if url is not None else amqp_urls_from_env(os.environ)
        async with await register_handlers(urls, handlers, **settings) as worker:
            # The queues it consumes, prefix included: what it really serves.
            line = ready_message or (
                f"python worker ready: {', '.join(worker.queues.values())} ({worker.worker_id})"
            )
            print(line, flush=True)
            await stop.wait()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def uvloop_factory() -> Optional[Callable[[], asyncio.AbstractEventLoop]]:
    """uvloop's event loop factory when uvloop is importable (Debian: python3-uvloop) and
    ``TASKBRIDGE_UVLOOP`` is not ``0``, else ``None`` (asyncio's own loop)."""
    if os.environ.get(UVLOOP_ENV) == "0":
        return None
    try:
        uvloop = importlib.import_module("uvloop")
    except ImportError:
        return None
    factory: Callable[[], asyncio.AbstractEventLoop] = uvloop.new_event_loop
    return factory


def run_coroutine(main: Coroutine[Any, Any, None]) -> None:
    """``asyncio.run(main)``, on uvloop where :func:`uvloop_factory` has it: its loop costs a
    fraction of asyncio's per callback, and a worker runs several callbacks per message."""
    factory = uvloop_factory()
    if factory is None:
        asyncio.run(main)
        return
    loop = factory()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(main)
        loop.run_until_complete(loop.shutdown_asyncgens())
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def run(handlers: Mapping[str, Handler], **options: Any) -> None:
    """Run a worker script: serve ``handlers`` until SIGTERM/SIGINT, shut down, exit 0.

    Reads ``AMQP_URLS`` / ``AMQP_URL`` and the settings of :func:`options_from_env`; a failure to
    start (a bad setting, the broker unreachable, a refused queue declaration) is logged and
    exits 1.

    Example::

        from taskbridge import run

        async def echo(payload, ctx):
            return payload

        if __name__ == "__main__":
            run({"demo.echo": echo})
    """
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=os.environ.get("TASKBRIDGE_LOG_LEVEL", "INFO").upper(),
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
            stream=sys.stderr,
        )
    try:
        run_coroutine(serve(handlers, **options))
    except Exception as exc:  # noqa: BLE001 - a script reports and exits non-zero
        logging.getLogger("taskbridge").error("worker stopped: %s", exc)
        sys.exit(1)
    sys.exit(0)
