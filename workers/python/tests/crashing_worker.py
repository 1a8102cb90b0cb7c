"""A worker whose handler kills its own process: for the delivery-limit test."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from typing import Any  # noqa: E402

from taskbridge import Context, run  # noqa: E402


async def crash(payload: Any, ctx: Context[Any]) -> None:
    print(f"crashing on attempt {ctx.attempt}", flush=True)
    os._exit(3)


run({"test.crash": crash}, announce=False)
