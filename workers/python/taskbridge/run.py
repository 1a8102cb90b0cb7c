"""``run(handlers)``: the entry point for worker scripts."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from typing import Any, Mapping, Optional

from .execute import Handler
from .worker import register_handlers

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:5672"


async def serve(
    handlers: Mapping[str, Handler],
    *,
    url: Optional[str] = None,
    ready_message: Optional[str] = None,
    **options: Any,
) -> None:
    """Serve ``handlers`` until SIGTERM or SIGINT, then shut down gracefully.

    ``url`` defaults to the ``AMQP_URL`` environment variable (else the local broker). Once
    consuming it prints one ready line on stdout (``python worker ready: a, b``), flushed, so a
    supervisor or test can wait for it. ``options`` go to :func:`register_handlers`.
    """
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        worker = await register_handlers(
            url or os.environ.get("AMQP_URL") or DEFAULT_AMQP_URL, handlers, **options
        )
        line = ready_message or f"python worker ready: {', '.join(worker.types)}"
        print(line, flush=True)
        await stop.wait()
        await worker.close()
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


def run(handlers: Mapping[str, Handler], **options: Any) -> None:
    """Run a worker script: serve ``handlers`` until SIGTERM/SIGINT, shut down, exit 0.

    Reads ``AMQP_URL``; a failure to start (broker unreachable, a refused queue declaration)
    is logged and exits 1.

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
        asyncio.run(serve(handlers, **options))
    except Exception as exc:  # noqa: BLE001 - a script reports and exits non-zero
        logging.getLogger("taskbridge").error("worker stopped: %s", exc)
        sys.exit(1)
    sys.exit(0)
